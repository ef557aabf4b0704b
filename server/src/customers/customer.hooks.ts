import type { EntityManager } from 'typeorm';
import type { WebexSyncStatus } from '../catalog/webex-sync-status';
import type { Loaders } from '../graphql/loaders';
import type { OnboardingTemplate } from '../templates/template.entity';
import type { CustomerUser } from './customer-user.entity';
import type { Customer } from './customer.entity';
import type { Location } from './location.entity';

/**
 * What the modules that hang off a customer (its emails, its Setup Assist requests, its Webex
 * connector) do when the customer, its locations or users change. Declared here, by the side that
 * changes customers, and filled in where the services are composed (graphql/services.ts), so that
 * customers/, setup/ and users/ import none of those modules: each of them imports customers/.
 *
 * Every call runs in the mutation's own transaction, so the work exists exactly when the change
 * commits (a dry run's rollback takes it away). Implementations answer the calls they care about.
 */
export interface CustomerHooks {
  /** createCustomer, after its rows are written: the admin invitation; Webex QUEUED when the partner is connected and the template has a webexProvisioningId. */
  customerCreated(tx: EntityManager, customer: Customer, template: OnboardingTemplate, headquarters: Location, admin: CustomerUser): Promise<void>;
  /** setupCustomer: new locations and users follow their customer (and the Webex job wakes for changed ones). */
  setupApplied(tx: EntityManager, customer: Customer, locations: readonly Location[], users: readonly CustomerUser[]): Promise<void>;
  /** updateCustomer: a new package or add-on list is PUT to Cisco (the complete package list). */
  customerChanged(tx: EntityManager, before: Customer, after: Customer): Promise<void>;
  /** deleteCustomer, before its rows are deleted: rows of other modules that reference them go, or are retired. */
  customerDeleting(tx: EntityManager, customer: Customer): Promise<void>;
  /** deleteCustomer, after its rows are deleted: DELETE /wholesale/customers/{id}; its locations and users go with it at Cisco. */
  customerDeleted(tx: EntityManager, customer: Customer): Promise<void>;
  /** updateLocation: PUT /locations/{id}. */
  locationChanged(tx: EntityManager, customer: Customer, before: Location, after: Location): Promise<void>;
  /** removeLocation, before the row is deleted: rows that reference it go; answers their ids (the mutation's changed rows). */
  locationRemoving(tx: EntityManager, customer: Customer, location: Location): Promise<readonly string[]>;
  /** removeLocation, after the row is deleted: DELETE /locations/{id}. */
  locationRemoved(tx: EntityManager, customer: Customer, location: Location): Promise<void>;
  /**
   * Users changed (updateUsers, updateCustomer's moved administrators), called inside the mutation's
   * write after the rows are written: a new package is PUT to /wholesale/subscribers/{id} (with the
   * number, extension and location when moving from meetings to calling). A new number, extension or
   * location of a user who already has calling at Cisco stays here (Webex Calling's own APIs carry it):
   * the user's webex.errors says it must also be made in Control Hub.
   */
  usersChanged(tx: EntityManager, customer: Customer, changes: readonly { before: CustomerUser; after: CustomerUser }[]): Promise<void>;
  /** Users removed (removeUsers), called inside the mutation's write after the rows are deleted: DELETE /wholesale/subscribers/{id}. */
  usersRemoved(tx: EntityManager, customer: Customer, users: readonly CustomerUser[]): Promise<void>;
}

/**
 * The hooks of several modules as one, called in the order given (emails before Webex, as the
 * services always wrote them).
 */
export function combineCustomerHooks(...parts: readonly Partial<CustomerHooks>[]): CustomerHooks {
  const each = <K extends keyof CustomerHooks>(name: K) => parts.map((p) => p[name]?.bind(p)).filter((f) => f !== undefined) as CustomerHooks[K][];
  const all = <K extends keyof CustomerHooks>(name: K) => async (...args: Parameters<CustomerHooks[K]>): Promise<void> => {
    for (const hook of each(name)) await (hook as (...a: Parameters<CustomerHooks[K]>) => Promise<unknown>)(...args);
  };
  return {
    customerCreated: all('customerCreated'),
    setupApplied: all('setupApplied'),
    customerChanged: all('customerChanged'),
    customerDeleting: all('customerDeleting'),
    customerDeleted: all('customerDeleted'),
    locationChanged: all('locationChanged'),
    locationRemoving: async (...args) => {
      const ids: string[] = [];
      for (const hook of each('locationRemoving')) ids.push(...await hook(...args));
      return ids;
    },
    locationRemoved: all('locationRemoved'),
    usersChanged: all('usersChanged'),
    usersRemoved: all('usersRemoved'),
  };
}

/**
 * A user's Webex status as this request holds it (the rows a dry run captured), or undefined when
 * it holds none: answered by the Webex connector, composed in graphql/services.ts.
 */
export type HeldWebexStatus = (loaders: Loaders, userId: string) => WebexSyncStatus | undefined;
