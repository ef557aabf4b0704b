import { describe, expect, it, vi } from 'vitest';
import { ANALYZE_INTERVAL_MS, analyzeChangedTables } from '../server/src/db/table-statistics';
import { aCustomerInput, aTemplateInput, aUser } from './support/factories';
import { useTestServer } from './support/fixture';
import { onPostgres } from './support/test-server';

/**
 * PostgreSQL plans a page from the table's statistics. Right after a large import they describe the
 * table before it, and a user page sorted every user of the customer (issue 13's bench: 82–93 ms for
 * page 2 of a 100,000-user customer, against 5–7 ms for a 100-user one). The server analyzes a
 * table within seconds of a write that changed a tenth of it (db/table-statistics.ts).
 */
describe.runIf(onPostgres)('table statistics after a large import (PostgreSQL)', () => {
  const fixture = useTestServer();

  it('analyzes the users’ table within seconds of a large setup, so a page walks the (customerId, id) index instead of sorting the customer', async () => {
    const { client } = fixture.partner;
    const db = fixture.server.app.db;
    const lastAnalyze = async (): Promise<string | null> => {
      const rows: Array<{ at: Date | null }> = await db.manager.query(
        `SELECT "last_analyze" AS "at" FROM pg_stat_user_tables WHERE "relname" = 'customer_user' AND "schemaname" = current_schema()`);
      return rows[0]?.at?.toISOString() ?? null;
    };
    const template = await client.createTemplate(aTemplateInput(fixture.partner));
    const customer = await client.createCustomer(aCustomerInput(template.id));
    // Nothing due yet: a few rows changed is under the threshold.
    expect(await analyzeChangedTables(db)).not.toContain('customer_user');
    const before = await lastAnalyze();

    await client.setupCustomer({ customerId: customer.id, users: Array.from({ length: 3000 }, () => aUser()) });
    await vi.waitFor(async () => expect(await lastAnalyze()).not.toBe(before), { timeout: 10 * ANALYZE_INTERVAL_MS, interval: 200 });

    // Page 2 of the customer's users, as the connection reads it (graphql/loaders.ts: childPage).
    const [{ id: afterId }] = await db.manager.query(
      `SELECT "id" FROM "customer_user" WHERE "customerId" = $1 ORDER BY "id" DESC OFFSET 100 LIMIT 1`, [customer.id]);
    const [{ 'QUERY PLAN': plan }] = await db.manager.query(`EXPLAIN (FORMAT JSON)
      SELECT c.* FROM "customer_user" "c" WHERE c."customerId" = $1 AND c."id" < $2 ORDER BY c."id" DESC LIMIT 101`, [customer.id, afterId]);
    const nodes: string[] = [];
    const walk = (node: { 'Node Type': string; 'Index Name'?: string; Plans?: unknown[] }) => {
      nodes.push(node['Index Name'] ? `${node['Node Type']} ${node['Index Name']}` : node['Node Type']);
      (node.Plans as Array<typeof node> | undefined)?.forEach(walk);
    };
    walk((typeof plan === 'string' ? JSON.parse(plan) : plan)[0].Plan);
    // An index walked newest first (the (customerId, id) index, or the primary key when nearly every
    // user is this customer's) and stopped after one page: no Sort of the customer's users.
    expect(nodes).toEqual(['Limit', expect.stringMatching(/^Index Scan (ix_user_customer|customer_user_pkey)$/)]);
    // And the search indexes hold the new users: nothing is left in the trigram GIN indexes' pending
    // lists, which every search would read through (gin_clean_pending_list answers the pages it moved).
    const pending: Array<{ pages: number }> = await db.manager.query(`SELECT gin_clean_pending_list(i."indexrelid"::regclass) AS "pages"
      FROM pg_index i JOIN pg_class ic ON ic."oid" = i."indexrelid" WHERE i."indrelid" = 'customer_user'::regclass AND ic."relname" LIKE 'ix_customer_user_trgm_%'`);
    expect(pending.length).toBe(3);
    expect(pending.map((row) => Number(row.pages))).toEqual([0, 0, 0]);
  });
});
