import { MigrationInterface, QueryRunner } from 'typeorm';
import { lockCustomerUserCounts } from './1733200000000-child-counts';

/**
 * `Customer.webexUserCounts` and the count of `users(filter: { webexStatus })` without reading the
 * customer's users (issue 13: a GROUP BY over every sync row grew with the customer):
 * "webex_user_count" holds, per customer and status, how many of its users have a sync row in that
 * status. A user counts while both its "customer_user" row and its USER row of "webex_sync" exist
 * (a removed user's row outlives it until Cisco's DELETE is done, and is not counted), so triggers
 * on both tables keep it, in the same transaction as every write:
 * - webex_sync: INSERT (+1), DELETE (−1), UPDATE of "status" (−1 old, +1 new), when the user exists;
 * - customer_user: INSERT (+1) and DELETE (−1) for the status of its sync row, when it has one.
 * Each write is counted once whatever the order of the two tables' writes in a transaction: the
 * second one finds the first gone (or not yet there). "customerId" of either row never changes.
 * NOT_SYNCED (no row, or a row in NOT_SYNCED) is not stored but derived: the customer's users
 * ("child_count") minus those counted in another status (db/webex-user-counts.ts says why exact).
 * Rows go with their customer (foreign key, ON DELETE CASCADE); a decrement is an UPDATE only, so
 * one firing after the cascade creates nothing.
 * - SQLite: row triggers (writers run one at a time).
 * - PostgreSQL: statement-level triggers over the transition tables, one grouped change per
 *   statement (an UPDATE that changes no status takes no lock). They lock the customer's "child_count" row first (users' inserts and deletes lock it
 *   too, their trigger firing first by name) and only then read whether the user exists, in a
 *   statement of its own: a concurrent removal of the user has then committed or waits, so the
 *   write is counted by exactly one side.
 * Also an index on webex_sync ("customerId", "kind", "status", "id"): a page of the users in one
 * status walks it newest first (customers/customer-user.filter.ts). It replaces ("customerId",
 * "kind"), its prefix. Backfilled from the rows already stored.
 */
export class WebexUserCounts1733400000000 implements MigrationInterface {
  name = 'WebexUserCounts1733400000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    await q.query(`CREATE TABLE "webex_user_count" (
      "customerId" varchar(36) NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE,
      "status" varchar(32) NOT NULL,
      "n" bigint NOT NULL,
      PRIMARY KEY ("customerId", "status"))${postgres ? '' : ' WITHOUT ROWID'}`);
    await q.query(`CREATE INDEX "ix_webex_sync_status" ON "webex_sync" ("customerId", "kind", "status", "id")`);
    await q.query(`DROP INDEX "ix_webex_sync_customer"`);
    await q.query(`INSERT INTO "webex_user_count" ("customerId", "status", "n")
      SELECT w."customerId", w."status", COUNT(*) FROM "webex_sync" w JOIN "customer_user" u ON u."id" = w."id"
      WHERE w."kind" = 'USER' GROUP BY w."customerId", w."status"`);
    if (postgres) {
      await this.postgresTriggers(q);
      return;
    }
    const add = (customer: string, status: string) => `INSERT INTO "webex_user_count" ("customerId", "status", "n") VALUES (${customer}, ${status}, 1)
      ON CONFLICT ("customerId", "status") DO UPDATE SET "n" = "n" + 1;`;
    const remove = (customer: string, status: string) => `UPDATE "webex_user_count" SET "n" = "n" - 1 WHERE "customerId" = ${customer} AND "status" = ${status};`;
    const userExists = (row: string) => `EXISTS (SELECT 1 FROM "customer_user" WHERE "id" = ${row}."id")`;
    await q.query(`CREATE TRIGGER "tr_webex_sync_count_insert" AFTER INSERT ON "webex_sync"
      WHEN NEW."kind" = 'USER' AND ${userExists('NEW')} BEGIN ${add('NEW."customerId"', 'NEW."status"')} END`);
    await q.query(`CREATE TRIGGER "tr_webex_sync_count_delete" AFTER DELETE ON "webex_sync"
      WHEN OLD."kind" = 'USER' AND ${userExists('OLD')} BEGIN ${remove('OLD."customerId"', 'OLD."status"')} END`);
    await q.query(`CREATE TRIGGER "tr_webex_sync_count_update" AFTER UPDATE OF "status" ON "webex_sync"
      WHEN OLD."status" IS NOT NEW."status" AND NEW."kind" = 'USER' AND ${userExists('NEW')}
      BEGIN ${remove('OLD."customerId"', 'OLD."status"')} ${add('NEW."customerId"', 'NEW."status"')} END`);
    const syncStatus = (row: string) => `(SELECT "status" FROM "webex_sync" WHERE "id" = ${row}."id" AND "kind" = 'USER')`;
    await q.query(`CREATE TRIGGER "tr_customer_user_webex_count_insert" AFTER INSERT ON "customer_user"
      WHEN ${syncStatus('NEW')} IS NOT NULL BEGIN ${add('NEW."customerId"', syncStatus('NEW'))} END`);
    await q.query(`CREATE TRIGGER "tr_customer_user_webex_count_delete" AFTER DELETE ON "customer_user"
      WHEN ${syncStatus('OLD')} IS NOT NULL BEGIN ${remove('OLD."customerId"', syncStatus('OLD'))} END`);
  }

  private async postgresTriggers(q: QueryRunner): Promise<void> {
    // Signed changes per (customer, status), applied in key order; a decrement never creates a row.
    const apply = (changes: string) => `
      INSERT INTO "webex_user_count" ("customerId", "status", "n")
        SELECT "customerId", "status", SUM("sign") FROM (${changes}) c
        GROUP BY "customerId", "status" HAVING SUM("sign") > 0 ORDER BY "customerId", "status"
        ON CONFLICT ("customerId", "status") DO UPDATE SET "n" = "webex_user_count"."n" + EXCLUDED."n";
      UPDATE "webex_user_count" SET "n" = "webex_user_count"."n" + d."n"
        FROM (SELECT "customerId", "status", SUM("sign") AS "n" FROM (${changes}) c GROUP BY "customerId", "status" HAVING SUM("sign") < 0) d
        WHERE "webex_user_count"."customerId" = d."customerId" AND "webex_user_count"."status" = d."status";`;
    // Scalar subqueries, looked up by primary key row by row: the planner would turn an EXISTS or a
    // join into a hash join over the whole other table, whose cost grows with every customer's users.
    const syncRows = (rows: string, sign: number) => `SELECT w."customerId", w."status", ${sign} AS "sign" FROM ${rows} w
      WHERE w."kind" = 'USER' AND (SELECT u."id" FROM "customer_user" u WHERE u."id" = w."id") IS NOT NULL`;
    await q.query(`CREATE FUNCTION "webex_user_count_sync_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM "inserted_rows" WHERE "kind" = 'USER') THEN RETURN NULL; END IF;
        ${lockCustomerUserCounts(`(SELECT "customerId" FROM "inserted_rows" WHERE "kind" = 'USER') r`)}
        ${apply(syncRows('"inserted_rows"', 1))}
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION "webex_user_count_sync_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM "deleted_rows" WHERE "kind" = 'USER') THEN RETURN NULL; END IF;
        ${lockCustomerUserCounts(`(SELECT "customerId" FROM "deleted_rows" WHERE "kind" = 'USER') r`)}
        ${apply(syncRows('"deleted_rows"', -1))}
        RETURN NULL;
      END $$`);
    // Only the rows whose status changed count: the statement's new (id, status) pairs less its old
    // ones, and the other way round. EXCEPT hashes or sorts both sides once; joining old and new rows
    // on id was planned as a nested loop over the transition tables (a 100,000-row update ran for
    // minutes), and a row trigger updated the same counter row once per row (a version each).
    // Column lists are not allowed with transition tables: every UPDATE fires it, and most of the
    // connector's (attempts, errors, pending changes) find nothing changed and take no lock.
    const changed = (from: string, less: string) => `(SELECT "id", "customerId", "status", "kind" FROM ${from} WHERE "kind" = 'USER'
      EXCEPT ALL SELECT "id", "customerId", "status", "kind" FROM ${less} WHERE "kind" = 'USER')`;
    await q.query(`CREATE FUNCTION "webex_user_count_sync_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS ${changed('"new_rows"', '"old_rows"')} THEN RETURN NULL; END IF;
        ${lockCustomerUserCounts(`${changed('"new_rows"', '"old_rows"')} r`)}
        ${apply(`${syncRows(`${changed('"new_rows"', '"old_rows"')}`, 1)} UNION ALL ${syncRows(`${changed('"old_rows"', '"new_rows"')}`, -1)}`)}
        RETURN NULL;
      END $$`);
    // A user's insert or delete already locked its customer's row (tr_customer_user_count_* fire first, by name).
    const userRows = (rows: string, sign: number) => `SELECT "customerId", "status", ${sign} AS "sign" FROM (
      SELECT u."customerId", (SELECT w."status" FROM "webex_sync" w WHERE w."id" = u."id" AND w."kind" = 'USER') AS "status" FROM ${rows} u) s
      WHERE "status" IS NOT NULL`;
    await q.query(`CREATE FUNCTION "webex_user_count_user_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${lockCustomerUserCounts('"inserted_rows"')}
        ${apply(userRows('"inserted_rows"', 1))}
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION "webex_user_count_user_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${lockCustomerUserCounts('"deleted_rows"')}
        ${apply(userRows('"deleted_rows"', -1))}
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "tr_webex_sync_count_insert" AFTER INSERT ON "webex_sync"
      REFERENCING NEW TABLE AS "inserted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "webex_user_count_sync_inserted"()`);
    await q.query(`CREATE TRIGGER "tr_webex_sync_count_delete" AFTER DELETE ON "webex_sync"
      REFERENCING OLD TABLE AS "deleted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "webex_user_count_sync_deleted"()`);
    await q.query(`CREATE TRIGGER "tr_webex_sync_count_update" AFTER UPDATE ON "webex_sync"
      REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "webex_user_count_sync_updated"()`);
    await q.query(`CREATE TRIGGER "tr_customer_user_webex_count_insert" AFTER INSERT ON "customer_user"
      REFERENCING NEW TABLE AS "inserted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "webex_user_count_user_inserted"()`);
    await q.query(`CREATE TRIGGER "tr_customer_user_webex_count_delete" AFTER DELETE ON "customer_user"
      REFERENCING OLD TABLE AS "deleted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "webex_user_count_user_deleted"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    for (const kind of ['insert', 'delete', 'update']) await q.query(`DROP TRIGGER "tr_webex_sync_count_${kind}"${postgres ? ' ON "webex_sync"' : ''}`);
    for (const kind of ['insert', 'delete']) await q.query(`DROP TRIGGER "tr_customer_user_webex_count_${kind}"${postgres ? ' ON "customer_user"' : ''}`);
    if (postgres) {
      for (const fn of ['sync_inserted', 'sync_deleted', 'sync_updated', 'user_inserted', 'user_deleted']) await q.query(`DROP FUNCTION "webex_user_count_${fn}"()`);
    }
    await q.query(`CREATE INDEX "ix_webex_sync_customer" ON "webex_sync" ("customerId", "kind")`);
    await q.query(`DROP INDEX "ix_webex_sync_status"`);
    await q.query(`DROP TABLE "webex_user_count"`);
  }
}
