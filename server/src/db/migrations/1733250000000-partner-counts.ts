import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `totalCount` of a partner's customers, templates and audit events without counting them (issue 13:
 * every connection's count must not grow with its parent; a partner's audit trail gains a row with
 * every mutation). The counts join the customers' ones in "child_count", keyed by the partner's id
 * and the table's name, kept by triggers in the same transaction as every INSERT and DELETE: row
 * triggers on SQLite (one writer at a time), row triggers deferred to COMMIT on PostgreSQL (see up()).
 * Rows never move between partners ("partnerId" is never updated).
 * The migration backfills the counts from the rows already stored.
 */
export const PARTNER_COUNTED_TABLES = ['customer', 'onboarding_template', 'audit_event'] as const;

export class PartnerCounts1733250000000 implements MigrationInterface {
  name = 'PartnerCounts1733250000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    for (const table of PARTNER_COUNTED_TABLES) {
      await q.query(`INSERT INTO "child_count" ("kind", "parentId", "n")
        SELECT '${table}', "partnerId", COUNT(*) FROM "${table}" GROUP BY "partnerId"`);
    }
    if (postgres) {
      // Deferred to COMMIT: every mutation of a partner writes an audit event, and an UPSERT early in
      // the transaction would hold the partner's counter row locked for all of it, queueing the
      // partner's concurrent writers behind one another. At COMMIT the lock lasts as long as the
      // commit itself. (Constraint triggers are row triggers; these tables gain one row per mutation.)
      await q.query(`CREATE FUNCTION "partner_count_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO "child_count" ("kind", "parentId", "n") VALUES (TG_TABLE_NAME, NEW."partnerId", 1)
              ON CONFLICT ("kind", "parentId") DO UPDATE SET "n" = "child_count"."n" + 1;
          ELSE
            UPDATE "child_count" SET "n" = "n" - 1 WHERE "kind" = TG_TABLE_NAME AND "parentId" = OLD."partnerId";
          END IF;
          RETURN NULL;
        END $$`);
      for (const table of PARTNER_COUNTED_TABLES) {
        for (const [op, event] of [['insert', 'INSERT'], ['delete', 'DELETE']] as const) {
          await q.query(`CREATE CONSTRAINT TRIGGER "tr_${table}_partner_count_${op}" AFTER ${event} ON "${table}"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "partner_count_changed"()`);
        }
      }
      return;
    }
    for (const table of PARTNER_COUNTED_TABLES) {
      await q.query(`CREATE TRIGGER "tr_${table}_partner_count_insert" AFTER INSERT ON "${table}" BEGIN
        INSERT INTO "child_count" ("kind", "parentId", "n") VALUES ('${table}', NEW."partnerId", 1)
          ON CONFLICT ("kind", "parentId") DO UPDATE SET "n" = "n" + 1;
      END`);
      await q.query(`CREATE TRIGGER "tr_${table}_partner_count_delete" AFTER DELETE ON "${table}" BEGIN
        UPDATE "child_count" SET "n" = "n" - 1 WHERE "kind" = '${table}' AND "parentId" = OLD."partnerId";
      END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    for (const table of PARTNER_COUNTED_TABLES) {
      await q.query(`DROP TRIGGER "tr_${table}_partner_count_insert"${postgres ? ` ON "${table}"` : ''}`);
      await q.query(`DROP TRIGGER "tr_${table}_partner_count_delete"${postgres ? ` ON "${table}"` : ''}`);
      await q.query(`DELETE FROM "child_count" WHERE "kind" = '${table}'`);
    }
    if (postgres) {
      await q.query(`DROP FUNCTION "partner_count_changed"()`);
    }
  }
}
