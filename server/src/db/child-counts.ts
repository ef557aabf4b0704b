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
 * The stored count of a partner's rows in `table` (migration 1733250000000: its customers, templates
 * and audit events), kept by the same kind of triggers; 0 before the partner's first row.
 */
export async function readPartnerCount(manager: EntityManager, table: PartnerCountedTable, partnerId: string): Promise<number> {
  const rows = await selectIn<{ n: string | number }>(manager, 'child_count', ['n'], 'parentId', [partnerId], { equal: { column: 'kind', value: table } });
  return rows.length ? Number(rows[0]!.n) : 0;
}

export type PartnerCountedTable = 'customer' | 'onboarding_template' | 'audit_event';
