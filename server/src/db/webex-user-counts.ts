import type { EntityManager } from 'typeorm';
import { WebexSyncStatus } from '../catalog/webex-sync-status';
import { readChildCounts } from './child-counts';
import { selectIn } from './select-in';

/**
 * How many of each customer's users stand in each Webex status, from the counts the database keeps
 * (migration 1733400000000: one row per customer and status, kept by triggers), whatever the
 * customer's size. Statuses with no user are left out of a customer's map.
 *
 * NOT_SYNCED is derived: the customer's users ("child_count") minus those counted in another status.
 * That is exact because the stored rows count, per status, the users that exist and have a USER
 * sync row in that status; a user has at most one sync row (its id is the row's key), so the users
 * split into those counted under exactly one status other than NOT_SYNCED, and the rest: no row, or
 * a row in NOT_SYNCED, which is what Customer.webex and users(filter: { webexStatus: NOT_SYNCED })
 * call NOT_SYNCED (syncOf; customers/customer-user.filter.ts).
 */
export async function readWebexUserCounts(manager: EntityManager, customerIds: readonly string[]): Promise<Map<string, Map<WebexSyncStatus, number>>> {
  const [rows, users] = [
    await selectIn<{ customerId: string; status: WebexSyncStatus; n: string | number }>(manager, 'webex_user_count', ['customerId', 'status', 'n'], 'customerId', customerIds),
    await readChildCounts(manager, 'customer_user', customerIds),
  ];
  const out = new Map<string, Map<WebexSyncStatus, number>>(customerIds.map((id) => [id, new Map()]));
  for (const row of rows) {
    const n = Number(row.n);
    if (row.status !== WebexSyncStatus.NOT_SYNCED && n > 0) out.get(row.customerId)?.set(row.status, n);
  }
  for (const [id, byStatus] of out) {
    const unsynced = (users.get(id) ?? 0) - [...byStatus.values()].reduce((a, b) => a + b, 0);
    if (unsynced > 0) byStatus.set(WebexSyncStatus.NOT_SYNCED, unsynced);
  }
  return out;
}

/** The stored count of each customer's users in one status (see readWebexUserCounts). */
export async function readWebexStatusCount(manager: EntityManager, customerIds: readonly string[], status: WebexSyncStatus): Promise<Map<string, number>> {
  const counts = await readWebexUserCounts(manager, customerIds);
  return new Map([...counts].map(([id, byStatus]) => [id, byStatus.get(status) ?? 0]));
}

/**
 * PostgreSQL: locks the customer's "child_count" row of users, which the triggers of
 * "webex_user_count" take before changing a count, and which a mutation's writes of users take
 * before it changes their sync rows. A writer that changes a user's sync status by itself (the
 * connector's worker) takes it first too, so it never holds the sync row while waiting for the
 * counts that a mutation holds while waiting for that sync row. SQLite needs nothing (one writer).
 */
export async function lockWebexUserCounts(tx: EntityManager, customerId: string): Promise<void> {
  if (tx.connection.driver.options.type !== 'postgres') return;
  await tx.query(`SELECT 1 FROM "child_count" WHERE "kind" = 'customer_user' AND "parentId" = $1 FOR UPDATE`, [customerId]);
}
