import { MigrationInterface, QueryRunner } from 'typeorm';
import { GRAMS_KEPT_FROM, GRAMS_KEPT_MARK } from '../search-grams';

/** The SQLite triggers that note a user's texts for its customer's short-search grams (migration 1733300000000). */
const note = (row: 'NEW' | 'OLD', sign: number) => `INSERT INTO "customer_user_gram_pending" ("customerId", "firstName", "lastName", "email", "sign")
      VALUES (${row}."customerId", ${row}."firstName", ${row}."lastName", ${row}."email", ${sign});`;
const kept = (row: 'NEW' | 'OLD') => `EXISTS (SELECT 1 FROM "customer_user_gram" WHERE "customerId" = ${row}."customerId" AND "gram" = '${GRAMS_KEPT_MARK}')`;

/**
 * SQLite: a user's texts wait for the grams (db/search-grams.ts) only when its customer's grams are
 * kept, or for a new user when the customer has GRAMS_KEPT_FROM users or more (the round that
 * folds it then starts keeping them, from the users themselves). Every user of every customer was
 * noted before, and the row dropped unread at the next round for the customers below it: a write
 * into two B-trees per user, and a delete, for nothing. PostgreSQL keeps its triggers.
 */
export class GramsPendingWhenKept1733500000002 implements MigrationInterface {
  name = 'GramsPendingWhenKept1733500000002';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    await dropTriggers(q);
    // One below the bound: the count may not include the new user yet (the triggers' order is
    // SQLite's); the round that folds the row decides from the count then.
    const large = `(SELECT "n" FROM "child_count" WHERE "parentId" = NEW."customerId" AND "kind" = 'customer_user') >= ${GRAMS_KEPT_FROM - 1}`;
    await q.query(`CREATE TRIGGER "tr_customer_user_grams_insert" AFTER INSERT ON "customer_user"
      WHEN ${kept('NEW')} OR ${large}
      BEGIN ${note('NEW', 1)} END`);
    await q.query(`CREATE TRIGGER "tr_customer_user_grams_delete" AFTER DELETE ON "customer_user"
      WHEN ${kept('OLD')}
      BEGIN ${note('OLD', -1)} END`);
    await q.query(`CREATE TRIGGER "tr_customer_user_grams_update" AFTER UPDATE OF "firstName", "lastName", "email" ON "customer_user"
      WHEN (OLD."firstName" IS NOT NEW."firstName" OR OLD."lastName" IS NOT NEW."lastName" OR OLD."email" IS NOT NEW."email") AND ${kept('NEW')}
      BEGIN ${note('OLD', -1)} ${note('NEW', 1)} END`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    await dropTriggers(q);
    await q.query(`CREATE TRIGGER "tr_customer_user_grams_insert" AFTER INSERT ON "customer_user" BEGIN ${note('NEW', 1)} END`);
    await q.query(`CREATE TRIGGER "tr_customer_user_grams_delete" AFTER DELETE ON "customer_user" BEGIN ${note('OLD', -1)} END`);
    await q.query(`CREATE TRIGGER "tr_customer_user_grams_update" AFTER UPDATE OF "firstName", "lastName", "email" ON "customer_user"
      WHEN OLD."firstName" IS NOT NEW."firstName" OR OLD."lastName" IS NOT NEW."lastName" OR OLD."email" IS NOT NEW."email"
      BEGIN ${note('OLD', -1)} ${note('NEW', 1)} END`);
  }
}

async function dropTriggers(q: QueryRunner): Promise<void> {
  for (const kind of ['insert', 'delete', 'update']) await q.query(`DROP TRIGGER "tr_customer_user_grams_${kind}"`);
}
