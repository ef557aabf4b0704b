import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `totalCount` of a partner's customers, templates and audit events without counting them (issue 13:
 * every connection's count must not grow with its parent; a partner's audit trail gains a row with
 * every mutation), on SQLite. The counts join the customers' ones in "child_count", keyed by the
 * partner's id and the table's name, kept by row triggers in the same transaction as every INSERT
 * and DELETE (one writer at a time, so a partner's counter row is never contended). Rows never move
 * between partners ("partnerId" is never updated). The migration backfills the counts.
 *
 * Not on PostgreSQL: every createCustomer of a partner would update the partner's counter rows, and
 * createCustomer runs in REPEATABLE READ, so concurrent ones failed to serialize on them, were
 * retried and answered 503 (test/reliability/concurrency.test.ts). PostgreSQL sums rows added per
 * statement instead (migration 1733300000001).
 */
export const PARTNER_COUNTED_TABLES = ['customer', 'onboarding_template', 'audit_event'] as const;

export class PartnerCounts1733250000000 implements MigrationInterface {
  name = 'PartnerCounts1733250000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    for (const table of PARTNER_COUNTED_TABLES) {
      await q.query(`INSERT INTO "child_count" ("kind", "parentId", "n")
        SELECT '${table}', "partnerId", COUNT(*) FROM "${table}" GROUP BY "partnerId"`);
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
    if (q.connection.driver.options.type === 'postgres') return;
    for (const table of PARTNER_COUNTED_TABLES) {
      await q.query(`DROP TRIGGER "tr_${table}_partner_count_insert"`);
      await q.query(`DROP TRIGGER "tr_${table}_partner_count_delete"`);
      await q.query(`DELETE FROM "child_count" WHERE "kind" = '${table}'`);
    }
  }
}
