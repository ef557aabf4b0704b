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

/** SQLite's limit on parameters per statement (better-sqlite3's build: MAX_VARIABLE_NUMBER=32766). */
const MAX_PARAMETERS = 32_766;

/**
 * The floor: exactly the rows the mutation wrote, written with raw better-sqlite3 prepared
 * statements in one transaction, into the application's own schema, indexes and triggers, with
 * the fewest statements SQLite allows: inserts as many rows per INSERT as the application's,
 * deletes `DELETE … WHERE key IN (…)`, and updates of one shape (the same columns changed)
 * `UPDATE … FROM (VALUES …)` joined on the key, as many rows per statement as the parameter limit
 * lets (a temporary table to join would cost its own inserts). Row by row, each statement fired
 * the search index triggers on its own, and FTS5 flushes its index at every statement: the floor
 * of a 10,000-user update took 555–1,400 ms, more than the service it is the floor of. Updates
 * that move a unique value (a swap of two numbers) first clear the moved columns of every updated
 * row, as any writer must: the unique indexes check each row as it is written.
 */
export function writeFloor(db: BetterSqlite3.Database, changes: TableChange[], vacate: Record<string, Record<string, string>> = {}): void {
  // One prepared statement per shape and size: a 10,000-row change is a handful of statements.
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const marks = (n: number) => Array(n).fill('?').join(', ');
  const keyOf = (change: TableChange) => change.key.length === 1 ? `"${change.key[0]}"` : `(${change.key.map((c) => `"${c}"`).join(', ')})`;
  /** `keys` rows of `change` matched by key, as many per statement as the parameter limit allows. */
  const whereKeyIn = (change: TableChange, keys: Row[], statement: (where: string) => string, leading: unknown[] = []) => {
    const perRow = change.key.length;
    const rowsPer = Math.floor((MAX_PARAMETERS - leading.length) / perRow);
    const tuple = perRow === 1 ? '?' : `(${marks(perRow)})`;
    for (let start = 0; start < keys.length; start += rowsPer) {
      const chunk = keys.slice(start, start + rowsPer);
      prepared(statement(`${keyOf(change)} IN (${chunk.map(() => tuple).join(', ')})`)).run([...leading, ...chunk.flatMap((key) => change.key.map((c) => key[c]))]);
    }
  };
  db.transaction(() => {
    for (const change of changes) {
      const moved = vacate[change.table] ?? {};
      const clearing = new Map<string, Row[]>();
      for (const { key, set } of change.updated) {
        const columns = Object.keys(set).filter((c) => c in moved);
        if (columns.length === 0) continue;
        const shape = columns.join('\0');
        (clearing.get(shape) ?? clearing.set(shape, []).get(shape)!).push(key);
      }
      for (const [shape, keys] of clearing) {
        const set = shape.split('\0').map((c) => `"${c}" = ${moved[c]}`).join(', ');
        whereKeyIn(change, keys, (where) => `UPDATE "${change.table}" SET ${set} WHERE ${where}`);
      }
      if (change.deleted.length) whereKeyIn(change, change.deleted, (where) => `DELETE FROM "${change.table}" WHERE ${where}`);
    }
    for (const change of changes) {
      // INSERT_CHUNK_SIZE rows per statement, like the application's bulkInsert.
      const tuple = `(${change.columns.map(() => '?').join(', ')})`;
      for (let start = 0; start < change.inserted.length; start += INSERT_CHUNK_SIZE) {
        const chunk = change.inserted.slice(start, start + INSERT_CHUNK_SIZE);
        prepared(`INSERT INTO "${change.table}" (${change.columns.map((c) => `"${c}"`).join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`)
          .run(chunk.flatMap((row) => change.columns.map((c) => row[c])));
      }
      // Updates grouped by the columns they change: one UPDATE … FROM (VALUES (key…, value…), …) per group and chunk.
      const shapes = new Map<string, { key: Row; set: Row }[]>();
      for (const update of change.updated) {
        const shape = Object.keys(update.set).join('\0');
        (shapes.get(shape) ?? shapes.set(shape, []).get(shape)!).push(update);
      }
      for (const [shape, updates] of shapes) {
        const columns = shape.split('\0');
        const width = change.key.length + columns.length;
        const set = columns.map((c, i) => `"${c}" = v.column${change.key.length + i + 1}`).join(', ');
        const join = change.key.map((c, i) => `"${change.table}"."${c}" = v.column${i + 1}`).join(' AND ');
        const rowsPer = Math.floor(MAX_PARAMETERS / width);
        for (let start = 0; start < updates.length; start += rowsPer) {
          const chunk = updates.slice(start, start + rowsPer);
          prepared(`UPDATE "${change.table}" SET ${set} FROM (VALUES ${chunk.map(() => `(${marks(width)})`).join(', ')}) AS v WHERE ${join}`)
            .run(chunk.flatMap(({ key, set: values }) => [...change.key.map((c) => key[c]), ...columns.map((c) => values[c])]));
        }
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
