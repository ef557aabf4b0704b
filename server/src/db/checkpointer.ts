import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * WAL checkpoints on a worker thread. A checkpoint copies the WAL into the database file and
 * syncs it to disk; SQLite's automatic checkpoint runs inside whichever commit crosses the
 * threshold, so that request waited for the disk (over half of createCustomer's time on the
 * benchmark machine, and its p99). Here the application's connections turn automatic checkpoints
 * off and this thread runs a PASSIVE checkpoint (never blocks readers or the writer) every
 * `intervalMs` on its own connection (README, Performance).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
db.pragma('journal_size_limit = ' + workerData.journalSizeLimit);
const walSize = () => { try { return fs.statSync(workerData.file + '-wal').size; } catch { return 0; } };
let timer;
const tick = () => {
  try {
    // Past the threshold, TRUNCATE: it waits (up to the 1 s busy timeout) for readers on older
    // snapshots and holds new writers meanwhile, then empties the file. PASSIVE otherwise.
    db.pragma(walSize() > workerData.truncateAboveBytes ? 'wal_checkpoint(TRUNCATE)' : 'wal_checkpoint(PASSIVE)');
  } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (m) => { if (m === 'stop') { clearTimeout(timer); try { db.close(); } catch {} parentPort.close(); } });
timer = setTimeout(tick, workerData.intervalMs);
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * The WAL stays bounded: every connection sets `journal_size_limit` (SQLite then truncates the
 * file to it whenever a completed checkpoint lets the log start over), and a WAL that still grew
 * past TRUNCATE_ABOVE_BYTES (readers kept PASSIVE checkpoints from completing while writes went
 * on: 549 MB after ten 10,000-user imports) is checkpointed with TRUNCATE, which waits for them.
 */
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 2 ** 20;
export const TRUNCATE_ABOVE_BYTES = 32 * 2 ** 20;

export function startCheckpointer(
  file: string, log: Logger, onFailure: () => void, intervalMs = 250, truncateAboveBytes = TRUNCATE_ABOVE_BYTES,
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs, truncateAboveBytes, journalSizeLimit: JOURNAL_SIZE_LIMIT_BYTES, driver: require.resolve('better-sqlite3') },
  });
  worker.unref();
  let failed = false;
  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    log.error({ err: error }, 'WAL checkpointer stopped; the connections checkpoint themselves again');
    onFailure();
  };
  worker.on('message', (m: { error?: string }) => m.error && log.warn({ error: m.error }, 'WAL checkpoint failed'));
  worker.on('error', fail);
  let stopping: Promise<void> | undefined;
  worker.on('exit', (code) => {
    if (!stopping && code !== 0) fail(new Error(`checkpoint worker exited with ${code}`));
  });
  return {
    stop: () => (stopping ??= new Promise<void>((resolve) => {
      // Referenced again while stopping, so the process waits for the worker's connection to close.
      worker.ref();
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    })),
  };
}
