import pino from 'pino';
import { resolveCaller } from '../server/src/auth/caller';
import { createServices } from '../server/src/graphql/services';
import type { CreateCustomerInput } from '../server/src/customers/customer.inputs';
import { Database } from '../server/src/db/database';
import type { SetupCustomerInput } from '../server/src/setup/setup-customer.inputs';
import type { CreateTemplateInput } from '../server/src/templates/template.inputs';

export const benchLogger = pino({ level: 'warn' });

export interface BaseDatabase {
  file: string;
  token: string;
  templateId: string;
  /** One customer per setup repetition (index 0 is the warm-up), all PENDING_SETUP. */
  customerIds: string[];
}

const CITIES = [
  { city: 'Amsterdam', line1: 'Damrak 1', postalCode: '1012 LG' },
  { city: 'Rotterdam', line1: 'Coolsingel 40', postalCode: '3011 AD' },
  { city: 'Utrecht', line1: 'Stationsplein 1', postalCode: '3511 CE' },
  { city: 'Den Haag', line1: 'Spui 70', postalCode: '2511 BT' },
  { city: 'Eindhoven', line1: 'Stationsplein 17', postalCode: '5611 AC' },
];

export function nlLocation(name: string, k: number) {
  const c = CITIES[k % CITIES.length];
  return {
    name,
    address: { line1: c.line1, city: c.city, postalCode: c.postalCode, countryCode: 'NL' },
    timeZone: 'Europe/Amsterdam',
  };
}

export function customerInput(templateId: string, n: number): CreateCustomerInput {
  return {
    templateId,
    companyName: `Bench Company ${n}`,
    adminEmail: `admin${n}.${Date.now().toString(36)}@bench.example`,
    package: 'WEBEX_CALLING',
    headquarters: nlLocation('Headquarters', 0),
    supportedLocationConfirmed: true,
  } as unknown as CreateCustomerInput;
}

/** An Amsterdam number (+31 20 …), unique per (rep, i) for up to 100,000 users a repetition. */
function amsterdamNumber(rep: number, i: number): string {
  const subscriber = String(2_000_000 + rep * 100_000 + i);
  return `+31 20 ${subscriber.slice(0, 3)} ${subscriber.slice(3)}`;
}

/** P1's input: `locations` NL locations and `users` users with valid, unique numbers, spread over them. */
export function setupInput(customerId: string, rep: number, locations: number, users: number): SetupCustomerInput {
  const locationInputs = Array.from({ length: locations }, (_, k) => nlLocation(`Office ${String(k + 1).padStart(3, '0')}`, k));
  return {
    customerId,
    locations: locationInputs,
    users: Array.from({ length: users }, (_, i) => ({
      firstName: `First${i}`,
      lastName: `Last ${rep}-${i}`,
      email: `user${rep}-${i}@bench.example`,
      package: 'WEBEX_CALLING',
      locationName: locationInputs[i % locations].name,
      phoneNumber: amsterdamNumber(rep, i),
    })),
  } as unknown as SetupCustomerInput;
}

/** A migrated database with one partner, one template and `customers` customers, closed. */
export async function prepareBase(file: string, customers: number): Promise<BaseDatabase> {
  const db = await Database.open({ target: { kind: 'sqlite', file }, logger: benchLogger });
  try {
    const services = createServices(db);
    const partner = await services.partners.createPartner({ name: 'Bench Partner', adminEmail: 'admin@bench-partner.example', subscriptions: ['Sub100452'] });
    const caller = (await resolveCaller(db, partner.token))!;
    const template = await services.templates.create(caller, {
      name: 'Bench template', countryCode: 'NL', serviceProviderAdminId: partner.adminId,
      subscriptionId: partner.subscriptionIds[0], brandName: 'Bench Telecom',
    } as unknown as CreateTemplateInput);
    if (!template.template) throw new Error(`createTemplate failed: ${JSON.stringify(template.userErrors)}`);
    const customerIds: string[] = [];
    for (let n = 0; n < customers; n++) {
      const created = await services.customers.create(caller, customerInput(template.template.id, n));
      if (!created.customer) throw new Error(`createCustomer failed: ${JSON.stringify(created.userErrors)}`);
      customerIds.push(created.customer.id);
    }
    return { file, token: partner.token, templateId: template.template.id, customerIds };
  } finally {
    await db.close();
  }
}
