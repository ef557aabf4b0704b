import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { Parser } from 'csv-parse';
import { CSV_HEADERS, CsvSyntaxError, readCsvRecords, type CsvImportError, type CsvParserFactory, type CsvRecord } from '@wholesale-provisioning/csv-users';
import type { Caller } from '../auth/caller';
import { Package } from '../catalog/packages';
import { Customer } from '../customers/customer.entity';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import type { Services } from '../graphql/services';
import { PartnerCommandError } from '../partners/partner.service';
import type { CustomerUserUpdateInput } from '../users/user-lifecycle.inputs';
import { MAX_USERS_PER_UPDATE } from '../users/user-update.plan';
import { assertReadableFile, cliValidationCaller, cliWriteCaller, namedAdminCaller } from './import-users';

const createParser: CsvParserFactory = (options) => new Parser(options);

/** A cell that clears the phone number or the extension (an empty cell keeps the value). */
export const CLEAR_CELL = '-';

type ChangeField = 'id' | 'firstName' | 'lastName' | 'email' | 'package' | 'locationName' | 'phoneNumber' | 'extension';

/** Accepted headers (compared case-insensitively, ignoring spaces, dashes and underscores): import-users' names plus the user's id. */
export const CHANGE_CSV_HEADERS: Record<ChangeField, string[]> = {
  id: ['id', 'userId', 'user id'],
  ...CSV_HEADERS,
};

const headerKey = (header: string) => header.trim().toLowerCase().replace(/[\s_-]+/g, '');
const FIELD_BY_HEADER = new Map<string, ChangeField>(
  (Object.entries(CHANGE_CSV_HEADERS) as Array<[ChangeField, string[]]>).flatMap(([field, names]) => names.map((n) => [headerKey(n), field] as const)),
);

/** What update-users and remove-users print: rows read, users changed, and every problem on its line and column. */
export interface ChangeUsersResult {
  rows: number;
  /** Users updated or removed (0 for a dry run or when any row has an error). */
  updated?: number;
  removed?: number;
  dryRun: boolean;
  errors: CsvImportError[];
}

interface Sheet {
  headers: string[];
  columns: Map<ChangeField, number>;
  rows: CsvRecord[];
  errors: CsvImportError[];
}

/** Reads the file: header mapping (an `id` column is required), records with their lines, malformed CSV as an error on its line. */
async function readSheet(file: string): Promise<Sheet> {
  const sheet: Sheet = { headers: [], columns: new Map(), rows: [], errors: [] };
  let headerRead = false;
  try {
    for await (const record of readCsvRecords(createReadStream(file), createParser)) {
      if (headerRead) {
        sheet.rows.push(record);
        continue;
      }
      headerRead = true;
      sheet.headers = record.fields.map((h) => h.trim());
      sheet.headers.forEach((h, i) => {
        const field = FIELD_BY_HEADER.get(headerKey(h));
        if (field && !sheet.columns.has(field)) sheet.columns.set(field, i);
      });
      if (!sheet.columns.has('id')) {
        sheet.errors.push({ line: record.line, column: 'id', code: 'REQUIRED', message: `The header has no id column (accepted: ${CHANGE_CSV_HEADERS.id.join(', ')}).` });
        return sheet;
      }
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    sheet.errors.push({ line: error.line, column: error.field === null ? null : sheet.headers[error.field] ?? null, code: 'INVALID', message: error.message });
    return sheet;
  }
  if (!headerRead) sheet.errors.push({ line: null, column: null, code: 'REQUIRED', message: 'The file is empty: it needs a header line and rows.' });
  else if (sheet.rows.length > MAX_USERS_PER_UPDATE) {
    sheet.errors.push({ line: null, column: null, code: 'LIMIT_EXCEEDED',
      message: `At most ${MAX_USERS_PER_UPDATE} rows per file (got ${sheet.rows.length}): one file is one all-or-nothing call; split it.` });
  }
  return sheet;
}

const cell = (sheet: Sheet, record: CsvRecord, field: ChangeField): string | undefined => {
  const i = sheet.columns.get(field);
  return i === undefined ? undefined : record.fields[i];
};

const columnOf = (sheet: Sheet, field: string): string => {
  const i = sheet.columns.get(field as ChangeField);
  return i === undefined ? field : sheet.headers[i];
};

/** The server's user errors on `["input", list, "<i>", field?]` placed on the line of `rows[i]`. */
function placeErrors(sheet: Sheet, rows: CsvRecord[], list: string, userErrors: Array<{ code: string; field: string[]; message: string }>, idField: boolean): CsvImportError[] {
  return userErrors.map((e) => {
    const [, at, index, field] = e.field;
    const row = at === list && index !== undefined ? rows[Number(index)] : undefined;
    if (!row) return { line: null, column: null, code: e.code, message: e.message };
    return { line: row.line, column: columnOf(sheet, field ?? (idField ? 'id' : '')), code: e.code, message: e.message };
  });
}

async function customerOf(db: Database, customerId: string): Promise<Customer> {
  const customer = isId(customerId) ? await db.manager.findOneBy(Customer, { id: customerId }) : null;
  if (!customer) throw new PartnerCommandError(`no customer with id ${customerId}`);
  return customer;
}

function options(args: string[]) {
  const { values } = parseArgs({ args, options: {
    'customer-id': { type: 'string' }, file: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'admin-id': { type: 'string' },
  } });
  const customerId = values['customer-id'];
  const file = values.file;
  if (!customerId) throw new PartnerCommandError('--customer-id is required');
  if (!file) throw new PartnerCommandError('--file is required');
  assertReadableFile(file);
  return { customerId, file, dryRun: values['dry-run'] ?? false, adminId: values['admin-id'] };
}

/**
 * Validates the whole file with a dry run, then (unless --dry-run) makes the same call for real:
 * nothing is written, the CLI's audit admin included, while any row has an error. With
 * `--admin-id` both calls act, and the write is audited, as that admin (domain.md §14).
 */
async function validateThenWrite<P extends { userErrors: Array<{ code: string; field: string[]; message: string }> }>(
  db: Database, customer: Customer, named: Caller | null, dryRun: boolean, call: (caller: Caller, dryRun: boolean) => Promise<P>,
): Promise<{ validated: P; written: P | null }> {
  const validated = await call(named ?? await cliValidationCaller(db, customer), true);
  if (validated.userErrors.length > 0 || dryRun) return { validated, written: null };
  return { validated, written: await call(named ?? await cliWriteCaller(db, customer), false) };
}

const byLine = (errors: CsvImportError[]) => errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

/**
 * `update-users --customer-id <id> --file <csv> [--admin-id <id>] [--dry-run]`: one updateUsers call for the file.
 * Columns: id (required) and any of import-users' columns; an empty cell or a missing column keeps
 * the value, `-` clears a phone number or an extension.
 */
export async function updateUsersCommand(services: Services, db: Database, args: string[]): Promise<ChangeUsersResult> {
  const { customerId, file, dryRun, adminId } = options(args);
  const customer = await customerOf(db, customerId);
  const named = adminId === undefined ? null : await namedAdminCaller(db, customer, adminId, 'updating users');
  const sheet = await readSheet(file);
  const result = (updated: number): ChangeUsersResult => ({ rows: sheet.rows.length, updated, dryRun, errors: byLine(sheet.errors) });
  if (sheet.errors.length > 0) return result(0);

  const rows: CsvRecord[] = [];
  const users: CustomerUserUpdateInput[] = [];
  for (const record of sheet.rows) {
    const given = (field: ChangeField) => {
      const value = cell(sheet, record, field)?.trim();
      return value === undefined || value === '' ? undefined : value;
    };
    const clearable = (field: 'phoneNumber' | 'extension') => (given(field) === CLEAR_CELL ? null : given(field));
    const rawPackage = given('package');
    const pkg = rawPackage?.toUpperCase().replace(/[\s-]+/g, '_');
    if (pkg !== undefined && !(Object.values(Package) as string[]).includes(pkg)) {
      // Not even a package: the GraphQL call would refuse the whole request, so the row is reported here.
      sheet.errors.push({ line: record.line, column: columnOf(sheet, 'package'), code: 'INVALID',
        message: `"${rawPackage}" is not a package (one of ${Object.values(Package).join(', ')}).` });
      continue;
    }
    const user: CustomerUserUpdateInput = { id: given('id') ?? '' };
    for (const field of ['firstName', 'lastName', 'email', 'locationName'] as const) {
      const value = given(field);
      if (value !== undefined) user[field] = value;
    }
    if (pkg !== undefined) user.package = pkg as Package;
    for (const field of ['phoneNumber', 'extension'] as const) {
      const value = clearable(field);
      if (value !== undefined) user[field] = value;
    }
    rows.push(record);
    users.push(user);
  }
  // Rows refused here are left out of the call; the others are still validated, and nothing is written.
  const { validated, written } = await validateThenWrite(db, customer, named, dryRun || sheet.errors.length > 0,
    (caller, dry) => services.userLifecycle.updateUsers(caller, { customerId, users, dryRun: dry }));
  sheet.errors.push(...placeErrors(sheet, rows, 'users', (written ?? validated).userErrors, true));
  return result(sheet.errors.length === 0 && written ? written.users.length : 0);
}

/** `remove-users --customer-id <id> --file <csv> [--admin-id <id>] [--dry-run]`: one removeUsers call for the ids of the file's id column. */
export async function removeUsersCommand(services: Services, db: Database, args: string[]): Promise<ChangeUsersResult> {
  const { customerId, file, dryRun, adminId } = options(args);
  const customer = await customerOf(db, customerId);
  const named = adminId === undefined ? null : await namedAdminCaller(db, customer, adminId, 'removing users');
  const sheet = await readSheet(file);
  const result = (removed: number): ChangeUsersResult => ({ rows: sheet.rows.length, removed, dryRun, errors: byLine(sheet.errors) });
  if (sheet.errors.length > 0) return result(0);
  const userIds = sheet.rows.map((record) => cell(sheet, record, 'id')?.trim() ?? '');
  const { validated, written } = await validateThenWrite(db, customer, named, dryRun,
    (caller, dry) => services.userLifecycle.removeUsers(caller, { customerId, userIds, dryRun: dry }));
  sheet.errors.push(...placeErrors(sheet, sheet.rows, 'userIds', (written ?? validated).userErrors, true));
  return result(sheet.errors.length === 0 && written ? written.removedUserIds.length : 0);
}
