import type { EntityManager } from 'typeorm';
import { readChildCounts } from './child-counts';
import { selectIn } from './select-in';
import { TRIGRAM_MIN_LENGTH } from './text-search';

/**
 * A search term this short (after trimming and lower-casing) has no trigram: its count comes from
 * "customer_user_gram" (migration 1733300000000) instead of counting the customer's users. Every
 * user adds 1 to each distinct 1- and 2-character substring ("gram") of its case-folded first
 * name, last name and email, so the number of users a term of one or two characters matches is
 * one stored row: the same substring rule as the search itself (domain.md §8), exactly, since such a
 * term is a substring of a text exactly when it is one of the text's grams. A "x" search of a
 * 100,000-user customer counted every user (28 ms against 3 ms at 100 users, issue 13). On SQLite
 * only customers of GRAMS_KEPT_FROM users or more keep them; a smaller one is counted, which costs
 * no more than reading its few hundred users.
 */
export const GRAM_MAX_LENGTH = TRIGRAM_MIN_LENGTH - 1;

/** Whether a (trimmed, lower-cased) term is counted from the stored grams. */
export function isGramTerm(term: string): boolean {
  const length = [...term].length;
  return length >= 1 && length <= GRAM_MAX_LENGTH;
}

/**
 * The distinct grams of one user's texts, folded as SQLite's search folds them (`casefold`, which
 * is JavaScript's toLowerCase: db/database.ts). Code points, as SQLite's and PostgreSQL's substr
 * count them.
 */
export function userGrams(texts: readonly string[], into: Set<string> = new Set()): Set<string> {
  for (const text of texts) {
    const chars = [...text.toLowerCase()];
    for (let i = 0; i < chars.length; i++) {
      into.add(chars[i]!);
      if (i + 1 < chars.length) into.add(chars[i]! + chars[i + 1]!);
    }
  }
  return into;
}

/**
 * SQLite keeps the grams of a customer from this many users on; below it, a short term is counted
 * by reading the customer's users (customers/customer-user.filter.ts), at most this many plus the
 * SEARCH_INDEX_BATCH written since the last round. Kept for every customer, a new customer's one
 * administrator wrote some 60 gram rows: about 80 µs of SQL in each createCustomer, a fourth of its
 * SQL and the largest single statement (README, Performance), to save counting a few hundred rows.
 * Migration 1733500000002 wrote the value into the trigger that notes new users: a new value needs
 * a migration that writes the trigger again.
 */
export const GRAMS_KEPT_FROM = 500;

/** The row (gram '', which no text has: a gram is one or two characters) that says a customer's grams are kept. */
export const GRAMS_KEPT_MARK = '';

/** Pending rows one round of applyPendingUserGrams reads at most (bounds its memory). */
const APPLY_CHUNK = 20_000;

type UserTexts = { firstName: string; lastName: string; email: string };

function addGrams(perGram: Map<string, number>, user: UserTexts, sign: number): void {
  for (const gram of userGrams([user.firstName, user.lastName, user.email])) perGram.set(gram, (perGram.get(gram) ?? 0) + sign);
}

async function upsertGrams(tx: EntityManager, values: Array<[string, string, number]>): Promise<void> {
  if (values.length === 0) return;
  await tx.query(`INSERT INTO "customer_user_gram" ("customerId", "gram", "n")
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) WHERE true
    ON CONFLICT ("customerId", "gram") DO UPDATE SET "n" = "n" + excluded."n"`, [JSON.stringify(values)]);
}

/**
 * SQLite: the customers among `customerIds` whose grams are kept (GRAMS_KEPT_MARK). A count of the
 * others reads their users.
 */
export async function customersWithKeptGrams(tx: EntityManager, customerIds: readonly string[]): Promise<Set<string>> {
  const rows = await selectIn<{ customerId: string }>(tx, 'customer_user_gram', ['customerId'], 'customerId', customerIds,
    { equal: { column: 'gram', value: GRAMS_KEPT_MARK } });
  return new Set(rows.map((r) => r.customerId));
}

/**
 * SQLite: starts keeping one customer's grams, from its users as they are now (the pending rows
 * are already in them, so they are dropped), read in chunks by id to bound memory.
 */
async function keepGrams(tx: EntityManager, customerId: string, chunk: number): Promise<void> {
  const perGram = new Map<string, number>();
  for (let after = '';;) {
    const users = await tx.query(`SELECT "id", "firstName", "lastName", "email" FROM "customer_user"
      WHERE "customerId" = ? AND "id" > ? ORDER BY "id" LIMIT ?`, [customerId, after, chunk]) as Array<UserTexts & { id: string }>;
    for (const user of users) addGrams(perGram, user, 1);
    if (users.length < chunk) break;
    after = users[users.length - 1]!.id;
  }
  await upsertGrams(tx, [[customerId, GRAMS_KEPT_MARK, 0], ...[...perGram].map(([gram, n]) => [customerId, gram, n] as [string, string, number])]);
  await tx.query(`DELETE FROM "customer_user_gram_pending" WHERE "customerId" = ?`, [customerId]);
}

/**
 * SQLite: moves the users written since the last round from "customer_user_gram_pending" (filled
 * by triggers: +1 with a new row's texts, −1 with a deleted row's, both for a renamed one; only for
 * a customer whose grams are kept, or a new user of one that has about GRAMS_KEPT_FROM users:
 * migration 1733500000002) into the stored counts of the customers whose grams are kept, one
 * UPSERT per round whatever the number of users; a customer that has reached GRAMS_KEPT_FROM users
 * starts being kept, from its users; the rows of the others are dropped. Row triggers could not do it themselves: a user has some 60
 * grams, and 60 UPSERTs per inserted row would triple a 10,000-user setupCustomer. Runs inside a
 * write transaction (db/search-indexer.ts, before each group's COMMIT, once enough rows are
 * pending); a count reads the pending rows too, so it is exact in between. Rows of a customer
 * deleted meanwhile are dropped unread (its counts went with it). Returns the rows applied.
 */
export async function applyPendingUserGrams(tx: EntityManager, chunk = APPLY_CHUNK, keptFrom = GRAMS_KEPT_FROM): Promise<number> {
  // A deleted customer's users (deleteCustomer removes them first): nothing to count any more.
  await tx.query(`DELETE FROM "customer_user_gram_pending"
    WHERE NOT EXISTS (SELECT 1 FROM "customer" c WHERE c."id" = "customer_user_gram_pending"."customerId")`);
  let applied = 0;
  for (;;) {
    const rows = await tx.query(`SELECT "id", "customerId", "firstName", "lastName", "email", "sign"
      FROM "customer_user_gram_pending" ORDER BY "id" LIMIT ?`, [chunk]) as Array<UserTexts & { id: number; customerId: string; sign: number }>;
    if (rows.length === 0) return applied;
    const customerIds = [...new Set(rows.map((row) => row.customerId))];
    const kept = await customersWithKeptGrams(tx, customerIds);
    const notKept = customerIds.filter((id) => !kept.has(id));
    const sizes = notKept.length ? await readChildCounts(tx, 'customer_user', notKept) : new Map<string, number>();
    for (const customerId of notKept) if ((sizes.get(customerId) ?? 0) >= keptFrom) await keepGrams(tx, customerId, chunk);
    const deltas = new Map<string, Map<string, number>>();
    for (const row of rows) {
      if (!kept.has(row.customerId)) continue;
      let perGram = deltas.get(row.customerId);
      if (!perGram) deltas.set(row.customerId, perGram = new Map());
      addGrams(perGram, row, row.sign);
    }
    const values: Array<[string, string, number]> = [];
    for (const [customerId, perGram] of deltas) {
      for (const [gram, n] of perGram) if (n !== 0) values.push([customerId, gram, n]);
    }
    await upsertGrams(tx, values);
    await tx.query(`DELETE FROM "customer_user_gram_pending" WHERE "id" <= ?`, [rows[rows.length - 1]!.id]);
    applied += rows.length;
    if (rows.length < chunk) return applied;
  }
}

/**
 * PostgreSQL: the SELECT of (id, customerId, gram) for every distinct gram of the rows of
 * `source`, folded as PostgreSQL's search folds them (lower() of the names; the email is stored
 * lower-cased and compared as it is), so a stored count is exactly what the LIKE would count.
 */
export function postgresGramsOf(source: string): string {
  return `SELECT DISTINCT r."id", r."customerId", substr(t."text", i, k) AS "gram"
    FROM ${source} r
    CROSS JOIN LATERAL (VALUES (lower(r."firstName")), (lower(r."lastName")), (r."email")) AS t("text")
    CROSS JOIN LATERAL generate_series(1, char_length(t."text")) AS i
    CROSS JOIN (VALUES (1), (2)) AS g(k)
    WHERE i + k - 1 <= char_length(t."text")`;
}
