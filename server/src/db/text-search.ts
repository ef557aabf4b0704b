import type { Database } from './database';

/** Trigrams need three characters: a shorter search term cannot use the search indexes. */
export const TRIGRAM_MIN_LENGTH = 3;

/**
 * How a search of `term` uses the trigram indexes, or null when the term is too short for them.
 * SQLite: `sql` keeps only the rows of `alias` whose FTS5 trigram table (migration 1733200000001)
 * holds `term` as a substring of one of its columns; only a narrowing, the caller keeps its LIKE
 * conditions, which decide the matches exactly as before. The term goes in as one FTS5 string
 * (double quotes doubled), so no character is an operator. PostgreSQL: `sql` is null, its pg_trgm
 * indexes serve the LIKE itself. On both, the caller should then keep the planner off the parent's
 * index (see notThroughIndex).
 */
export function trigramSearch(db: Database, alias: string, ftsTable: string, term: string, param: string):
  { sql: string | null; params: Record<string, unknown> } | null {
  if ([...term].length < TRIGRAM_MIN_LENGTH) return null;
  if (db.kind !== 'sqlite') return { sql: null, params: {} };
  // The index's candidates and the rows written since its last batch (db/search-indexer.ts).
  return {
    sql: `(${alias}."rowid" IN (SELECT "rowid" FROM "${ftsTable}" WHERE "${ftsTable}" MATCH :${param})`
      + ` OR ${alias}."rowid" IN (SELECT "rowid" FROM "${ftsTable}_pending"))`,
    params: { [param]: `"${term.replace(/"/g, '""')}"` },
  };
}

/**
 * `column` in a form no index serves, for an equality the planner should check rather than walk:
 * a trigram search of a 100,000-user customer found its one hit through the search index in
 * milliseconds, but both planners preferred walking the (customerId, id) index for the ORDER BY
 * … LIMIT and read every user (issue 13). SQLite's unary `+` and PostgreSQL's `|| ''` leave the value alone.
 */
export function notThroughIndex(db: Database, column: string): string {
  return db.kind === 'sqlite' ? `+${column}` : `(${column} || '')`;
}
