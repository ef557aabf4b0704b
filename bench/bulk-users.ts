import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 = require('better-sqlite3');
import { print } from 'graphql';
import { RemoveUsersDocument, UpdateUsersDocument } from '../sdk/src/generated/graphql';
import { resolveCaller } from '../server/src/auth/caller';
import { Database } from '../server/src/db/database';
import { createServices } from '../server/src/graphql/services';
import type { RemoveUsersInput, UpdateUsersInput } from '../server/src/users/user-lifecycle.inputs';
import { diff, openSqlite, post as sendOnceMore, snapshot, writeFloor, type TableChange } from './bulk-setup';
import { benchLogger, prepareBase, setupInput } from './fixtures';
import { copyDatabase, median, printTable, round, startServerProcess } from './support';

/** Per operation: the three contenders' times and their ratios to the floor. */
export interface BulkUsersFigures {
  ms: { floor: number[]; service: number[]; http: number[] };
  medianMs: { floor: number; service: number; http: number };
  ratio: { serviceToFloor: number; httpToFloor: number };
  rowsWritten: Record<string, { inserted: number; updated: number; deleted: number }>;
}

export interface BulkUsersResult {
  repetitions: number;
  users: number;
  updateUsers: BulkUsersFigures;
  removeUsers: BulkUsersFigures;
}

/** The unique columns a swap moves, and what the floor sets them to first (as the service does). */
const VACATE = { customer_user: { phoneNumber: 'NULL' } };

/**
 * updateUsers of every user of the customer: a new first name, a move to the next office, and
 * numbers swapped pairwise (each value held by another row until the call is done).
 */
function updateInput(customerId: string, users: Array<{ id: string; phoneNumber: string | null }>, locations: number): UpdateUsersInput {
  return {
    customerId,
    users: users.map((u, i) => ({
      id: u.id,
      firstName: `Renamed${i}`,
      locationName: `Office ${String(((i + 1) % locations) + 1).padStart(3, '0')}`,
      phoneNumber: users[i % 2 === 0 ? Math.min(i + 1, users.length - 1) : i - 1].phoneNumber,
    })),
  } as UpdateUsersInput;
}

/**
 * updateUsers and removeUsers of `users` users against the floor of P1 (the same rows written with
 * raw better-sqlite3 prepared statements in one transaction). Each repetition r first sets customer
 * r up (untimed, once, before the copies are made), then updates all its users and removes them,
 * the contenders interleaved in rotating order, each on its own copy, after one warm-up (r = 0).
 */
export async function benchBulkUsers(dir: string, options: { repetitions: number; users: number; locations: number }): Promise<BulkUsersResult> {
  const { repetitions, users, locations } = options;
  const base = await prepareBase(path.join(dir, 'users-base.sqlite'), repetitions + 1);

  // Customers set up once, untimed: every copy starts from the same users (same ids).
  const updates: UpdateUsersInput[] = [];
  const removes: RemoveUsersInput[] = [];
  {
    const db = await Database.open({ target: { kind: 'sqlite', file: base.file }, logger: benchLogger });
    const services = createServices(db);
    const caller = (await resolveCaller(db, base.token))!;
    for (let rep = 0; rep <= repetitions; rep++) {
      const customerId = base.customerIds[rep];
      const setup = await services.setup.setup(caller, setupInput(customerId, rep, locations, users));
      if (setup.userErrors.length) throw new Error(`setupCustomer failed: ${JSON.stringify(setup.userErrors.slice(0, 3))}`);
      updates.push(updateInput(customerId, setup.users, locations));
      removes.push({ customerId, userIds: setup.users.map((u) => u.id) } as RemoveUsersInput);
    }
    await db.close();
  }

  // The rows each call writes, from a scratch run of the service (diff of every table).
  const changes: { update: TableChange[]; remove: TableChange[] }[] = [];
  {
    const scratch = copyDatabase(base.file, path.join(dir, 'users-scratch.sqlite'));
    const db = await Database.open({ target: { kind: 'sqlite', file: scratch }, logger: benchLogger });
    const services = createServices(db);
    const caller = (await resolveCaller(db, base.token))!;
    const reader = new BetterSqlite3(scratch, { readonly: true });
    for (let rep = 0; rep <= repetitions; rep++) {
      let before = snapshot(reader);
      const updated = await services.userLifecycle.updateUsers(caller, updates[rep]);
      if (updated.userErrors.length) throw new Error(`updateUsers failed: ${JSON.stringify(updated.userErrors.slice(0, 3))}`);
      const update = diff(before, (before = snapshot(reader)));
      const removed = await services.userLifecycle.removeUsers(caller, removes[rep]);
      if (removed.userErrors.length) throw new Error(`removeUsers failed: ${JSON.stringify(removed.userErrors.slice(0, 3))}`);
      changes.push({ update, remove: diff(before, snapshot(reader)) });
    }
    reader.close();
    await db.close();
  }
  const rowsOf = (c: TableChange[]) => Object.fromEntries(c.map((t) => [t.table, { inserted: t.inserted.length, updated: t.updated.length, deleted: t.deleted.length }]));

  const floorDb = openSqlite(copyDatabase(base.file, path.join(dir, 'users-floor.sqlite')));
  const serviceDb = await Database.open({ target: { kind: 'sqlite', file: copyDatabase(base.file, path.join(dir, 'users-service.sqlite')) }, logger: benchLogger });
  const services = createServices(serviceDb);
  const caller = (await resolveCaller(serviceDb, base.token))!;
  const server = await startServerProcess({ dbFile: copyDatabase(base.file, path.join(dir, 'users-http.sqlite')) });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${base.token}` };

  const post = async (document: typeof UpdateUsersDocument | typeof RemoveUsersDocument, field: 'updateUsers' | 'removeUsers', input: unknown) => {
    const body = JSON.stringify({ query: print(document), variables: { input } });
    const t0 = performance.now();
    // Sent again once if the server had closed the idle keep-alive socket (see post in bulk-setup.ts).
    const response = await sendOnceMore(server.url, { method: 'POST', headers, body });
    const text = await response.text();
    const payload = JSON.parse(text).data?.[field];
    const ms = performance.now() - t0;
    if (response.status !== 200 || !payload || payload.userErrors.length) throw new Error(`HTTP ${field} failed (${response.status}): ${text.slice(0, 500)}`);
    return ms;
  };
  const timed = async (work: () => Promise<{ userErrors: unknown[] }>) => {
    const t0 = performance.now();
    const payload = await work();
    const ms = performance.now() - t0;
    if (payload.userErrors.length) throw new Error(`service call failed: ${JSON.stringify(payload.userErrors).slice(0, 500)}`);
    return ms;
  };
  const floor = (c: TableChange[]) => {
    const t0 = performance.now();
    writeFloor(floorDb, c, VACATE);
    const ms = performance.now() - t0;
    floorDb.pragma('wal_checkpoint(TRUNCATE)');
    return ms;
  };

  const contenders = {
    updateUsers: {
      floor: (rep: number) => Promise.resolve(floor(changes[rep].update)),
      service: (rep: number) => timed(() => services.userLifecycle.updateUsers(caller, updates[rep])),
      http: (rep: number) => post(UpdateUsersDocument, 'updateUsers', updates[rep]),
    },
    removeUsers: {
      floor: (rep: number) => Promise.resolve(floor(changes[rep].remove)),
      service: (rep: number) => timed(() => services.userLifecycle.removeUsers(caller, removes[rep])),
      http: (rep: number) => post(RemoveUsersDocument, 'removeUsers', removes[rep]),
    },
  };
  const names = ['floor', 'service', 'http'] as const;
  const ms = {
    updateUsers: { floor: [] as number[], service: [] as number[], http: [] as number[] },
    removeUsers: { floor: [] as number[], service: [] as number[], http: [] as number[] },
  };
  try {
    for (let rep = 0; rep <= repetitions; rep++) {
      for (const operation of ['updateUsers', 'removeUsers'] as const) {
        for (let k = 0; k < names.length; k++) {
          const name = names[(k + rep) % names.length];
          const elapsed = await contenders[operation][name](rep);
          if (rep > 0) ms[operation][name].push(elapsed);
        }
      }
      const last = (o: 'updateUsers' | 'removeUsers') => names.map((n) => `${n} ${round(ms[o][n].at(-1) ?? 0, 0)}`).join(', ');
      process.stdout.write(`  users repetition ${rep}${rep === 0 ? ' (warm-up)' : ''}: updateUsers ${last('updateUsers')} ms; removeUsers ${last('removeUsers')} ms\n`);
    }
  } finally {
    floorDb.close();
    await serviceDb.close();
    await server.stop();
  }
  const figures = (o: 'updateUsers' | 'removeUsers', c: TableChange[]): BulkUsersFigures => {
    const medianMs = { floor: median(ms[o].floor), service: median(ms[o].service), http: median(ms[o].http) };
    return { ms: ms[o], medianMs, ratio: { serviceToFloor: medianMs.service / medianMs.floor, httpToFloor: medianMs.http / medianMs.floor }, rowsWritten: rowsOf(c) };
  };
  return { repetitions, users, updateUsers: figures('updateUsers', changes[0].update), removeUsers: figures('removeUsers', changes[0].remove) };
}

export function printBulkUsersBench(result: BulkUsersResult): void {
  const rows = (['updateUsers', 'removeUsers'] as const).flatMap((o) => {
    const f = result[o];
    return [
      [`${o}: (a) floor, raw better-sqlite3, one transaction`, round(f.medianMs.floor, 0), '1.00'],
      [`${o}: (b) UserLifecycleService, no HTTP`, round(f.medianMs.service, 0), round(f.ratio.serviceToFloor).toFixed(2)],
      [`${o}: (c) over HTTP`, round(f.medianMs.http, 0), round(f.ratio.httpToFloor).toFixed(2)],
    ];
  });
  printTable(`Bulk user changes (${result.users} users; medians of ${result.repetitions})`, ['contender', 'median ms', 'ratio to floor'], rows);
  process.stdout.write(`rows per updateUsers: ${JSON.stringify(result.updateUsers.rowsWritten)}; per removeUsers: ${JSON.stringify(result.removeUsers.rowsWritten)}\n`);
}

if (require.main === module) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'provisioning-bench-users-'));
  const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  benchBulkUsers(dir, { repetitions: env('BENCH_REPS', 11), users: env('BENCH_USERS', 10_000), locations: env('BENCH_LOCATIONS', 50) }).then((result) => {
    printBulkUsersBench(result);
    rmSync(dir, { recursive: true, force: true });
  }, (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  });
}
