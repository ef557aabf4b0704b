import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../server/src/db/database';
import { InjectedFault } from '../server/src/db/failpoints';
import { UserErrorsAbort } from '../server/src/errors/user-error';
import { onPostgres } from './support/test-server';

/**
 * SQLite's writer shares one COMMIT among the writes queued together (server/src/db/group-commit.ts).
 * These checks drive it directly on a real file: what each write may and may not see, what a failed
 * or dry-run write leaves behind, when a promise settles, and the race a CLI import ran into (a
 * write queued by the continuation of the write before it).
 */
describe.skipIf(onPostgres)('group commit on SQLite', () => {
  let dir: string;
  let db: Database;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'group-commit-'));
    // The group's time bound (10 ms) is the server's throughput setting, not part of what is checked
    // here: on a loaded machine six writes could outlast it and split into two COMMITs.
    db = await Database.open({
      target: { kind: 'sqlite', file: path.join(dir, 'g.sqlite') }, logger: pino({ level: 'silent' }), groupCommit: { maxMs: 60_000 },
    });
    await db.write((tx) => tx.query('CREATE TABLE probe (id TEXT PRIMARY KEY, grp TEXT NOT NULL)'));
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (grp: string, id: string) => (tx: Parameters<Parameters<Database['write']>[0]>[0]) =>
    tx.query('INSERT INTO probe (id, grp) VALUES (?, ?)', [id, grp]);
  const ids = async (grp: string) =>
    (await db.manager.query('SELECT id FROM probe WHERE grp = ? ORDER BY id', [grp]) as { id: string }[]).map((r) => r.id);

  it('writes queued together share one COMMIT; a failed or dry-run write leaves nothing, the others all commit', async () => {
    const before = db.groupCommitCounters!;
    const outcomes = await Promise.allSettled([
      db.write(insert('a', 'a1')),
      db.write(async (tx) => { await insert('a', 'a2-user-error')(tx); throw new UserErrorsAbort([]); }),
      db.write(async (tx) => { await insert('a', 'a3-fault')(tx); throw new InjectedFault('boom'); }),
      db.write(insert('a', 'a4-dry'), { dryRun: true }),
      // A constraint error is rolled back to the write's savepoint; the transaction goes on.
      db.write(async (tx) => { await insert('a', 'a5')(tx); await insert('a', 'a1')(tx); }),
      db.write(async (tx) => {
        // Later writes see the earlier ones of the group (one writer, arrival order), never the undone ones.
        const seen = (await tx.query(`SELECT id FROM probe WHERE grp = 'a' ORDER BY id`) as { id: string }[]).map((r) => r.id);
        await insert('a', 'a6')(tx);
        return seen;
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[5] as PromiseFulfilledResult<string[]>).value).toEqual(['a1']);
    expect((outcomes[4] as PromiseRejectedResult).reason.message).toMatch(/UNIQUE constraint failed/);
    expect(await ids('a')).toEqual(['a1', 'a6']);
    const after = db.groupCommitCounters!;
    expect(after.committedWrites - before.committedWrites).toBe(2);
    expect(after.commits - before.commits).toBe(1);
  });

  it('settles a write only once its COMMIT is done: the read connection sees the row when the promise resolves', async () => {
    const seenAtResolve = await Promise.all(['b1', 'b2', 'b3'].map(async (id) => {
      await db.write(insert('b', id));
      return ids('b');
    }));
    for (const seen of seenAtResolve) expect(seen).toEqual(['b1', 'b2', 'b3']);
  });

  it('runs a write queued by the continuation of the write before it (no write is left waiting)', async () => {
    // The next write is queued after 0, 1, 2, … further microtask turns, so one of them lands in
    // every window between the writer's last look at its queue and the end of its loop.
    const chained = (async () => {
      for (let i = 0; i < 40; i++) {
        await db.write(insert('c', `c${String(i).padStart(2, '0')}`));
        for (let turn = 0; turn < i; turn++) await null;
      }
    })();
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('a write was left waiting')), 5_000));
    await Promise.race([chained, timeout]);
    expect(await ids('c')).toHaveLength(40);
  });

  it('commits nothing for a group of only dry runs and failures', async () => {
    const before = db.groupCommitCounters!;
    const outcomes = await Promise.allSettled([
      db.write(insert('e', 'e1-dry'), { dryRun: true }),
      db.write(async (tx) => { await insert('e', 'e2')(tx); throw new InjectedFault('boom'); }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
    expect(await ids('e')).toEqual([]);
    expect(db.groupCommitCounters).toEqual(before);
  });

  it('keeps one-transaction-per-write semantics for a write alone: its own COMMIT, nothing shared', async () => {
    const before = db.groupCommitCounters!;
    await db.write(insert('d', 'd1'));
    const after = db.groupCommitCounters!;
    expect([after.commits - before.commits, after.committedWrites - before.committedWrites]).toEqual([1, 1]);
  });

  const tempStore = async (tx: Parameters<Parameters<Database['write']>[0]>[0]) =>
    Number((await tx.query('PRAGMA temp_store') as { temp_store: number }[])[0].temp_store);

  it('keeps the savepoints of a group of small writes in memory; any other write starts a group with SQLite\'s default', async () => {
    // temp_store 2 (MEMORY): savepoint journals in memory; 0 (DEFAULT): spilled to a temporary file
    // past 64 KiB, so a write that changes megabytes of pages never holds them all in memory.
    const before = db.groupCommitCounters!;
    const written = (id: string) => async (tx: Parameters<Parameters<Database['write']>[0]>[0]) => {
      await insert('g', id)(tx);
      return tempStore(tx);
    };
    const seen = await Promise.all([
      db.write(written('g1'), { small: true }),
      db.write(written('g2'), { small: true }),
      // Not small: waits for the next group, which it leads (the small write after it may join that one).
      db.write(written('g3')),
      db.write(written('g4'), { small: true }),
    ]);
    expect(seen).toEqual([2, 2, 0, 0]);
    expect(await ids('g')).toEqual(['g1', 'g2', 'g3', 'g4']);
    const after = db.groupCommitCounters!;
    expect([after.commits - before.commits, after.committedWrites - before.committedWrites]).toEqual([2, 4]);
    // A later write that is not small finds SQLite's default again, also when it is alone.
    expect(await db.write(tempStore)).toBe(0);
  });

  it('rolls back a failed, dry-run or constraint-breaking write alone in a group of small writes too', async () => {
    const small = { small: true };
    const outcomes = await Promise.allSettled([
      db.write(insert('h', 'h1'), small),
      db.write(async (tx) => { await insert('h', 'h2-user-error')(tx); throw new UserErrorsAbort([]); }, small),
      db.write(insert('h', 'h3-dry'), { ...small, dryRun: true }),
      db.write(async (tx) => { await insert('h', 'h4')(tx); await insert('h', 'h1')(tx); }, small),
      db.write(async (tx) => { await insert('h', 'h5')(tx); return tempStore(tx); }, small),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[4] as PromiseFulfilledResult<number>).value).toBe(2);
    expect(await ids('h')).toEqual(['h1', 'h5']);
  });

  it('runs the group work (search indexing) before COMMIT; when it fails it is rolled back alone and the writes still commit', async () => {
    // Take a table the indexing reads away, so it fails in every group until it is back.
    await db.write((tx) => tx.query('ALTER TABLE "customer_search_pending" RENAME TO "customer_search_pending_away"'));
    try {
      const before = db.groupCommitCounters!;
      await Promise.all([db.write(insert('f', 'f1')), db.write(insert('f', 'f2'))]);
      expect(await ids('f')).toEqual(['f1', 'f2']);
      expect(db.groupCommitCounters!.committedWrites - before.committedWrites).toBe(2);
    } finally {
      await db.write((tx) => tx.query('ALTER TABLE "customer_search_pending_away" RENAME TO "customer_search_pending"'));
    }
  });
});
