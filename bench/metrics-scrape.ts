import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 = require('better-sqlite3');
import 'reflect-metadata';
import { Database } from '../server/src/db/database';
import { databaseSize, queueSnapshot } from '../server/src/metrics/queue-gauges';
import { benchLogger } from './fixtures';
import { median } from './support';

/**
 * What one scrape of GET /metrics costs in queries on a large outbox (README, Operating): the queue
 * and size reads of a scrape, on SQLite (where they run on the event loop), with BENCH_SCRAPE_ROWS
 * PENDING emails (default 200,000: a setup of that many users with no SMTP_URL). Run alone:
 * `npm run build:server && node dist/bench/metrics-scrape.js`.
 */
async function main(): Promise<void> {
  const rows = Number(process.env.BENCH_SCRAPE_ROWS ?? 200_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'metrics-scrape-'));
  const file = path.join(dir, 'scrape.sqlite');
  try {
    await (await Database.open({ target: { kind: 'sqlite', file }, logger: benchLogger })).close();
    // Raw rows (not through the API): only the outbox's status index and row count matter here.
    const raw = new BetterSqlite3(file);
    raw.pragma('foreign_keys = OFF'); // the emails' customer does not exist: only the outbox is read
    const insert = raw.prepare(`INSERT INTO outbox_message (id, customerId, kind, recipient, subject, body, status, attempts, nextAttemptAt, createdAt)
      VALUES (?, 'bench-customer', 'WELCOME', 'user@bench.example', 'Welcome', 'Hello', 'PENDING', 0, ?, ?)`);
    const now = Date.now();
    raw.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`bench-${String(i).padStart(9, '0')}`, now - i, now - i);
    })();
    raw.close();
    const db = await Database.open({ target: { kind: 'sqlite', file }, logger: benchLogger });
    try {
      const times: number[] = [];
      for (let i = 0; i < 21; i++) {
        const started = performance.now();
        await queueSnapshot(db);
        await databaseSize(db, file);
        times.push(performance.now() - started);
      }
      process.stdout.write(`GET /metrics queue and size reads with ${rows.toLocaleString('en')} PENDING emails (SQLite, 21 scrapes): `
        + `median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms\n`);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
