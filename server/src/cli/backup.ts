import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { AppConfig } from '../config';
import { PartnerCommandError } from '../partners/partner.service';

export interface BackupResult {
  backup: string;
  bytes: number;
  pages: number;
  /** SQLite's quick_check of the copy: "ok". */
  check: string;
}

/** Pages per backup step: all of them, so the copy is one read snapshot (see below). */
const ALL_PAGES = 0x7fffffff;

/**
 * `backup --to <file>`: a consistent copy of the SQLite database while the server keeps serving,
 * through SQLite's online backup API (better-sqlite3's `backup()`). Copying the file with `cp`
 * could catch it between a write and its checkpoint, and misses what is still in the WAL.
 *
 * The copy runs as one step: SQLite restarts a stepwise backup whenever another connection writes,
 * so a busy server could keep a small-step backup from ever finishing; one step holds a single WAL
 * read snapshot instead, which never blocks the server's writer. The database is opened without
 * migrating (a backup must not change what it copies), the copy is checked (`PRAGMA quick_check`),
 * and an existing file is never overwritten. PostgreSQL is backed up with pg_dump (README, Operating).
 */
export async function backupCommand(config: AppConfig, args: string[]): Promise<BackupResult> {
  const { values } = parseArgs({ args, options: { to: { type: 'string' } } });
  const to = values.to?.trim();
  if (!to) throw new PartnerCommandError('--to <file> is required: where to write the copy');
  const target = config.database;
  if (target.kind !== 'sqlite') {
    throw new PartnerCommandError('backup copies a SQLite database; DATABASE_URL is PostgreSQL: use pg_dump (README, Operating)');
  }
  if (target.file === ':memory:') throw new PartnerCommandError('DATABASE_URL sqlite::memory: has no file to back up');
  if (!existsSync(target.file)) throw new PartnerCommandError(`no database at ${target.file}: nothing to back up (check DATABASE_URL)`);
  const destination = path.resolve(to);
  if (destination === target.file) throw new PartnerCommandError('--to must be another file than the database itself');
  if (existsSync(destination)) throw new PartnerCommandError(`${destination} already exists: back up to a new file`);
  if (!existsSync(path.dirname(destination))) throw new PartnerCommandError(`the directory ${path.dirname(destination)} does not exist`);

  const source = new BetterSqlite3(target.file, { fileMustExist: true, timeout: config.sqliteBusyTimeoutMs });
  let pages: number;
  try {
    ({ totalPages: pages } = await source.backup(destination, { progress: () => ALL_PAGES }));
  } catch (error) {
    rmSync(destination, { force: true });
    throw error;
  } finally {
    source.close();
  }
  const copy = new BetterSqlite3(destination, { readonly: true, fileMustExist: true });
  let check: string;
  try {
    check = String(copy.pragma('quick_check', { simple: true }));
  } finally {
    copy.close();
  }
  if (check !== 'ok') throw new Error(`the copy at ${destination} failed SQLite's quick_check: ${check}`);
  return { backup: destination, bytes: statSync(destination).size, pages, check };
}
