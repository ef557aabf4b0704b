import type { ChildListQuery } from '../graphql/loaders';
import { hasNul } from '../rules/strings';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { trigramSearch } from '../db/text-search';
import type { CustomerUser } from './customer-user.entity';
import type { CustomerUserFilter } from './customer.inputs';
import { WebexSyncStatus } from '../catalog/webex-sync-status';
import { likePattern } from './customer.service';

/**
 * `Customer.users(filter)` as a child-list query: the SQL for stored users and the same rule for
 * rows in memory (a dry run's overlay). Search is a case-insensitive substring of first name, last
 * name or email (domain.md §8). On SQLite a term of 3 characters or more is looked up in the
 * trigram index first; a shorter one scans the customer's users as before (README, Performance).
 * `webexStatus` keeps the users whose Webex state (their webex_sync row, found by primary key; no row
 * is NOT_SYNCED) has that status; `webexStatusOf` answers the same for a dry run's rows in memory.
 */
export function customerUsersQuery(
  db: Database, filter: CustomerUserFilter | null | undefined, webexStatusOf: (userId: string) => WebexSyncStatus = () => WebexSyncStatus.NOT_SYNCED,
): Pick<ChildListQuery, 'where' | 'key' | 'matches' | 'selective'> {
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
    // The email first: it is stored lower-cased, so it needs no folding, and SQLite stops at the
    // first condition that holds. The names fold without JavaScript for an ASCII term (caseFoldForLike).
    const fold = (column: string) => db.caseFoldForLike(column, search);
    conditions.push(`(c."email" LIKE :search ESCAPE '\\' OR ${fold('c."firstName"')} LIKE :search ESCAPE '\\' OR ${fold('c."lastName"')} LIKE :search ESCAPE '\\')`);
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
  return {
    where: conditions.length ? { sql: conditions.join(' AND '), params } : null, key: JSON.stringify([search, locationId, webexStatus]), matches, selective,
  };
}
