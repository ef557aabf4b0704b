import type { EntityManager } from 'typeorm';
import { OnboardingTemplate } from '../templates/template.entity';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import { Location } from './location.entity';

/**
 * What a dry run's customer looks like inside its transaction, kept after the rollback so the
 * answer's nested fields (headquarters, locations, users) are those the real call would give.
 */
export interface CustomerPreview {
  locations: Location[];
  users: CustomerUser[];
  /** The template as the transaction saw it, whose customerCount includes the would-be customer. */
  template: OnboardingTemplate | null;
}

const previews = new WeakMap<Customer, CustomerPreview>();

export async function attachPreview(tx: EntityManager, customer: Customer): Promise<void> {
  // One after another: a transaction is one connection, and pg warns about (and queues) concurrent queries on it.
  const locations = await tx.find(Location, { where: { customerId: customer.id }, order: { id: 'DESC' } });
  const users = await tx.find(CustomerUser, { where: { customerId: customer.id }, order: { id: 'DESC' } });
  const template = await tx.findOneBy(OnboardingTemplate, { id: customer.templateId });
  const customerCount = await tx.countBy(Customer, { templateId: customer.templateId });
  if (template) previewCustomerCounts.set(template, customerCount);
  previews.set(customer, { locations, users, template });
  rememberLocations(users, locations);
}

const previewCustomerCounts = new WeakMap<OnboardingTemplate, number>();

/** A dry run's template counts the would-be customer, as the real call's answer would. */
export function previewCustomerCountOf(template: OnboardingTemplate): number | undefined {
  return previewCustomerCounts.get(template);
}

export function previewOf(customer: Customer): CustomerPreview | undefined {
  return previews.get(customer);
}

const locationOfUser = new WeakMap<CustomerUser, Location>();

/** Dry-run users point at locations that are gone after the rollback: remember them. */
export function rememberLocations(users: CustomerUser[], locations: Iterable<Location>): void {
  const byId = new Map([...locations].map((l) => [l.id, l]));
  for (const user of users) {
    const location = byId.get(user.locationId);
    if (location) locationOfUser.set(user, location);
  }
}

export function previewLocationOf(user: CustomerUser): Location | undefined {
  return locationOfUser.get(user);
}

const knownHeadquarters = new WeakMap<Customer, Location>();

/**
 * The headquarters a mutation wrote or read inside its transaction: the answer's `headquarters`
 * needs no second query for a row the service already holds (one read less per createCustomer).
 */
export function rememberHeadquarters(customer: Customer, headquarters: Location | undefined): void {
  if (headquarters) knownHeadquarters.set(customer, headquarters);
}

export function knownHeadquartersOf(customer: Customer): Location | undefined {
  return knownHeadquarters.get(customer);
}
