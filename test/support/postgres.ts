import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * True when the suite runs against PostgreSQL (`TEST_DATABASE_URL=postgres://… npm test`).
 * Suites about SQLite itself (busy locks, PRAGMAs, the file on disk) skip with
 * `describe.skipIf(onPostgres)`; everything else runs unchanged on both.
 */
export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export interface ScratchDatabase {
  /** DATABASE_URL of the new, empty database. */
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database on the server of `adminUrl` (TEST_DATABASE_URL): every test server gets its own,
 * so suites run in parallel exactly as they do with one SQLite file each.
 */
export async function createScratchDatabase(adminUrl = process.env.TEST_DATABASE_URL!): Promise<ScratchDatabase> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: a connection a failed test left open must not keep the database alive.
    drop: () => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
