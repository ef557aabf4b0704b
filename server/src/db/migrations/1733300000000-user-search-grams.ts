import { MigrationInterface, QueryRunner } from 'typeorm';
import { lockCustomerUserCounts } from './1733200000000-child-counts';
import { applyPendingUserGrams, postgresGramsOf } from '../search-grams';

/**
 * The count of a one- or two-character user search without counting the customer's users
 * (db/search-grams.ts): "customer_user_gram" holds, per customer and gram, how many users have that
 * gram in a name or the email. It goes with its customer (foreign key, ON DELETE CASCADE).
 * - SQLite: row triggers copy a written row's texts into "customer_user_gram_pending" (+1 for a new
 *   row, −1 for a deleted one, both for a renamed one); the writer folds them into the counts in
 *   batches (db/search-grams.ts: applyPendingUserGrams), and a count adds the pending rows that match.
 * - PostgreSQL: statement-level triggers over the transition tables, one grouped UPSERT per
 *   statement. They first lock the customer's "child_count" row (which an INSERT or DELETE of users
 *   locks anyway, its trigger firing first by name), so two transactions never take the same gram
 *   rows in different orders.
 * Backfilled from the users already stored.
 */
const noteGramsPending = (row: 'NEW' | 'OLD', sign: number): string => `INSERT INTO "customer_user_gram_pending" ("customerId", "firstName", "lastName", "email", "sign")
      VALUES (${row}."customerId", ${row}."firstName", ${row}."lastName", ${row}."email", ${sign});`;

/**
 * SQLite: the row triggers that note a written user's texts as pending gram rows (+1 NEW, −1 OLD,
 * both for a renamed user), each with an optional further WHEN condition. Migration 1733500000002
 * writes them again with conditions, and its down() without.
 */
export async function createGramsPendingTriggers(q: QueryRunner, when: { insert?: string; delete?: string; update?: string } = {}): Promise<void> {
  const renamed = 'OLD."firstName" IS NOT NEW."firstName" OR OLD."lastName" IS NOT NEW."lastName" OR OLD."email" IS NOT NEW."email"';
  await q.query(`CREATE TRIGGER "tr_customer_user_grams_insert" AFTER INSERT ON "customer_user"
      ${when.insert ? `WHEN ${when.insert}` : ''} BEGIN ${noteGramsPending('NEW', 1)} END`);
  await q.query(`CREATE TRIGGER "tr_customer_user_grams_delete" AFTER DELETE ON "customer_user"
      ${when.delete ? `WHEN ${when.delete}` : ''} BEGIN ${noteGramsPending('OLD', -1)} END`);
  await q.query(`CREATE TRIGGER "tr_customer_user_grams_update" AFTER UPDATE OF "firstName", "lastName", "email" ON "customer_user"
      WHEN ${when.update ? `(${renamed}) AND ${when.update}` : renamed}
      BEGIN ${noteGramsPending('OLD', -1)} ${noteGramsPending('NEW', 1)} END`);
}

export class UserSearchGrams1733300000000 implements MigrationInterface {
  name = 'UserSearchGrams1733300000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    await q.query(`CREATE TABLE "customer_user_gram" (
      "customerId" varchar(36) NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE,
      "gram" varchar(8) NOT NULL,
      "n" bigint NOT NULL,
      PRIMARY KEY ("customerId", "gram"))${postgres ? '' : ' WITHOUT ROWID'}`);
    if (postgres) {
      await q.query(`CREATE FUNCTION "customer_user_grams_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${lockCustomerUserCounts('"inserted_rows"')}
          INSERT INTO "customer_user_gram" ("customerId", "gram", "n")
            SELECT "customerId", "gram", COUNT(*) FROM (${postgresGramsOf('"inserted_rows"')}) g
            GROUP BY "customerId", "gram" ORDER BY "customerId", "gram"
            ON CONFLICT ("customerId", "gram") DO UPDATE SET "n" = "customer_user_gram"."n" + EXCLUDED."n";
          RETURN NULL;
        END $$`);
      await q.query(`CREATE FUNCTION "customer_user_grams_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${lockCustomerUserCounts('"deleted_rows"')}
          UPDATE "customer_user_gram" SET "n" = "customer_user_gram"."n" - d."n"
            FROM (SELECT "customerId", "gram", COUNT(*) AS "n" FROM (${postgresGramsOf('"deleted_rows"')}) g GROUP BY "customerId", "gram") d
            WHERE "customer_user_gram"."customerId" = d."customerId" AND "customer_user_gram"."gram" = d."gram";
          RETURN NULL;
        END $$`);
      // Column lists are not allowed with transition tables: every UPDATE fires it, and only the
      // rows whose names or email changed count: the new texts not among the old ones (+) and the
      // old not among the new (−), by EXCEPT ALL. A join of the two transition tables (no indexes,
      // no statistics) may be planned as a nested loop: a status trigger written so on webex_sync
      // took minutes for a 100,000-row UPDATE.
      const texts = '"id", "customerId", "firstName", "lastName", "email"';
      const added = `(SELECT ${texts} FROM "new_rows" EXCEPT ALL SELECT ${texts} FROM "old_rows")`;
      const removed = `(SELECT ${texts} FROM "old_rows" EXCEPT ALL SELECT ${texts} FROM "new_rows")`;
      await q.query(`CREATE FUNCTION "customer_user_grams_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NOT EXISTS ${added} THEN RETURN NULL; END IF;
          ${lockCustomerUserCounts('"new_rows"')}
          INSERT INTO "customer_user_gram" ("customerId", "gram", "n")
            SELECT "customerId", "gram", SUM("sign") FROM (
              SELECT "customerId", "gram", 1 AS "sign" FROM (${postgresGramsOf(`${added}`)}) a
              UNION ALL
              SELECT "customerId", "gram", -1 AS "sign" FROM (${postgresGramsOf(`${removed}`)}) r) g
            GROUP BY "customerId", "gram" HAVING SUM("sign") <> 0 ORDER BY "customerId", "gram"
            ON CONFLICT ("customerId", "gram") DO UPDATE SET "n" = "customer_user_gram"."n" + EXCLUDED."n";
          RETURN NULL;
        END $$`);
      await q.query(`CREATE TRIGGER "tr_customer_user_grams_insert" AFTER INSERT ON "customer_user"
        REFERENCING NEW TABLE AS "inserted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "customer_user_grams_inserted"()`);
      await q.query(`CREATE TRIGGER "tr_customer_user_grams_delete" AFTER DELETE ON "customer_user"
        REFERENCING OLD TABLE AS "deleted_rows" FOR EACH STATEMENT EXECUTE FUNCTION "customer_user_grams_deleted"()`);
      await q.query(`CREATE TRIGGER "tr_customer_user_grams_update" AFTER UPDATE ON "customer_user"
        REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "customer_user_grams_updated"()`);
      await q.query(`INSERT INTO "customer_user_gram" ("customerId", "gram", "n")
        SELECT "customerId", "gram", COUNT(*) FROM (${postgresGramsOf('"customer_user"')}) g GROUP BY "customerId", "gram"`);
      return;
    }
    await q.query(`CREATE TABLE "customer_user_gram_pending" (
      "id" INTEGER PRIMARY KEY,
      "customerId" varchar(36) NOT NULL,
      "firstName" text NOT NULL, "lastName" text NOT NULL, "email" text NOT NULL,
      "sign" integer NOT NULL)`);
    await q.query(`CREATE INDEX "ix_customer_user_gram_pending_customer" ON "customer_user_gram_pending" ("customerId")`);
    await createGramsPendingTriggers(q);
    await q.query(`INSERT INTO "customer_user_gram_pending" ("customerId", "firstName", "lastName", "email", "sign")
      SELECT "customerId", "firstName", "lastName", "email", 1 FROM "customer_user" ORDER BY "rowid"`);
    await applyPendingUserGrams(q.manager);
  }

  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    for (const kind of ['insert', 'delete', 'update']) await q.query(`DROP TRIGGER "tr_customer_user_grams_${kind}"${postgres ? ' ON "customer_user"' : ''}`);
    if (postgres) {
      for (const kind of ['inserted', 'deleted', 'updated']) await q.query(`DROP FUNCTION "customer_user_grams_${kind}"()`);
    } else {
      await q.query(`DROP TABLE "customer_user_gram_pending"`);
    }
    await q.query(`DROP TABLE "customer_user_gram"`);
  }
}
