import type { EntityManager } from 'typeorm';
import type { CustomerUser } from '../customers/customer-user.entity';
import type { Customer } from '../customers/customer.entity';
import type { Location } from '../customers/location.entity';
import { bulkInsert } from '../db/bulk-insert';
import { selectIn } from '../db/select-in';
import type { OnboardingTemplate } from '../templates/template.entity';
import { WebexConnectionRow, WebexJob, WebexJobStatus, WebexObjectKind, WebexSyncRow, WebexSyncStatus } from './webex.entities';

/**
 * The one interface the GraphQL services use to hand work to the Webex connector. Each call runs
 * in the mutation's own transaction, so the work exists exactly when the change commits (a dry
 * run's rollback takes it away: dry runs never reach Cisco). Nothing here talks to Cisco.
 */
export interface WebexSyncHook {
  /** createCustomer: QUEUED when the partner is connected and the template has a webexProvisioningId, else nothing (NOT_SYNCED). */
  customerCreated(tx: EntityManager, customer: Customer, template: OnboardingTemplate, headquarters: Location, admin: CustomerUser): Promise<void>;
  /** setupCustomer: new locations and users follow their customer (and the job wakes for changed ones). */
  setupApplied(tx: EntityManager, customer: Customer, locations: readonly Location[], users: readonly CustomerUser[]): Promise<void>;
}

export function queuedRow(id: string, kind: WebexObjectKind, customerId: string, now: Date): WebexSyncRow {
  const row = new WebexSyncRow();
  row.id = id;
  row.kind = kind;
  row.customerId = customerId;
  row.status = WebexSyncStatus.QUEUED;
  row.webexId = null;
  row.orgId = null;
  row.webexStatus = null;
  row.errors = [];
  row.attempts = 0;
  row.lastAttemptAt = null;
  row.nextAttemptAt = null;
  row.createAttemptedAt = null;
  row.updatedAt = now;
  return row;
}

/** Creates the customer's job, or wakes it (re-armed when a worker holds it: see WebexWorker.finish). */
export async function wakeJob(tx: EntityManager, customerId: string, partnerId: string, now: Date): Promise<void> {
  const woken = await tx.createQueryBuilder().update(WebexJob)
    .set({
      status: () => `CASE WHEN status = 'DONE' THEN 'PENDING' ELSE status END`,
      nextAttemptAt: now, rearm: 1, updatedAt: now,
    })
    .where('id = :id', { id: customerId })
    .execute();
  if ((woken.affected ?? 0) > 0) return;
  const held = await tx.findOneBy(WebexConnectionRow, { partnerId });
  const job = new WebexJob();
  job.id = customerId;
  job.partnerId = partnerId;
  // A connection whose token was refused holds its jobs until connectWebex.
  job.status = held?.lastError ? WebexJobStatus.HELD : WebexJobStatus.PENDING;
  job.attempts = 0;
  job.nextAttemptAt = now;
  job.leaseUntil = null;
  job.claimToken = null;
  job.lastError = null;
  job.rearm = 0;
  job.createdAt = now;
  job.updatedAt = now;
  await bulkInsert(tx, WebexJob, [job]);
}

export const webexSync: WebexSyncHook = {
  async customerCreated(tx, customer, template, headquarters, admin) {
    // The template is checked first: without a Provisioning ID no query is made at all.
    if (!template.webexProvisioningId) return;
    if (!(await tx.existsBy(WebexConnectionRow, { partnerId: customer.partnerId }))) return;
    const now = new Date();
    await bulkInsert(tx, WebexSyncRow, [
      queuedRow(customer.id, WebexObjectKind.CUSTOMER, customer.id, now),
      queuedRow(headquarters.id, WebexObjectKind.LOCATION, customer.id, now),
      queuedRow(admin.id, WebexObjectKind.USER, customer.id, now),
    ]);
    await wakeJob(tx, customer.id, customer.partnerId, now);
  },

  async setupApplied(tx, customer, locations, users) {
    // One lookup decides: a customer that is not carried to Webex has no sync row.
    if (!(await tx.existsBy(WebexSyncRow, { id: customer.id }))) return;
    const now = new Date();
    // Only this request's users (by primary key): reading every user's sync row of a 200,000-user
    // customer cost more than the setup's own checks (issue 13).
    const known = new Set((await selectIn<{ id: string }>(tx, 'webex_sync', ['id'], 'id', users.map((u) => u.id))).map((r) => r.id));
    await bulkInsert(tx, WebexSyncRow, [
      ...locations.map((l) => queuedRow(l.id, WebexObjectKind.LOCATION, customer.id, now)),
      ...users.filter((u) => !known.has(u.id)).map((u) => queuedRow(u.id, WebexObjectKind.USER, customer.id, now)),
    ]);
    await wakeJob(tx, customer.id, customer.partnerId, now);
  },
};
