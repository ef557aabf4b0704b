import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite: "child_count" keyed by ("parentId", "kind") in one B-tree (WITHOUT ROWID), instead of a
 * rowid table beside a ("kind", "parentId") index. A new customer's three counters (users,
 * locations, emails) then sit side by side at the right edge of the tree (ids grow), where its
 * predecessor's were: one leaf page per commit. Keyed by kind first they were three appends in the
 * middle of the tree, whose splits rewrote their neighbours: 12 of the 66 pages a commit of
 * createCustomer calls wrote to the WAL (then copied again by each checkpoint), the most of any table.
 * A customer's deletion now finds its counters by key instead of reading the table. The triggers
 * that write the table are dropped and created again around the rebuild, unchanged (their
 * ON CONFLICT ("kind", "parentId") names the same key). PostgreSQL keeps its table.
 */
export class ChildCountsByParent1733500000001 implements MigrationInterface {
  name = 'ChildCountsByParent1733500000001';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    await rebuild(q, 'PRIMARY KEY ("parentId", "kind")) WITHOUT ROWID');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') return;
    await rebuild(q, 'PRIMARY KEY ("kind", "parentId"))');
  }
}

async function rebuild(q: QueryRunner, key: string): Promise<void> {
  const triggers = await q.query(`SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'trigger' AND "sql" LIKE '%child_count%'`) as Array<{ name: string; sql: string }>;
  for (const { name } of triggers) await q.query(`DROP TRIGGER "${name}"`);
  await q.query(`CREATE TABLE "child_count_new" ("kind" varchar(32) NOT NULL, "parentId" varchar(36) NOT NULL, "n" bigint NOT NULL, ${key}`);
  await q.query(`INSERT INTO "child_count_new" ("kind", "parentId", "n") SELECT "kind", "parentId", "n" FROM "child_count"`);
  await q.query(`DROP TABLE "child_count"`);
  await q.query(`ALTER TABLE "child_count_new" RENAME TO "child_count"`);
  for (const { sql } of triggers) await q.query(sql);
}
