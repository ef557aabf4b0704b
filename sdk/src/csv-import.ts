import { Parser } from 'csv-parse/browser/esm';
import {
  readCsvRecords, runCsvImport as runCsvUsers, type CsvImportOptions, type CsvImportResult, type CsvParserFactory, type CsvRecord, type CsvSource,
  type SetupBatch,
} from '@wholesale-provisioning/csv-users';
import type { ProvisioningClient } from './client.js';
import { PackageValues } from './generated/enum-values.js';
import type { CustomerUserInput, Package } from './generated/graphql.js';

export { CSV_HEADERS, CsvSyntaxError, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from '@wholesale-provisioning/csv-users';
export type {
  CsvImportError, CsvImportOptions, CsvImportProgress, CsvImportResult, CsvRecord, CsvSource, CsvUserInput,
} from '@wholesale-provisioning/csv-users';

/**
 * The CSV import's engine over records from any source (see {@link importUsersFromCsv}): the
 * packages it accepts are the schema's, generated into the SDK (generated/enum-values.ts).
 */
export function runCsvImport(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>, setup: SetupBatch, options: CsvImportOptions = {},
): Promise<CsvImportResult> {
  return runCsvUsers(records, setup, PackageValues, options);
}

/** csv-parse's browser build: no Node built-ins, so the SDK parses CSV alike in browsers and in Node. */
const createParser: CsvParserFactory = (options) => new Parser(options);

/**
 * Parses CSV with csv-parse, streamed, yielding each record with the line of the file it starts on
 * (a BOM and blank lines skipped). Malformed CSV (an unclosed or stray quote) throws a
 * {@link CsvSyntaxError} with the line its record starts on, after the records before it.
 */
export function parseCsvChunks(source: CsvSource): AsyncGenerator<CsvRecord> {
  return readCsvRecords(source, createParser);
}

/**
 * Imports users from CSV into a customer through `setupCustomer`, in batches (default 1,000 rows).
 * Headers (case-insensitive): firstName / first_name / "First Name", lastName, email, package,
 * location / locationName, phoneNumber / phone, extension; cells separated by commas, or by semicolons
 * or tabs (detected from the header line, as European Excel writes them). The whole file is validated first
 * (dry runs); only when no row has an error are the batches written, so a bad row anywhere writes
 * nothing. Errors carry the CSV line and the column's header; malformed CSV is an INVALID error on
 * its line, not an exception. Works in browsers and Node.
 *
 * @example
 * ```ts
 * import { createClient, importUsersFromCsv } from '@wholesale-provisioning/sdk';
 * const hub = createClient({ url: 'http://localhost:4000/', token: process.env.HUB_TOKEN ?? '' });
 * const csv = 'First Name,Last Name,Email,Package,Phone\nEva,de Vries,eva@devries.example,WEBEX_CALLING,+31 20 794 8000\n';
 * const result = await importUsersFromCsv(hub, customerId, csv, { onProgress: (p) => console.log(p) });
 * for (const e of result.errors) console.log(`line ${e.line}, ${e.column}: ${e.code} ${e.message}`);
 * console.log(result.imported);
 * ```
 */
export async function importUsersFromCsv(
  client: ProvisioningClient, customerId: string, source: CsvSource, options: CsvImportOptions = {},
): Promise<CsvImportResult> {
  return runCsvImport(parseCsvChunks(source), async (users, dryRun) =>
    client.payloads.setupCustomer({
      customerId, dryRun, users: users.map((u) => ({ ...u, package: u.package as Package }) satisfies CustomerUserInput),
    }), options);
}
