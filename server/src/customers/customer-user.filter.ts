import type { ChildListQuery } from '../graphql/loaders';
import { hasNul } from '../rules/strings';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { trigramSearch } from '../db/text-search';
import { customersWithKeptGrams, isGramTerm } from '../db/search-grams';
import { selectIn } from '../db/select-in';
import { readWebexStatusCount } from '../db/webex-user-counts';
import type { CustomerUser } from './customer-user.entity';
import type { CustomerUserFilter } from './customer.inputs';
import { WebexSyncStatus } from '../catalog/webex-sync-status';
import { likePattern } from './customer.service';

/**
 * `Customer.users(filter)` as a child-list query: the SQL for stored users and the same rule for
 * rows in memory (a dry run's overlay). Search is a case-insensitive substring of first name, last
 * name or email (domain.md §8). On SQLite a term of 3 characters or more is looked up in the
 * trigram index first; a shorter one scans the customer's users for its page, and its count is
 * read from the stored grams (db/search-grams.ts; on SQLite those of a customer of GRAMS_KEPT_FROM
 * users or more, a smaller one's users are counted).
 * `webexStatus` keeps the users whose Webex state (their webex_sync row, found by primary key; no row
 * is NOT_SYNCED) has that status; `webexStatusOf` answers the same for a dry run's rows in memory.
 * Alone, its page walks the sync rows in that status (`through`) and its count is stored
 * (db/webex-user-counts.ts), so neither grows with the customer.
 */
export function customerUsersQuery(
  db: Database, filter: CustomerUserFilter | null | undefined, webexStatusOf: (userId: string) => WebexSyncStatus = () => WebexSyncStatus.NOT_SYNCED,
): Pick<ChildListQuery, 'where' | 'key' | 'matches' | 'selective' | 'count' | 'through'> {
  const search = filter?.search?.trim().toLowerCase() || null;
  const locationId = filter?.locationId ?? null;
  const webexStatus = filter?.webexStatus ?? null;
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  // No stored text contains NUL (see hasNul): such a search matches nothing, and PostgreSQL would refuse it.
  let selective = false;
  if (search && hasNul(search)) conditions.push('1 = 0');
  else if (search) {
    // SQLite: the trigram index finds the candidates, the LIKE below decides (same matches as before).
    const trigrams = trigramSearch(db, 'c', 'customer_user_search', search, 'searchFts');
    if (trigrams) {
      if (trigrams.sql) conditions.push(trigrams.sql);
      Object.assign(params, trigrams.params);
      selective = true;
    }
    conditions.push(searchCondition(db, 'c', search));
    params.search = likePattern(search);
  }
  if (locationId) {
    conditions.push('c."locationId" = :locationId');
    params.locationId = isId(locationId) ? locationId : '';
  }
  if (webexStatus === WebexSyncStatus.NOT_SYNCED) {
    // No row yet means never carried to Webex, as Customer.webex answers it.
    conditions.push(`NOT EXISTS (SELECT 1 FROM "webex_sync" w WHERE w."id" = c."id" AND w."status" <> :webexStatus)`);
    params.webexStatus = webexStatus;
  } else if (webexStatus) {
    conditions.push(`EXISTS (SELECT 1 FROM "webex_sync" w WHERE w."id" = c."id" AND w."status" = :webexStatus)`);
    params.webexStatus = webexStatus;
  }
  const matches = search || locationId || webexStatus
    ? (u: CustomerUser) => (!search || [u.firstName.toLowerCase(), u.lastName.toLowerCase(), u.email.toLowerCase()].some((s) => s.includes(search)))
      && (!locationId || u.locationId === locationId)
      && (!webexStatus || webexStatusOf(u.id) === webexStatus)
    : null;
  // A term too short for trigrams, alone: counted from the stored grams, whatever the customer's size.
  // A Webex status alone: counted from the stored per-status counts (db/webex-user-counts.ts).
  let count: ((customerIds: readonly string[]) => Promise<Map<string, number>>) | undefined;
  if (search && !hasNul(search) && isGramTerm(search) && !locationId && !webexStatus) count = (customerIds) => countShortSearch(db, customerIds, search);
  else if (webexStatus && !search && !locationId) count = (customerIds) => readWebexStatusCount(db.manager, customerIds, webexStatus);
  // A status a user has only with a sync row, alone: the page walks the customer's sync rows in
  // that status (index ix_webex_sync_status, newest first) and joins their users, instead of walking
  // every user and looking for its row. A removed user's row (kept until Cisco's DELETE is done)
  // finds no user and is skipped, as before. NOT_SYNCED has no such rows: it walks the users, bounded
  // by its stored count (none: no row is read; see Loaders.childPage).
  const through = webexStatus && webexStatus !== WebexSyncStatus.NOT_SYNCED && !search && !locationId
    ? { table: 'webex_sync', where: { sql: `d."kind" = 'USER' AND d."status" = :throughStatus`, params: { throughStatus: webexStatus } } }
    : undefined;
  return {
    where: conditions.length ? { sql: conditions.join(' AND '), params } : null, key: JSON.stringify([search, locationId, webexStatus]), matches, selective, count, through,
  };
}

/**
 * The search's LIKE on `alias` (its :search parameter is likePattern(term)). The email first: it is
 * stored lower-cased, so it needs no folding, and SQLite stops at the first condition that holds.
 * The names fold without JavaScript for an ASCII term (caseFoldForLike).
 */
function searchCondition(db: Database, alias: string, term: string): string {
  const fold = (column: string) => db.caseFoldForLike(column, term);
  return `(${alias}."email" LIKE :search ESCAPE '\\' OR ${fold(`${alias}."firstName"`)} LIKE :search ESCAPE '\\' OR ${fold(`${alias}."lastName"`)} LIKE :search ESCAPE '\\')`;
}

/**
 * How many users of each customer a one- or two-character term matches: the stored count of that
 * gram (db/search-grams.ts), plus on SQLite the matching users still waiting to be folded into it
 * (+1 each, −1 for a deleted or renamed user's old texts), checked with the search's own LIKE. On
 * SQLite a customer whose grams are not kept (fewer than GRAMS_KEPT_FROM users when they were last
 * folded) is counted with that LIKE over its users.
 */
async function countShortSearch(db: Database, customerIds: readonly string[], term: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const add = (customerId: string, n: number | string) => counts.set(customerId, (counts.get(customerId) ?? 0) + Number(n));
  const keptSet = db.kind === 'sqlite' ? await customersWithKeptGrams(db.manager, customerIds) : new Set(customerIds);
  const kept = customerIds.filter((id) => keptSet.has(id));
  if (kept.length) {
    const stored = await selectIn<{ customerId: string; n: number | string }>(db.manager, 'customer_user_gram', ['customerId', 'n'], 'customerId', kept,
      { equal: { column: 'gram', value: term } });
    for (const row of stored) add(row.customerId, row.n);
  }
  if (db.kind === 'sqlite') {
    const counted = (table: string, column: string, ids: readonly string[]) => db.manager.createQueryBuilder()
      .select('p."customerId"', 'customerId').addSelect(column, 'n')
      .from(table, 'p')
      .where('p."customerId" IN (:...customerIds)', { customerIds: [...ids] })
      .andWhere(searchCondition(db, 'p', term), { search: likePattern(term) })
      .groupBy('p."customerId"').getQueryAndParameters();
    const notKept = customerIds.filter((id) => !keptSet.has(id));
    const queries = [
      ...(kept.length ? [counted('customer_user_gram_pending', 'SUM(p."sign")', kept)] : []),
      ...(notKept.length ? [counted('customer_user', 'COUNT(*)', notKept)] : []),
    ];
    for (const [sql, params] of queries) {
      for (const row of await db.manager.query(sql, params) as Array<{ customerId: string; n: number }>) add(row.customerId, row.n);
    }
  }
  return counts;
}
