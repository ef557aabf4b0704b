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
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 1000 });
let timer;
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error && error.message || error) }); }
  timer = setTimeout(tick, workerData.intervalMs);
};
parentPort.on('message', (m) => { if (m === 'stop') { clearTimeout(timer); try { db.close(); } catch {} parentPort.close(); } });
timer = setTimeout(tick, workerData.intervalMs);
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, log: Logger, onFailure: () => void, intervalMs = 250): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') },
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
