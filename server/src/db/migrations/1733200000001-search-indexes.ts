import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the substring searches (`users(filter: { search })`, `customers(filter: { search })`),
 * which scanned every row of the customer (or partner) through a case-folding function, twice
 * (page and count): 525 ms at 200,000 users (issue 13).
 * - SQLite: FTS5 tables with the trigram tokenizer (case-insensitive, accents kept), contentless
 *   (the text stays in its own table; the index holds only trigrams), keyed by the row's rowid.
 *   Triggers note each written row's rowid in a "_pending" table (a few microseconds) and remove a
 *   deleted or renamed row's entry; db/search-indexer.ts moves pending rows into the index in
 *   batches. An FTS5 row written by a trigger flushed an index segment per statement, 70–120 µs
 *   a row, which doubled createCustomer's CPU. A search reads the indexed candidates and the pending
 *   rows, and checks each with the same LIKE as before, so the matches are exactly the old ones.
 *   VACUUM renumbers the rowids of these tables (their keys are not INTEGER PRIMARY KEY): README
 *   says how to rebuild.
 * - PostgreSQL: pg_trgm GIN indexes on the very expressions the searches compare (lower(name),
 *   the lower-cased emails), which serve `LIKE '%…%'` as written; the planner picks them by cost.
 * Trigram indexes need 3 characters: shorter terms keep the scan (README, Performance).
 */
const SEARCHES = [
  { table: 'customer_user', fts: 'customer_user_search', columns: ['firstName', 'lastName', 'email'], pg: ['lower("firstName")', 'lower("lastName")', '"email"'] },
  { table: 'customer', fts: 'customer_search', columns: ['companyName', 'adminEmail', 'externalId'], pg: ['lower("companyName")', '"adminEmail"', 'lower("externalId")'] },
] as const;

export class SearchIndexes1733200000001 implements MigrationInterface {
  name = 'SearchIndexes1733200000001';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      // pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
      await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      for (const search of SEARCHES) {
        for (const [i, expression] of search.pg.entries()) {
          await q.query(`CREATE INDEX "ix_${search.table}_trgm_${i}" ON "${search.table}" USING gin (${expression} gin_trgm_ops)`);
        }
      }
      return;
    }
    for (const { table, fts, columns } of SEARCHES) {
      const list = columns.map((c) => `"${c}"`).join(', ');
      await q.query(`CREATE VIRTUAL TABLE "${fts}" USING fts5(${list}, content='', contentless_delete=1, tokenize='trigram')`);
      await q.query(`INSERT INTO "${fts}" ("rowid", ${list}) SELECT "rowid", ${list} FROM "${table}"`);
      // Rows written since the last indexing round (db/search-indexer.ts): their rowids only.
      await q.query(`CREATE TABLE "${fts}_pending" ("rowid" INTEGER PRIMARY KEY)`);
      await q.query(`CREATE TRIGGER "tr_${fts}_insert" AFTER INSERT ON "${table}" BEGIN
        INSERT OR IGNORE INTO "${fts}_pending" ("rowid") VALUES (NEW."rowid");
      END`);
      await q.query(`CREATE TRIGGER "tr_${fts}_delete" AFTER DELETE ON "${table}" BEGIN
        DELETE FROM "${fts}_pending" WHERE "rowid" = OLD."rowid";
        DELETE FROM "${fts}" WHERE "rowid" = OLD."rowid";
      END`);
      await q.query(`CREATE TRIGGER "tr_${fts}_update" AFTER UPDATE OF ${list} ON "${table}" BEGIN
        DELETE FROM "${fts}" WHERE "rowid" = OLD."rowid";
        INSERT OR IGNORE INTO "${fts}_pending" ("rowid") VALUES (NEW."rowid");
      END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      for (const search of SEARCHES) {
        for (const i of search.pg.keys()) await q.query(`DROP INDEX "ix_${search.table}_trgm_${i}"`);
      }
      return;
    }
    for (const { fts } of SEARCHES) {
      for (const kind of ['insert', 'delete', 'update']) await q.query(`DROP TRIGGER "tr_${fts}_${kind}"`);
      await q.query(`DROP TABLE "${fts}_pending"`);
      await q.query(`DROP TABLE "${fts}"`);
    }
  }
}
