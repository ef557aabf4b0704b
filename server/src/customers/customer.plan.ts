import { createHash } from 'node:crypto';
import { AddOn } from '../catalog/packages';
import { defaultRegionFor } from '../catalog/regions';
import { newId } from '../db/ids';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { STOP, type Stop } from '../mutations/define-mutation';
import { OnboardingTemplate, settingsOf } from '../templates/template.entity';
import { normalizeLanguage } from '../templates/template.rules';
import { CustomerAdminRole, CustomerStatus } from './customer.enums';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import type { CreateCustomerInput } from './customer.inputs';
import { Location } from './location.entity';
import { LocationDraft, normalizeLocation } from './location.rules';
import { NAME_MAX } from '../rules/strings';

/** createCustomer's input after the checks that need no database. */
export interface CustomerDraft {
  input: CreateCustomerInput;
  externalId: string | null;
  companyName: string;
  adminEmail: string;
  /** Given by the caller, else null: the admin's name then comes from the email and the company name. */
  adminFirstName: string | null;
  adminLastName: string | null;
  addOns: AddOn[];
}

/** The fields that depend on the template (its default language), and the fingerprint an identical replay has. */
export interface CustomerShape {
  language: string;
  headquarters: LocationDraft;
  dataRegion: Customer['dataRegion'];
  fingerprint: string;
}

/** What createCustomer's rules read from the database. */
export interface CustomerSnapshot {
  template: OnboardingTemplate | null;
  /** The partner's customer with the request's externalId, if any. */
  existing: Customer | null;
  adminEmailTaken: boolean;
}

/** What createCustomer writes: the customer, its headquarters and its full administrator (or the customer an identical call created). */
export type CustomerPlan =
  | { replayed: true; customer: Customer }
  | { replayed: false; customer: Customer; headquarters: Location; admin: CustomerUser; template: OnboardingTemplate };

/** Pure: the language defaults to the template's, the headquarters' language to the customer's. */
export function shapeCustomer(draft: CustomerDraft, template: OnboardingTemplate | null, errors: UserErrors): CustomerShape {
  const { input, externalId, companyName, adminEmail, addOns } = draft;
  const language = normalizeLanguage(input.language, template?.defaultEmailLanguage ?? 'en_US', errors, 'language');
  const headquarters = normalizeLocation(input.headquarters, language, errors.at('headquarters'));
  const dataRegion = input.dataRegion ?? defaultRegionFor(headquarters.countryCode);
  const fingerprint = createHash('sha256').update(JSON.stringify([
    template?.id ?? null, companyName, adminEmail, input.package, [...addOns].sort(), externalId, headquarters, dataRegion, language,
    // only when given, so the fingerprints of customers created before these fields existed still match their replays
    ...(draft.adminFirstName !== null || draft.adminLastName !== null ? [draft.adminFirstName, draft.adminLastName] : []),
  ])).digest('hex');
  return { language, headquarters, dataRegion, fingerprint };
}

/** Pure: every rule of createCustomer over its snapshot; the rows to write, the replayed customer, or STOP with the errors. */
export function planCustomer(
  draft: CustomerDraft, shape: CustomerShape, snapshot: CustomerSnapshot, errors: UserErrors, partnerId: string, now: Date,
): CustomerPlan | Stop {
  const { input, externalId, companyName, adminEmail, addOns } = draft;
  const { template, existing } = snapshot;
  if (existing) {
    if (existing.inputFingerprint === shape.fingerprint) return { replayed: true, customer: existing };
    errors.add(UserErrorCode.TAKEN, `externalId "${externalId}" already names a customer created with a different input.`, 'externalId');
  }
  if (input.supportedLocationConfirmed !== true) {
    errors.add(UserErrorCode.NOT_CONFIRMED, 'Confirm that the headquarters is in a Webex-supported location.', 'supportedLocationConfirmed');
  }
  if (snapshot.adminEmailTaken) {
    errors.add(UserErrorCode.TAKEN, `${adminEmail} already belongs to a user of an organization.`, 'adminEmail');
  }
  if (errors.any() || !template) return STOP;

  const { language, dataRegion, fingerprint } = shape;
  const customer = Object.assign(new Customer(), {
    id: newId(), partnerId, templateId: template.id, companyName, adminEmail,
    package: input.package, addOns, externalId, status: CustomerStatus.PENDING_SETUP,
    dataRegion, language, templateSettings: settingsOf(template), inputFingerprint: fingerprint,
    createdAt: now, updatedAt: now,
  } satisfies Customer);
  // Two sources, not one literal spreading the draft: V8 builds such a spread slowly (15 µs against
  // 1.3 µs for the same row, a few per cent of a createCustomer's CPU).
  const headquarters = Object.assign(new Location(), shape.headquarters satisfies LocationDraft, {
    id: newId(), customerId: customer.id, isHeadquarters: true, createdAt: now,
  } satisfies Omit<Location, keyof LocationDraft>);
  const admin = Object.assign(new CustomerUser(), {
    id: newId(), customerId: customer.id, locationId: headquarters.id,
    firstName: draft.adminFirstName ?? adminEmail.split('@')[0].slice(0, NAME_MAX), lastName: draft.adminLastName ?? companyName.slice(0, NAME_MAX), email: adminEmail,
    package: input.package, phoneNumber: null, extension: null, roles: [CustomerAdminRole.FULL_ADMIN],
    createdAt: now, updatedAt: now,
  } satisfies CustomerUser);
  return { replayed: false, customer, headquarters, admin, template };
}
