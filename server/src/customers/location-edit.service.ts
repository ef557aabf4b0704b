import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { UserErrorCode } from '../errors/user-error';
import { captureCustomer } from '../graphql/customer-capture';
import type { Loaders } from '../graphql/loaders';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { takenByIndex } from '../mutations/unique-indexes';
import { parseInternationalNumber, phoneMatchesCountry } from '../rules/phone-number';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import { RemoveLocationInput, RemoveLocationPayload, UpdateLocationInput, UpdateLocationPayload } from './lifecycle.inputs';
import { Location } from './location.entity';
import type { LocationInput } from './location.inputs';
import { normalizeLocation } from './location.rules';
import type { CustomerHooks } from './customer.hooks';

/** How many users a refused change names (the count says how many there are). */
const USERS_NAMED = 5;

/** The location with that id, if its customer belongs to the caller's partner (another partner's is "not found"). */
async function ownLocation(tx: EntityManager, caller: Caller, id: string): Promise<{ location: Location; customer: Customer } | null> {
  if (!isId(id)) return null;
  const location = await tx.findOneBy(Location, { id });
  const customer = location ? await tx.findOneBy(Customer, { id: location.customerId, partnerId: caller.partnerId }) : null;
  return location && customer ? { location, customer } : null;
}

const LOCATION_FIELDS = [
  'name', 'line1', 'line2', 'city', 'stateOrProvince', 'postalCode', 'countryCode', 'timeZone', 'language', 'emergencyLocationIdentifier',
] as const;

/**
 * updateLocation and removeLocation (domain.md §12). An update runs §5's location rules over the
 * location as it would be (the current values with the fields given), so a field left out is never
 * re-judged differently from one given.
 */
export class LocationEditService {
  constructor(private readonly db: Database, private readonly hooks: CustomerHooks) {}

  private readonly updateMutation = defineMutation({
    name: 'updateLocation',
    normalise: (input: UpdateLocationInput, errors) => {
      for (const key of ['name', 'address', 'timeZone'] as const) {
        if (input[key] === null) errors.add(UserErrorCode.REQUIRED, `${key} cannot be removed; omit it to keep the current value.`, key);
      }
      return input;
    },
    check: async (tx, input, errors, caller) => {
      const own = await ownLocation(tx, caller, input.id);
      if (!own) {
        errors.add(UserErrorCode.NOT_FOUND, 'No location of your partner’s customers has this id.', 'id');
        return STOP;
      }
      const { location: before, customer } = own;
      const merged: LocationInput = {
        name: input.name ?? before.name,
        address: input.address ?? {
          line1: before.line1, line2: before.line2, city: before.city, stateOrProvince: before.stateOrProvince,
          postalCode: before.postalCode, countryCode: before.countryCode,
        },
        timeZone: input.timeZone ?? before.timeZone,
        // null: back to the customer's language (normalizeLocation's default).
        language: input.language === undefined ? before.language : input.language,
        emergencyLocationIdentifier: input.emergencyLocationIdentifier === undefined ? before.emergencyLocationIdentifier : input.emergencyLocationIdentifier,
      };
      const draft = normalizeLocation(merged, customer.language, errors);
      const after: Location = Object.assign(new Location(), before, draft);

      if (!errors.hasAt('name') && after.name.toLowerCase() !== before.name.toLowerCase()) {
        const siblings = await tx.find(Location, { select: { id: true, name: true }, where: { customerId: customer.id } });
        if (siblings.some((l) => l.id !== before.id && l.name.toLowerCase() === after.name.toLowerCase())) {
          errors.add(UserErrorCode.TAKEN, `The customer already has a location named "${after.name}".`, 'name');
        }
      }
      if (after.countryCode !== before.countryCode && !errors.hasAt('address', 'countryCode')) {
        // Every number of the location's users must stay valid for its country (§5).
        const numbered = await tx.createQueryBuilder(CustomerUser, 'u')
          .select(['u.id', 'u.email', 'u.phoneNumber'])
          .where('u.locationId = :id', { id: before.id })
          .andWhere('u.phoneNumber IS NOT NULL')
          .orderBy('u.email', 'ASC')
          .getMany();
        const misfits = numbered.filter((u) => {
          const parsed = parseInternationalNumber(u.phoneNumber!);
          return !parsed.ok || !phoneMatchesCountry(parsed.phone, after.countryCode);
        });
        if (misfits.length > 0) {
          errors.add(UserErrorCode.INVALID, `${misfits.length} user(s) at this location have numbers that are not valid in ${after.countryCode} `
            + `(${misfits.slice(0, USERS_NAMED).map((u) => u.email).join(', ')}${misfits.length > USERS_NAMED ? ', …' : ''}); `
            + 'give them new numbers or move them first (updateUsers).', 'address', 'countryCode');
        }
      }
      return { customer, before, after };
    },
    write: async (tx, { customer, before, after }) => {
      if (!LOCATION_FIELDS.some((f) => after[f] !== before[f])) return { value: after, changed: [] };
      const changes = Object.fromEntries(LOCATION_FIELDS.map((f) => [f, after[f]]));
      await tx.update(Location, { id: after.id }, changes);
      await this.hooks.locationChanged(tx, customer, before, after);
      return { value: after, changed: [customer.id, after.id] };
    },
    capture: async (tx, location, overlay) => {
      const customer = await tx.findOneByOrFail(Customer, { id: location.customerId });
      await captureCustomer(tx, overlay, customer);
    },
    taken: (violation) => takenByIndex(violation, {
      locationName: { path: ['name'], message: 'A concurrent request gave this name to another location of the customer.' },
    }),
    payload: (outcome): UpdateLocationPayload => (outcome.ok
      ? { location: outcome.value, userErrors: [] }
      : { location: null, userErrors: outcome.userErrors }),
  });

  update(caller: Caller, input: UpdateLocationInput, loaders?: Loaders | null): Promise<UpdateLocationPayload> {
    return this.updateMutation.run(this.db, { caller, loaders }, input);
  }

  private readonly removeMutation = defineMutation({
    name: 'removeLocation',
    normalise: (input: RemoveLocationInput) => input.id,
    check: async (tx, id, errors, caller) => {
      const own = await ownLocation(tx, caller, id);
      if (!own) {
        errors.add(UserErrorCode.NOT_FOUND, 'No location of your partner’s customers has this id.', 'id');
        return STOP;
      }
      if (own.location.isHeadquarters) {
        errors.add(UserErrorCode.NOT_ALLOWED, 'The headquarters cannot be removed; it is the customer’s main location.', 'id');
      }
      const users = await tx.countBy(CustomerUser, { locationId: own.location.id });
      if (users > 0) {
        errors.add(UserErrorCode.IN_USE, `${users} user(s) are at this location; move them to another location first (updateUsers).`, 'id');
      }
      return own;
    },
    write: async (tx, { location, customer }) => {
      // Setup Assist requests for a closed branch go with it (they reference the location): assist's hook.
      const gone = await this.hooks.locationRemoving(tx, customer, location);
      await tx.delete(Location, { id: location.id });
      await this.hooks.locationRemoved(tx, customer, location);
      return { value: location.id, changed: [customer.id, location.id, ...gone] };
    },
    // PostgreSQL: a user moved here concurrently now references the location (foreign key).
    refused: (error) => ((error as { driverError?: { code?: string } }).driverError?.code === '23503'
      ? [{ code: UserErrorCode.IN_USE, field: ['input', 'id'], message: 'A user was just moved to this location; move them away first (updateUsers).' }]
      : null),
    payload: (outcome): RemoveLocationPayload => (outcome.ok
      ? { removedLocationId: outcome.value, userErrors: [] }
      : { removedLocationId: null, userErrors: outcome.userErrors }),
  });

  /** Never the headquarters, never while users are there. */
  remove(caller: Caller, input: RemoveLocationInput, loaders?: Loaders | null): Promise<RemoveLocationPayload> {
    return this.removeMutation.run(this.db, { caller, loaders }, input);
  }
}
