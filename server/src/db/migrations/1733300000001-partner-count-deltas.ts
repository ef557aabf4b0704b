import { MigrationInterface, QueryRunner } from 'typeorm';
import { PARTNER_COUNTED_TABLES } from './1733250000000-partner-counts';

/**
 * `totalCount` of a partner's customers, templates and audit events on PostgreSQL without counting
 * them (SQLite keeps them in "child_count": migration 1733250000000). One counter row per partner
 * cannot work there: createCustomer runs in REPEATABLE READ, and concurrent ones failed to serialize
 * on it. So every statement that inserts or deletes such rows adds one row to "partner_count_delta"
 * (+n or −n per partner; a statement-level trigger over the transition table), and the count is the
 * sum of the partner's rows. Inserts never conflict with each other. The sum stays short because the
 * server folds a partner's rows into one, in their own READ COMMITTED transaction, once more than a
 * few have gathered (db/count-compactor.ts): its cost follows the writes since then, not the size of
 * the partner. Backfilled with one row per partner and table.
 */
export class PartnerCountDeltas1733300000001 implements MigrationInterface {
  name = 'PartnerCountDeltas1733300000001';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'postgres') return;
    await q.query(`CREATE TABLE "partner_count_delta" (
      "id" bigserial PRIMARY KEY,
      "kind" varchar(32) NOT NULL,
      "parentId" varchar(36) NOT NULL,
      "n" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_partner_count_delta" ON "partner_count_delta" ("kind", "parentId") INCLUDE ("n")`);
    for (const table of PARTNER_COUNTED_TABLES) {
      await q.query(`INSERT INTO "partner_count_delta" ("kind", "parentId", "n")
        SELECT '${table}', "partnerId", COUNT(*) FROM "${table}" GROUP BY "partnerId"`);
    }
    for (const [kind, rows, sign] of [['inserted', 'NEW', ''], ['deleted', 'OLD', '-']] as const) {
      await q.query(`CREATE FUNCTION "partner_count_${kind}"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO "partner_count_delta" ("kind", "parentId", "n")
            SELECT TG_TABLE_NAME, "partnerId", ${sign}COUNT(*) FROM "${kind}_rows" GROUP BY "partnerId";
          RETURN NULL;
        END $$`);
      for (const table of PARTNER_COUNTED_TABLES) {
        await q.query(`CREATE TRIGGER "tr_${table}_partner_count_${kind === 'inserted' ? 'insert' : 'delete'}" AFTER ${kind === 'inserted' ? 'INSERT' : 'DELETE'} ON "${table}"
          REFERENCING ${rows} TABLE AS "${kind}_rows" FOR EACH STATEMENT EXECUTE FUNCTION "partner_count_${kind}"()`);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type !== 'postgres') return;
    for (const table of PARTNER_COUNTED_TABLES) {
      await q.query(`DROP TRIGGER "tr_${table}_partner_count_insert" ON "${table}"`);
      await q.query(`DROP TRIGGER "tr_${table}_partner_count_delete" ON "${table}"`);
    }
    await q.query(`DROP FUNCTION "partner_count_inserted"()`);
    await q.query(`DROP FUNCTION "partner_count_deleted"()`);
    await q.query(`DROP TABLE "partner_count_delta"`);
  }
}
