import type { EntityManager } from 'typeorm';
import { selectIn } from './select-in';

/**
 * Tables whose rows per customer are counted in "child_count" (migration 1733200000000): database
 * triggers keep the counts in the same transaction as every INSERT and DELETE, on both engines,
 * so a new write path (removing users, deleting a customer) needs no code for them.
 */
export const COUNTED_CHILD_TABLES: ReadonlySet<string> = new Set(['customer_user', 'location', 'outbox_message']);

/** The stored counts of `table`'s rows per customer: one indexed lookup per customer, 0 when none. */
export async function readChildCounts(manager: EntityManager, table: string, customerIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await selectIn<{ parentId: string; n: string | number }>(manager, 'child_count', ['parentId', 'n'], 'parentId', customerIds,
    { equal: { column: 'kind', value: table } });
  return new Map(rows.map((r) => [r.parentId, Number(r.n)]));
}

/**
 * How a partner's unfiltered list of `table` (its customers, templates or audit events) is counted,
 * without reading the list: on SQLite the count migration 1733250000000 keeps (0 before the
 * partner's first row); on PostgreSQL the sum of the partner's rows in "partner_count_delta"
 * (migration 1733300000001), which the compactor keeps to a few (db/count-compactor.ts).
 */
export function partnerCount(db: { kind: 'sqlite' | 'postgres'; manager: EntityManager }, table: PartnerCountedTable, partnerId: string): () => Promise<number> {
  if (db.kind === 'postgres') {
    return async () => {
      const [row] = await db.manager.query(`SELECT COALESCE(SUM("n"), 0) AS "n" FROM "partner_count_delta" WHERE "kind" = $1 AND "parentId" = $2`,
        [table, partnerId]) as Array<{ n: string | number }>;
      return Number(row?.n ?? 0);
    };
  }
  return async () => {
    const rows = await selectIn<{ n: string | number }>(db.manager, 'child_count', ['n'], 'parentId', [partnerId], { equal: { column: 'kind', value: table } });
    return rows.length ? Number(rows[0]!.n) : 0;
  };
}

export type PartnerCountedTable = 'customer' | 'onboarding_template' | 'audit_event';
