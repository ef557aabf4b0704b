import { MigrationInterface, QueryRunner } from 'typeorm';
import { GRAMS_KEPT_FROM, GRAMS_KEPT_MARK } from '../search-grams';

/**
 * SQLite keeps the short-search grams (db/search-grams.ts) of customers of GRAMS_KEPT_FROM users or
 * more only, marked by a GRAMS_KEPT_MARK row: the customers that have grams and that many users are
 * marked, the others' grams are dropped (they are counted from their users). PostgreSQL keeps every
 * customer's grams, as before.
 */
export class GramsOfLargeCustomers1733500000000 implements MigrationInterface {
  name = 'GramsOfLargeCustomers1733500000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    const large = `SELECT "parentId" FROM "child_count" WHERE "kind" = 'customer_user' AND "n" >= ${GRAMS_KEPT_FROM}`;
    await q.query(`DELETE FROM "customer_user_gram" WHERE "customerId" NOT IN (${large})`);
    await q.query(`INSERT INTO "customer_user_gram" ("customerId", "gram", "n")
      SELECT DISTINCT "customerId", ?, 0 FROM "customer_user_gram" WHERE true
      ON CONFLICT ("customerId", "gram") DO NOTHING`, [GRAMS_KEPT_MARK]);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    // Every customer's grams again: the marks and counts go, every user waits to be folded in by the
    // code before this migration, which keeps every customer's grams.
    await q.query(`DELETE FROM "customer_user_gram"`);
    await q.query(`DELETE FROM "customer_user_gram_pending"`);
    await q.query(`INSERT INTO "customer_user_gram_pending" ("customerId", "firstName", "lastName", "email", "sign")
      SELECT "customerId", "firstName", "lastName", "email", 1 FROM "customer_user" ORDER BY "rowid"`);
  }
}
