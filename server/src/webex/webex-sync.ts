import { In, type EntityManager } from 'typeorm';
import { isBelow, packageRow } from '../catalog/packages';
import type { CustomerHooks } from '../customers/customer.hooks';
import type { CustomerUser } from '../customers/customer-user.entity';
import type { Customer } from '../customers/customer.entity';
import type { Location } from '../customers/location.entity';
import { bulkInsert } from '../db/bulk-insert';
import { selectIn } from '../db/select-in';
import type { OnboardingTemplate } from '../templates/template.entity';
import {
  CONTROL_HUB_CODE, WebexChange, WebexConnectionRow, WebexError, WebexJob, WebexJobStatus, WebexObjectKind, WebexSyncRow, WebexSyncStatus,
} from './webex.entities';

const CHUNK = 900;

/** The sync rows of these objects (none for objects not carried to Webex). */
async function rowsOf(tx: EntityManager, ids: readonly string[]): Promise<Map<string, WebexSyncRow>> {
  const rows = new Map<string, WebexSyncRow>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const row of await tx.findBy(WebexSyncRow, { id: In(ids.slice(i, i + CHUNK)) })) rows.set(row.id, row);
  }
  return rows;
}

/** Cisco may have the object: its create was sent (or answered). Otherwise the create, when it goes, carries the object as it is then. */
function reachedCisco(row: WebexSyncRow): boolean {
  return row.webexId !== null || row.createAttemptedAt !== null;
}

/**
 * Records a change on the rows. Every row's changeSeq is bumped, so a worker that read the object
 * before the change neither sends a create with the old values nor clears a newer pending change.
 */
async function markChanged(tx: EntityManager, ids: readonly string[], change: WebexChange | null, now: Date, extra: Partial<WebexSyncRow> = {}): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const set: Record<string, unknown> = { changeSeq: () => '"changeSeq" + 1', updatedAt: now, ...extra };
    if (change !== null) {
      set.pendingChange = change;
      set.nextAttemptAt = null;
    }
    await tx.createQueryBuilder().update(WebexSyncRow).set(set as never).where('id IN (:...ids)', { ids: ids.slice(i, i + CHUNK) }).execute();
  }
}

/**
 * One text column set to a value of its own on each row: one UPDATE per chunk (a CASE), never one
 * per row (updateUsers and removeUsers carry up to 10,000 users). `set` adds the columns every row gets.
 */
async function setPerRow(
  tx: EntityManager, column: 'lookupKey' | 'errors', entries: readonly { id: string; value: string }[], set: Record<string, unknown>,
): Promise<void> {
  const chunk = 400;
  for (let i = 0; i < entries.length; i += chunk) {
    const part = entries.slice(i, i + chunk);
    const params: Record<string, string> = {};
    const cases = part.map((e, j) => {
      params[`i${j}`] = e.id;
      params[`v${j}`] = e.value;
      return `WHEN :i${j} THEN :v${j}`;
    }).join(' ');
    await tx.createQueryBuilder().update(WebexSyncRow)
      .set({ ...set, [column]: () => `CASE id ${cases} END` } as never)
      .where('id IN (:...ids)', { ids: part.map((e) => e.id) })
      .setParameters(params)
      .execute();
  }
}

/** DELETE pending on many rows, each with its own lookup key. */
async function markDeleted(tx: EntityManager, entries: readonly { id: string; lookupKey: string }[], now: Date): Promise<void> {
  await setPerRow(tx, 'lookupKey', entries.map((e) => ({ id: e.id, value: e.lookupKey })), {
    pendingChange: WebexChange.DELETE, nextAttemptAt: null, updatedAt: now, changeSeq: () => '"changeSeq" + 1',
  });
}

/** Forgets rows of objects Cisco never got (their create was never sent). */
async function forget(tx: EntityManager, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await tx.delete(WebexSyncRow, { id: In(ids.slice(i, i + CHUNK)) });
}

const calling = (pkg: CustomerUser['package']) => packageRow(pkg).calling;

/** The note on a user whose number, extension or location changed here but cannot be carried by the Wholesale API. */
function controlHubNote(before: CustomerUser, after: CustomerUser): WebexError | null {
  const what: string[] = [];
  if (before.phoneNumber !== after.phoneNumber) what.push(`phone number ${after.phoneNumber ?? '(none)'}`);
  if (before.extension !== after.extension) what.push(`extension ${after.extension ?? '(none)'}`);
  if (before.locationId !== after.locationId) what.push('location');
  if (what.length === 0) return null;
  return {
    code: CONTROL_HUB_CODE,
    description: `The new ${what.join(', ')} is kept here but must also be made in Control Hub: Webex for Wholesale `
      + 'cannot change the number, extension or location of a user who already has calling (Webex Calling’s own APIs do).',
    trackingId: null,
  };
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
  row.pendingChange = null;
  row.changeSeq = 0;
  row.lookupKey = null;
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

/**
 * One object changed here (updateCustomer, updateLocation): once its create has gone to Cisco, `change` (given the
 * row) is what Cisco must still get; before that the create carries the object as it is then. Its customer's job wakes.
 */
async function oneChanged(tx: EntityManager, id: string, customer: Pick<Customer, 'id' | 'partnerId'>, change: (row: WebexSyncRow) => WebexChange): Promise<void> {
  const row = await tx.findOneBy(WebexSyncRow, { id });
  if (!row) return;
  const now = new Date();
  await markChanged(tx, [row.id], reachedCisco(row) ? change(row) : null, now);
  await wakeJob(tx, customer.id, customer.partnerId, now);
}

/**
 * One object gone here (deleteCustomer, removeLocation): forgotten when Cisco never got it, else a DELETE is pending,
 * with the key that finds it at Cisco when a lost answer hid its id. Its customer's job wakes.
 */
async function oneRemoved(tx: EntityManager, row: WebexSyncRow, lookupKey: string, customer: Pick<Customer, 'id' | 'partnerId'>): Promise<void> {
  if (!reachedCisco(row)) {
    await forget(tx, [row.id]);
    return;
  }
  const now = new Date();
  await markChanged(tx, [row.id], WebexChange.DELETE, now, { lookupKey });
  await wakeJob(tx, customer.id, customer.partnerId, now);
}

/**
 * The Webex connector's side of the customer hooks (customers/customer.hooks.ts), composed in
 * graphql/services.ts: the only way the GraphQL services hand work to the connector. Nothing here
 * talks to Cisco; dry runs never reach it (their rollback takes the queued rows away).
 */
export const webexSync: Omit<CustomerHooks, 'customerDeleting' | 'locationRemoving'> = {
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

  async customerChanged(tx, before, after) {
    const packages = (c: Customer) => JSON.stringify([c.package, ...[...c.addOns].sort()]);
    if (packages(before) === packages(after)) return;
    // A downgrade (the new package is one the old includes) goes after the administrators' subscribers have moved
    // down; an add-on change keeps a downgrade still unsent in that order.
    await oneChanged(tx, after.id, after, (row) => {
      const downgrade = after.package === before.package ? row.pendingChange === WebexChange.DOWNGRADE : isBelow(after.package, before.package);
      return downgrade ? WebexChange.DOWNGRADE : WebexChange.UPDATE;
    });
  },

  async customerDeleted(tx, customer) {
    const row = await tx.findOneBy(WebexSyncRow, { id: customer.id });
    if (!row) return;
    // Cisco removes the customer's locations and subscribers with it: only the customer's row stays, until its DELETE is done.
    await tx.createQueryBuilder().delete().from(WebexSyncRow)
      .where('"customerId" = :customerId', { customerId: customer.id }).andWhere('id <> :id', { id: customer.id }).execute();
    await oneRemoved(tx, row, customer.id, customer);
  },

  async locationChanged(tx, customer, before, after) {
    const carried = ['name', 'line1', 'line2', 'city', 'stateOrProvince', 'postalCode', 'countryCode', 'timeZone', 'language'] as const;
    if (!carried.some((f) => before[f] !== after[f])) return;
    await oneChanged(tx, after.id, customer, () => WebexChange.UPDATE);
  },

  async locationRemoved(tx, customer, location) {
    const row = await tx.findOneBy(WebexSyncRow, { id: location.id });
    if (row) await oneRemoved(tx, row, location.name, customer);
  },

  async usersChanged(tx, customer, changes) {
    if (changes.length === 0) return;
    const rows = await rowsOf(tx, changes.map((c) => c.after.id));
    if (rows.size === 0) return;
    const now = new Date();
    const untouched: string[] = [];
    const notes: { id: string; value: string }[] = [];
    const byChange = new Map<WebexChange, string[]>();
    for (const { before, after } of changes) {
      const row = rows.get(after.id);
      if (!row) continue;
      if (!reachedCisco(row)) {
        // Not at Cisco yet: the create will carry the user as it is (the bump keeps a worker from sending what it read before).
        untouched.push(row.id);
        continue;
      }
      if (before.package !== after.package) {
        // A move from meetings to calling (also when an earlier unsent change already was one) carries the user's numbers.
        const toCalling = calling(after.package) && (!calling(before.package) || row.pendingChange === WebexChange.UPDATE_CALLING);
        const change = toCalling ? WebexChange.UPDATE_CALLING : WebexChange.UPDATE;
        byChange.set(change, [...(byChange.get(change) ?? []), row.id]);
      } else if (row.pendingChange === null) {
        untouched.push(row.id);
      } else {
        byChange.set(row.pendingChange, [...(byChange.get(row.pendingChange) ?? []), row.id]);
      }
      const note = calling(before.package) && calling(after.package) && row.pendingChange !== WebexChange.UPDATE_CALLING ? controlHubNote(before, after) : null;
      if (note) notes.push({ id: row.id, value: JSON.stringify([...row.errors.filter((e) => e.code !== CONTROL_HUB_CODE), note]) });
    }
    await setPerRow(tx, 'errors', notes, { updatedAt: now });
    await markChanged(tx, untouched, null, now);
    for (const [change, ids] of byChange) await markChanged(tx, ids, change, now);
    await wakeJob(tx, customer.id, customer.partnerId, now);
  },

  async usersRemoved(tx, customer, users) {
    if (users.length === 0) return;
    const rows = await rowsOf(tx, users.map((u) => u.id));
    if (rows.size === 0) return;
    const now = new Date();
    await forget(tx, [...rows.values()].filter((r) => !reachedCisco(r)).map((r) => r.id));
    await markDeleted(tx, users.filter((u) => rows.has(u.id) && reachedCisco(rows.get(u.id)!)).map((u) => ({ id: u.id, lookupKey: u.email })), now);
    await wakeJob(tx, customer.id, customer.partnerId, now);
  },
};
