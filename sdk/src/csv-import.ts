import type { ProvisioningClient } from './client.js';
import type { CustomerUserInput, Package } from './generated/graphql.js';
import { parseCsvChunks, runCsvImport, type CsvImportOptions, type CsvImportResult } from './csv-users.js';

export { CSV_HEADERS, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, parseCsvChunks, runCsvImport } from './csv-users.js';
export type { CsvImportError, CsvImportOptions, CsvImportProgress, CsvImportResult, CsvRecord, CsvUserInput } from './csv-users.js';

/** CSV text: a whole string, or chunks of text or bytes (UTF-8), e.g. a fetch body or a file stream. */
export type CsvSource = string | Iterable<string> | AsyncIterable<string | Uint8Array>;

async function* textChunks(source: CsvSource): AsyncGenerator<string> {
  if (typeof source === 'string') {
    yield source;
    return;
  }
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Imports users from CSV into a customer through `setupCustomer`, in batches (default 1,000 rows).
 * Headers (case-insensitive): firstName / first_name / "First Name", lastName, email, package,
 * location / locationName, phoneNumber / phone, extension. The whole file is validated first
 * (dry runs); only when no row has an error are the batches written, so a bad row anywhere writes
 * nothing. Errors carry the CSV line and the column's header. Works in browsers and Node.
 *
 * @example
 * ```ts
 * import { createClient, importUsersFromCsv } from '@wholesale-provisioning/sdk';
 * const hub = createClient({ url, token });
 * const csv = 'First Name,Last Name,Email,Package,Phone\nEva,de Vries,eva@devries.example,WEBEX_CALLING,+31 20 794 8000\n';
 * const result = await importUsersFromCsv(hub, customerId, csv, { onProgress: (p) => console.log(p) });
 * for (const e of result.errors) console.log(`line ${e.line}, ${e.column}: ${e.code} ${e.message}`);
 * console.log(result.imported);
 * ```
 */
export async function importUsersFromCsv(
  client: ProvisioningClient, customerId: string, source: CsvSource, options: CsvImportOptions = {},
): Promise<CsvImportResult> {
  return runCsvImport(parseCsvChunks(textChunks(source)), async (users, dryRun) =>
    client.payloads.setupCustomer({
      customerId, dryRun, users: users.map((u) => ({ ...u, package: u.package as Package }) satisfies CustomerUserInput),
    }), options);
}
