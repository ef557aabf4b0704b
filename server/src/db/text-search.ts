import type { Database } from './database';

/** Trigrams need three characters: a shorter search term cannot use the search indexes. */
export const TRIGRAM_MIN_LENGTH = 3;

/**
 * SQLite: a condition keeping only the rows of `alias` whose FTS5 trigram index (migration
 * 1733200000001) holds `term` as a substring of one of its columns, or null when the term is too
 * short for trigrams, or on PostgreSQL (its pg_trgm indexes serve the LIKE itself). Only a
 * narrowing: the caller keeps its LIKE conditions, which decide the matches exactly as before.
 * The term goes in as one FTS5 string (double quotes doubled), so no character is an operator.
 */
export function trigramCandidates(db: Database, alias: string, ftsTable: string, term: string, param: string):
  { sql: string; params: Record<string, unknown> } | null {
  if (db.kind !== 'sqlite' || [...term].length < TRIGRAM_MIN_LENGTH) return null;
  return {
    sql: `${alias}."rowid" IN (SELECT "rowid" FROM "${ftsTable}" WHERE "${ftsTable}" MATCH :${param})`,
    params: { [param]: `"${term.replace(/"/g, '""')}"` },
  };
}
