import type { EntityManager } from 'typeorm';
import { TRIGRAM_MIN_LENGTH } from './text-search';

/**
 * A search term this short (after trimming and lower-casing) has no trigram: its count comes from
 * "customer_user_gram" (migration 1733300000000) instead of counting the customer's users. Every
 * user adds 1 to each distinct 1- and 2-character substring ("gram") of its case-folded first
 * name, last name and email, so the number of users a term of one or two characters matches is
 * one stored row: the same substring rule as the search itself (domain.md §8), exactly, since such a
 * term is a substring of a text exactly when it is one of the text's grams. A "x" search of a
 * 100,000-user customer counted every user (28 ms against 3 ms at 100 users, issue 13).
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

/** Pending rows one round of applyPendingUserGrams reads at most (bounds its memory). */
const APPLY_CHUNK = 20_000;

/**
 * SQLite: moves the users written since the last round from "customer_user_gram_pending" (filled
 * by triggers: +1 with a new row's texts, −1 with a deleted row's, both for a renamed one) into the
 * stored counts, one UPSERT per round whatever the number of users. Row triggers could not do it
 * themselves: a user has some 60 grams, and 60 UPSERTs per inserted row would triple a 10,000-user
 * setupCustomer. Runs inside a write transaction (db/search-indexer.ts, before each group's COMMIT,
 * once enough rows are pending); a count reads the pending rows too, so it is exact in between.
 * Rows of a customer deleted meanwhile are dropped unread (its counts went with it). Returns the rows
 * applied.
 */
export async function applyPendingUserGrams(tx: EntityManager, chunk = APPLY_CHUNK): Promise<number> {
  // A deleted customer's users (deleteCustomer removes them first): nothing to count any more.
  await tx.query(`DELETE FROM "customer_user_gram_pending"
    WHERE NOT EXISTS (SELECT 1 FROM "customer" c WHERE c."id" = "customer_user_gram_pending"."customerId")`);
  let applied = 0;
  for (;;) {
    const rows = await tx.query(`SELECT "id", "customerId", "firstName", "lastName", "email", "sign"
      FROM "customer_user_gram_pending" ORDER BY "id" LIMIT ?`, [chunk]) as Array<{ id: number; customerId: string; firstName: string; lastName: string; email: string; sign: number }>;
    if (rows.length === 0) return applied;
    const deltas = new Map<string, Map<string, number>>();
    for (const row of rows) {
      let perGram = deltas.get(row.customerId);
      if (!perGram) deltas.set(row.customerId, perGram = new Map());
      for (const gram of userGrams([row.firstName, row.lastName, row.email])) perGram.set(gram, (perGram.get(gram) ?? 0) + row.sign);
    }
    const values: Array<[string, string, number]> = [];
    for (const [customerId, perGram] of deltas) {
      for (const [gram, n] of perGram) if (n !== 0) values.push([customerId, gram, n]);
    }
    if (values.length) {
      await tx.query(`INSERT INTO "customer_user_gram" ("customerId", "gram", "n")
        SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?) WHERE true
        ON CONFLICT ("customerId", "gram") DO UPDATE SET "n" = "n" + excluded."n"`, [JSON.stringify(values)]);
    }
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
