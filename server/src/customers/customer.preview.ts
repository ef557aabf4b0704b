import type { EntityManager } from 'typeorm';
import { CustomerUser } from './customer-user.entity';
import type { Customer } from './customer.entity';
import { Location } from './location.entity';

/**
 * What a dry run's customer looks like inside its transaction, kept after the rollback so the
 * answer's nested fields (headquarters, locations, users) are those the real call would give.
 */
export interface CustomerPreview {
  locations: Location[];
  users: CustomerUser[];
}

const previews = new WeakMap<Customer, CustomerPreview>();

export async function attachPreview(tx: EntityManager, customer: Customer): Promise<void> {
  const [locations, users] = await Promise.all([
    tx.find(Location, { where: { customerId: customer.id }, order: { id: 'DESC' } }),
    tx.find(CustomerUser, { where: { customerId: customer.id }, order: { id: 'DESC' } }),
  ]);
  previews.set(customer, { locations, users });
  rememberLocations(users, locations);
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
