import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `totalCount` of a customer's users, locations and emails without counting them (issue 13: an
 * exact COUNT over 200,000 users cost 259 ms per page). "child_count" holds one row per (table,
 * customer), kept in step by triggers in the same transaction as every INSERT and DELETE on those
 * tables, so no write path (today's, or a later removeUsers/deleteCustomer) has to remember it:
 * - SQLite: a row-level trigger per statement kind (an UPSERT costs a few microseconds per row).
 * - PostgreSQL: statement-level triggers over the transition tables, one grouped UPSERT per
 *   statement, however many rows it inserted or deleted.
 * A customer's counter rows go with the customer. Rows never move between customers ("customerId"
 * is never updated), so INSERT and DELETE are all that change a count. The migration backfills
 * the counts from the rows already stored.
 */
export const COUNTED_TABLES = ['customer_user', 'location', 'outbox_message'] as const;

/**
 * PL/pgSQL that locks the "child_count" rows of users of the customers in `rows` (a transition
 * table), in key order. Every PostgreSQL trigger that keeps a per-customer count of users (search
 * grams, Webex statuses) takes them first, so two transactions never take those counts' rows in
 * different orders; an INSERT or DELETE of users locks them anyway (its count trigger fires first).
 */
export const lockCustomerUserCounts = (rows: string): string => `PERFORM 1 FROM "child_count" WHERE "kind" = 'customer_user'
        AND "parentId" IN (SELECT DISTINCT "customerId" FROM ${rows}) ORDER BY "parentId" FOR UPDATE;`;

export class ChildCounts1733200000000 implements MigrationInterface {
  name = 'ChildCounts1733200000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    await q.query(`CREATE TABLE "child_count" (
      "kind" varchar(32) NOT NULL,
      "parentId" varchar(36) NOT NULL,
      "n" bigint NOT NULL,
      PRIMARY KEY ("kind", "parentId"))`);
    for (const table of COUNTED_TABLES) {
      await q.query(`INSERT INTO "child_count" ("kind", "parentId", "n")
        SELECT '${table}', "customerId", COUNT(*) FROM "${table}" GROUP BY "customerId"`);
    }
    if (postgres) {
      await q.query(`CREATE FUNCTION "child_count_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO "child_count" ("kind", "parentId", "n")
            SELECT TG_TABLE_NAME, "customerId", COUNT(*) FROM "inserted_rows" GROUP BY "customerId"
            ON CONFLICT ("kind", "parentId") DO UPDATE SET "n" = "child_count"."n" + EXCLUDED."n";
          RETURN NULL;
        END $$`);
      await q.query(`CREATE FUNCTION "child_count_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE "child_count" SET "n" = "child_count"."n" - d."n"
            FROM (SELECT "customerId", COUNT(*) AS "n" FROM "deleted_rows" GROUP BY "customerId") d
            WHERE "child_count"."kind" = TG_TABLE_NAME AND "child_count"."parentId" = d."customerId";
          RETURN NULL;
        END $$`);
      await q.query(`CREATE FUNCTION "child_count_parent_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM "child_count" WHERE "parentId" IN (SELECT "id" FROM "deleted_rows");
          RETURN NULL;
        END $$`);
      for (const table of COUNTED_TABLES) {
        await q.query(`CREATE TRIGGER "tr_${table}_count_insert" AFTER INSERT ON "${table}"
          REFERENCING NEW TABLE AS "inserted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "child_count_inserted"()`);
        await q.query(`CREATE TRIGGER "tr_${table}_count_delete" AFTER DELETE ON "${table}"
          REFERENCING OLD TABLE AS "deleted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "child_count_deleted"()`);
      }
      await q.query(`CREATE TRIGGER "tr_customer_count_delete" AFTER DELETE ON "customer"
        REFERENCING OLD TABLE AS "deleted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "child_count_parent_deleted"()`);
      return;
    }
    for (const table of COUNTED_TABLES) {
      await q.query(`CREATE TRIGGER "tr_${table}_count_insert" AFTER INSERT ON "${table}" BEGIN
        INSERT INTO "child_count" ("kind", "parentId", "n") VALUES ('${table}', NEW."customerId", 1)
          ON CONFLICT ("kind", "parentId") DO UPDATE SET "n" = "n" + 1;
      END`);
      await q.query(`CREATE TRIGGER "tr_${table}_count_delete" AFTER DELETE ON "${table}" BEGIN
        UPDATE "child_count" SET "n" = "n" - 1 WHERE "kind" = '${table}' AND "parentId" = OLD."customerId";
      END`);
    }
    await q.query(`CREATE TRIGGER "tr_customer_count_delete" AFTER DELETE ON "customer" BEGIN
      DELETE FROM "child_count" WHERE "parentId" = OLD."id";
    END`);
  }

  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    for (const table of COUNTED_TABLES) {
      await q.query(`DROP TRIGGER "tr_${table}_count_insert"${postgres ? ` ON "${table}"` : ''}`);
      await q.query(`DROP TRIGGER "tr_${table}_count_delete"${postgres ? ` ON "${table}"` : ''}`);
    }
    await q.query(`DROP TRIGGER "tr_customer_count_delete"${postgres ? ' ON "customer"' : ''}`);
    if (postgres) {
      for (const fn of ['child_count_inserted', 'child_count_deleted', 'child_count_parent_deleted']) await q.query(`DROP FUNCTION "${fn}"()`);
    }
    await q.query(`DROP TABLE "child_count"`);
  }
}
