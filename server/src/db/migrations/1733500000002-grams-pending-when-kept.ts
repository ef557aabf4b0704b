import { MigrationInterface, QueryRunner } from 'typeorm';
import { GRAMS_KEPT_FROM, GRAMS_KEPT_MARK } from '../search-grams';
import { createGramsPendingTriggers } from './1733300000000-user-search-grams';

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
    await createGramsPendingTriggers(q, { insert: `${kept('NEW')} OR ${large}`, delete: kept('OLD'), update: kept('NEW') });
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    await dropTriggers(q);
    await createGramsPendingTriggers(q);
  }
}

async function dropTriggers(q: QueryRunner): Promise<void> {
  for (const kind of ['insert', 'delete', 'update']) await q.query(`DROP TRIGGER "tr_customer_user_grams_${kind}"`);
}
