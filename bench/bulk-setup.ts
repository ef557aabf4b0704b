import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 = require('better-sqlite3');
import { print } from 'graphql';
import { SetupCustomerDocument } from '../sdk/src/generated/graphql';
import { resolveCaller } from '../server/src/auth/caller';
import { createServices } from '../server/src/graphql/services';
import { Database } from '../server/src/db/database';
import { INSERT_CHUNK_SIZE } from '../server/src/db/bulk-insert';
import { SEARCH_TABLES } from '../server/src/db/search-indexer';
import { benchLogger, BaseDatabase, setupInput } from './fixtures';
import { copyDatabase, median, round, startServerProcess } from './support';

type Row = Record<string, unknown>;

/**
 * fetch, sent again once when the server had already closed the idle keep-alive socket (EPIPE,
 * ECONNRESET or undici's UND_ERR_SOCKET while writing: the request never reached it). Between two HTTP contenders the
 * in-process ones block this event loop for seconds on a loaded machine, past the server's 5 s
 * keep-alive, before undici notices the socket is gone.
 */
export async function post(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = ((error as { cause?: { code?: string } }).cause)?.code;
    // UND_ERR_SOCKET ("other side closed"): the server closed that idle socket as the request went out.
    if (code !== 'EPIPE' && code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url, init);
  }
}

interface TableSnapshot {
  columns: string[];
  key: string[];
  rows: Map<string, Row>;
}

/** What one mutation changed in one table: rows added, rows whose columns changed, and the keys of rows deleted. */
export interface TableChange {
  table: string;
  columns: string[];
  key: string[];
  inserted: Row[];
  updated: { key: Row; set: Row }[];
  deleted: Row[];
}

export function openSqlite(file: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(file);
  // The application's own settings (database.ts), so the floor pays the same commit cost.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // The application checkpoints on a worker thread, never inside a commit; so does the floor
  // (between repetitions, untimed), or its figure would include a disk sync the others skip.
  db.pragma('wal_autocheckpoint = 0');
  return db;
}

/** Every table's rows keyed by primary key: whatever tables a later migration adds are included. */
export function snapshot(db: BetterSqlite3.Database): Map<string, TableSnapshot> {
  // FTS5 tables and their shadow tables are written by triggers on the tables they index: the
  // floor's inserts fire the same triggers, so those tables are left out of the diff.
  const virtual = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'`).pluck().all() as string[];
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[])
    .filter((name) => !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
  const out = new Map<string, TableSnapshot>();
  for (const table of tables) {
    const info = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; pk: number }[];
    const columns = info.map((c) => c.name);
    const key = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const rows = new Map<string, Row>();
    const select = key.length ? `SELECT * FROM "${table}"` : `SELECT rowid AS "__rowid", * FROM "${table}"`;
    for (const row of db.prepare(select).iterate() as Iterable<Row>) {
      rows.set(JSON.stringify((key.length ? key : ['__rowid']).map((k) => row[k])), row);
    }
    out.set(table, { columns, key: key.length ? key : ['rowid'], rows });
  }
  return out;
}

export function diff(before: Map<string, TableSnapshot>, after: Map<string, TableSnapshot>): TableChange[] {
  const changes: TableChange[] = [];
  for (const [table, now] of after) {
    const was = before.get(table)?.rows ?? new Map<string, Row>();
    const change: TableChange = { table, columns: now.columns, key: now.key, inserted: [], updated: [], deleted: [] };
    for (const [k, row] of now.rows) {
      const old = was.get(k);
      if (!old) {
        change.inserted.push(row);
        continue;
      }
      const set: Row = {};
      for (const c of now.columns) if (old[c] !== row[c]) set[c] = row[c];
      if (Object.keys(set).length) change.updated.push({ key: Object.fromEntries(now.key.map((c) => [c, row[c]])), set });
    }
    for (const [k, row] of was) if (!now.rows.has(k)) change.deleted.push(Object.fromEntries(now.key.map((c) => [c, row[c]])));
    if (change.inserted.length || change.updated.length || change.deleted.length) changes.push(change);
  }
  return changes;
}

/**
 * The floor: exactly the rows the mutation wrote, written with raw better-sqlite3 prepared
 * statements (multi-row, as many rows per INSERT as the application's) in one transaction, into
 * the application's own schema, indexes and triggers. Updates that move a unique value (a swap of
 * two numbers) first clear the moved columns of every updated row, as any writer must: the unique
 * indexes check each row as it is written.
 */
export function writeFloor(db: BetterSqlite3.Database, changes: TableChange[], vacate: Record<string, Record<string, string>> = {}): void {
  // One prepared statement per shape (10,000 updated rows share a handful of shapes).
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  db.transaction(() => {
    for (const change of changes) {
      const where = change.key.map((c) => `"${c}" = ?`).join(' AND ');
      const moved = vacate[change.table] ?? {};
      for (const { key, set } of change.updated) {
        const columns = Object.keys(set).filter((c) => c in moved);
        if (columns.length === 0) continue;
        prepared(`UPDATE "${change.table}" SET ${columns.map((c) => `"${c}" = ${moved[c]}`).join(', ')} WHERE ${where}`).run(change.key.map((c) => key[c]));
      }
      for (const key of change.deleted) prepared(`DELETE FROM "${change.table}" WHERE ${where}`).run(change.key.map((c) => key[c]));
    }
    for (const change of changes) {
      // INSERT_CHUNK_SIZE rows per statement, like the application's bulkInsert: row by row, the
      // FTS5 search tables (written by triggers) flush their pending index at every statement,
      // which made the floor several times slower than the service it is the floor of.
      const tuple = `(${change.columns.map(() => '?').join(', ')})`;
      for (let start = 0; start < change.inserted.length; start += INSERT_CHUNK_SIZE) {
        const chunk = change.inserted.slice(start, start + INSERT_CHUNK_SIZE);
        prepared(`INSERT INTO "${change.table}" (${change.columns.map((c) => `"${c}"`).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`)
          .run(chunk.flatMap((row) => change.columns.map((c) => row[c])));
      }
      for (const { key, set } of change.updated) {
        const columns = Object.keys(set);
        prepared(`UPDATE "${change.table}" SET ${columns.map((c) => `"${c}" = ?`).join(', ')} WHERE ${change.key.map((c) => `"${c}" = ?`).join(' AND ')}`)
          .run([...columns.map((c) => set[c]), ...change.key.map((c) => key[c])]);
      }
    }
    // The search index rows the application writes before its COMMIT (db/search-indexer.ts), the same way.
    for (const { table, fts, columns } of SEARCH_TABLES) {
      db.prepare(`INSERT INTO "${fts}" ("rowid", ${columns.map((c) => `"${c}"`).join(', ')})
        SELECT t."rowid", ${columns.map((c) => `t."${c}"`).join(', ')} FROM "${table}" t JOIN "${fts}_pending" p ON p."rowid" = t."rowid"`).run();
      db.prepare(`DELETE FROM "${fts}_pending"`).run();
    }
  })();
}

export interface BulkSetupResult {
  repetitions: number;
  locations: number;
  users: number;
  tablesWritten: Record<string, { inserted: number; updated: number }>;
  ms: { floor: number[]; service: number[]; http: number[]; serviceErrors: number[]; httpErrors: number[] };
  medianMs: { floor: number; service: number; http: number; serviceErrors: number; httpErrors: number };
  ratio: { serviceToFloor: number; httpToFloor: number; serviceErrorsToSuccess: number; httpErrorsToSuccess: number };
  /** userErrors of one all-errors answer (every row TAKEN) and its size. */
  errorPath: { userErrors: number; responseBytes: number };
  server: { peakRssMb: number; startupMs: number; responseBytes: number };
}

/**
 * P1. Three contenders, each with its own copy of the same database and history: repetition r
 * sets up customer r in all three, interleaved (the order rotates), after one warm-up (r = 0).
 */
export async function benchBulkSetup(base: BaseDatabase, dir: string, options: { repetitions: number; locations: number; users: number }): Promise<BulkSetupResult> {
  const { repetitions, locations, users } = options;
  const inputs = base.customerIds.slice(0, repetitions + 1).map((id, rep) => setupInput(id, rep, locations, users));

  // The rows each repetition writes, read from a scratch run of the service (diff of every table).
  const scratchFile = copyDatabase(base.file, path.join(dir, 'p1-scratch.sqlite'));
  const changesPerRep: TableChange[][] = [];
  {
    const db = await Database.open({ target: { kind: 'sqlite', file: scratchFile }, logger: benchLogger });
    const services = createServices(db);
    const caller = (await resolveCaller(db, base.token))!;
    const reader = new BetterSqlite3(scratchFile, { readonly: true });
    for (const input of inputs) {
      const before = snapshot(reader);
      const payload = await services.setup.setup(caller, input);
      if (payload.userErrors.length) throw new Error(`setupCustomer failed: ${JSON.stringify(payload.userErrors.slice(0, 3))}`);
      changesPerRep.push(diff(before, snapshot(reader)));
    }
    reader.close();
    await db.close();
  }
  const tablesWritten = Object.fromEntries(changesPerRep[0].map((c) => [c.table, { inserted: c.inserted.length, updated: c.updated.length }]));

  // (a) floor, (b) service in this process, (c) HTTP against a child server: each on its own copy.
  const floorDb = openSqlite(copyDatabase(base.file, path.join(dir, 'p1-floor.sqlite')));
  const serviceDb = await Database.open({ target: { kind: 'sqlite', file: copyDatabase(base.file, path.join(dir, 'p1-service.sqlite')) }, logger: benchLogger });
  const services = createServices(serviceDb);
  const caller = (await resolveCaller(serviceDb, base.token))!;
  const server = await startServerProcess({ dbFile: copyDatabase(base.file, path.join(dir, 'p1-http.sqlite')) });
  const query = print(SetupCustomerDocument);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${base.token}` };
  const serverStats = { responseBytes: 0 };
  const errorStats = { userErrors: 0, responseBytes: 0 };
  // The error path: the same input sent again after it was written, so every location name, email
  // and number is TAKEN (one error per location, two per user). It should cost about what the
  // write costs (issue: 10,000 TAKEN rows once took 10x the write).
  const expectAllTaken = (userErrors: Array<{ code: string }>) => {
    const expected = locations + 2 * users;
    if (userErrors.length !== expected || userErrors.some((e) => e.code !== 'TAKEN')) {
      throw new Error(`expected ${expected} TAKEN errors, got ${userErrors.length}: ${JSON.stringify(userErrors.slice(0, 3))}`);
    }
  };

  const contenders = {
    floor: async (rep: number) => {
      const t0 = performance.now();
      writeFloor(floorDb, changesPerRep[rep]);
      const ms = performance.now() - t0;
      floorDb.pragma('wal_checkpoint(TRUNCATE)');
      return ms;
    },
    service: async (rep: number) => {
      const t0 = performance.now();
      const payload = await services.setup.setup(caller, inputs[rep]);
      const ms = performance.now() - t0;
      if (payload.userErrors.length || payload.users.length !== users) throw new Error(`service setup failed: ${JSON.stringify(payload.userErrors.slice(0, 3))}`);
      return ms;
    },
    http: async (rep: number) => {
      const body = JSON.stringify({ query, operationName: 'SetupCustomer', variables: { input: inputs[rep] } });
      const t0 = performance.now();
      const response = await post(server.url, { method: 'POST', headers, body });
      const text = await response.text();
      const json = JSON.parse(text);
      const ms = performance.now() - t0;
      const payload = json.data?.setupCustomer;
      if (response.status !== 200 || !payload || payload.userErrors.length || payload.users.length !== users) {
        throw new Error(`HTTP setup failed (${response.status}): ${text.slice(0, 500)}`);
      }
      serverStats.responseBytes = text.length;
      return ms;
    },
  };
  const errorContenders = {
    serviceErrors: async (rep: number) => {
      const t0 = performance.now();
      const payload = await services.setup.setup(caller, inputs[rep]);
      const ms = performance.now() - t0;
      expectAllTaken(payload.userErrors);
      return ms;
    },
    httpErrors: async (rep: number) => {
      const body = JSON.stringify({ query, operationName: 'SetupCustomer', variables: { input: inputs[rep] } });
      const t0 = performance.now();
      const response = await post(server.url, { method: 'POST', headers, body });
      const text = await response.text();
      const json = JSON.parse(text);
      const ms = performance.now() - t0;
      const payload = json.data?.setupCustomer;
      if (response.status !== 200 || !payload) throw new Error(`HTTP error-path setup failed (${response.status}): ${text.slice(0, 500)}`);
      expectAllTaken(payload.userErrors);
      errorStats.userErrors = payload.userErrors.length;
      errorStats.responseBytes = text.length;
      return ms;
    },
  };
  const names = ['floor', 'service', 'http'] as const;
  const errorNames = ['serviceErrors', 'httpErrors'] as const;
  const ms = { floor: [] as number[], service: [] as number[], http: [] as number[], serviceErrors: [] as number[], httpErrors: [] as number[] };
  try {
    for (let rep = 0; rep <= repetitions; rep++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + rep) % names.length];
        const elapsed = await contenders[name](rep);
        if (rep > 0) ms[name].push(elapsed); // rep 0 warms every contender up
      }
      // Each replays the input its success contender just wrote (service and HTTP have their own databases).
      for (let k = 0; k < errorNames.length; k++) {
        const name = errorNames[(k + rep) % errorNames.length];
        const elapsed = await errorContenders[name](rep);
        if (rep > 0) ms[name].push(elapsed);
      }
      process.stdout.write(`  P1 repetition ${rep}${rep === 0 ? ' (warm-up)' : ''}: floor ${round(ms.floor.at(-1) ?? 0, 0)} ms, service ${round(ms.service.at(-1) ?? 0, 0)} ms, http ${round(ms.http.at(-1) ?? 0, 0)} ms; all TAKEN: service ${round(ms.serviceErrors.at(-1) ?? 0, 0)} ms, http ${round(ms.httpErrors.at(-1) ?? 0, 0)} ms\n`);
    }
  } finally {
    floorDb.close();
    await serviceDb.close();
  }
  const peakRssMb = server.peakRssMb();
  await server.stop();
  const medianMs = {
    floor: median(ms.floor), service: median(ms.service), http: median(ms.http),
    serviceErrors: median(ms.serviceErrors), httpErrors: median(ms.httpErrors),
  };
  return {
    repetitions, locations, users, tablesWritten, ms, medianMs, errorPath: errorStats,
    ratio: {
      serviceToFloor: medianMs.service / medianMs.floor, httpToFloor: medianMs.http / medianMs.floor,
      serviceErrorsToSuccess: medianMs.serviceErrors / medianMs.service, httpErrorsToSuccess: medianMs.httpErrors / medianMs.http,
    },
    server: { peakRssMb, startupMs: server.startupMs, ...serverStats },
  };
}
