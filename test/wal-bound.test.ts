import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 = require('better-sqlite3');
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { JOURNAL_SIZE_LIMIT_BYTES, startCheckpointer } from '../server/src/db/checkpointer';
import { Database } from '../server/src/db/database';
import { eventually } from './support/smtp-sink';
import { onPostgres, startTestServer } from './support/test-server';

/** The SQLite WAL stays bounded (issue 13): it was 549 MB after ten 10,000-user imports. */
describe.skipIf(onPostgres)('a bounded WAL (SQLite)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wal-bound-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every connection of the server sets journal_size_limit', async () => {
    const server = await startTestServer();
    try {
      const rows = await server.app.db.reader.query('PRAGMA journal_size_limit');
      expect(Object.values(rows[0])[0]).toBe(JOURNAL_SIZE_LIMIT_BYTES);
      const writer = await server.app.db.write((tx) => tx.query('PRAGMA journal_size_limit'));
      expect(Object.values(writer[0])[0]).toBe(JOURNAL_SIZE_LIMIT_BYTES);
    } finally {
      await server.stop();
    }
  });

  it('the checkpointer truncates a WAL grown past its threshold', async () => {
    const file = path.join(dir, 'grown.sqlite');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => { for (let i = 0; i < 2000; i++) insert.run('x'.repeat(2000)); })();
    const wal = () => statSync(`${file}-wal`).size;
    expect(wal()).toBeGreaterThan(2 * 2 ** 20);
    const checkpointer = startCheckpointer(file, pino({ level: 'silent' }), () => undefined, 10, 2 ** 20);
    try {
      await eventually(async () => wal() === 0);
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('a commit that leaves the WAL past 64 MB checkpoints and truncates it before its write resolves', async () => {
    const file = path.join(dir, 'big-commit.sqlite');
    const db = await Database.open({ target: { kind: 'sqlite', file }, logger: pino({ level: 'silent' }) });
    try {
      await db.write((tx) => tx.query('CREATE TABLE blob_rows (v TEXT)'));
      const chunk = 'x'.repeat(4000);
      await db.write(async (tx) => {
        // About 80 MB of WAL in one transaction: 20,000 rows of 4 KB.
        for (let i = 0; i < 200; i++) await tx.query(`INSERT INTO blob_rows (v) SELECT ? FROM (SELECT 1 FROM (WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 100) SELECT k FROM n))`, [chunk]);
      });
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(JOURNAL_SIZE_LIMIT_BYTES);
      expect(await db.manager.query('SELECT COUNT(*) AS n FROM blob_rows')).toEqual([{ n: 20_000 }]);
    } finally {
      await db.close();
    }
  });
});
