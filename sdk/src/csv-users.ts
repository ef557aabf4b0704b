/**
 * CSV → setupCustomer users: header mapping, a streaming CSV parser, batching and error mapping.
 * Pure TypeScript without imports or Node-only APIs, so it runs in browsers; the server's CLI
 * reuses it with its own (Node stream) parser.
 */

/** A parsed CSV record and the line of the file it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** One row for setupCustomer (the shape of `CustomerUserInput`). */
export interface CsvUserInput {
  firstName: string;
  lastName: string;
  email: string;
  package: string;
  locationName?: string;
  phoneNumber?: string;
  extension?: string;
}

/** A problem of the file, placed on its line and column (the header as written in the file). */
export interface CsvImportError {
  /** 1-based line of the file; null for problems of the whole import (e.g. an unknown customer). */
  line: number | null;
  /** The column's header in the file, or null. */
  column: string | null;
  code: string;
  message: string;
}

export interface CsvImportOptions {
  /** Rows per setupCustomer call: 1–10,000, default 1,000. */
  batchSize?: number;
  /** Validate every row (dry runs) and write nothing. */
  dryRun?: boolean;
  /** Called after each batch of each phase (validate, then write). */
  onProgress?: (progress: CsvImportProgress) => void;
}

export interface CsvImportProgress {
  phase: 'validate' | 'write';
  batch: number;
  batches: number;
  rows: number;
}

export interface CsvImportResult {
  /** Users written (0 for a dry run or when any row has an error). */
  imported: number;
  /** Data rows read. */
  rows: number;
  batches: number;
  dryRun: boolean;
  errors: CsvImportError[];
}

/** What setupCustomer answers for one batch (only the user errors matter here). */
export type SetupBatch = (users: CsvUserInput[], dryRun: boolean) => Promise<{ userErrors: Array<{ code: string; field: string[]; message: string }> }>;

export const DEFAULT_BATCH_SIZE = 1000;
export const MAX_BATCH_SIZE = 10_000;

const PACKAGES = ['WEBEX_SUITE', 'WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE', 'WEBEX_MEETINGS', 'CX_ESSENTIALS', 'COMMON_AREA_CALLING'];

type UserField = keyof CsvUserInput;

/** Accepted headers per field, compared case-insensitively, ignoring spaces, dashes and underscores. */
export const CSV_HEADERS: Record<UserField, string[]> = {
  firstName: ['firstName', 'first_name', 'First Name', 'given name'],
  lastName: ['lastName', 'last_name', 'Last Name', 'surname', 'family name'],
  email: ['email', 'e-mail', 'email address'],
  package: ['package', 'license', 'licence'],
  locationName: ['location', 'locationName', 'location_name'],
  phoneNumber: ['phoneNumber', 'phone', 'phone_number', 'phone number'],
  extension: ['extension', 'ext'],
};

const REQUIRED_COLUMNS: UserField[] = ['firstName', 'lastName', 'email', 'package'];

function headerKey(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_-]+/g, '');
}

const FIELD_BY_HEADER = new Map<string, UserField>(
  (Object.entries(CSV_HEADERS) as Array<[UserField, string[]]>).flatMap(([field, names]) => names.map((n) => [headerKey(n), field] as const)),
);

/**
 * Parses CSV text arriving in chunks (RFC 4180: quoted fields, "" inside quotes, CRLF or LF),
 * yielding each record with the line it starts on. A BOM is skipped; blank lines are skipped.
 */
export async function* parseCsvChunks(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord> {
  const UNQUOTED = 0;
  const QUOTED = 1;
  const QUOTE_SEEN = 2; // a quote inside a quoted field: an escaped "" or the field's end
  let state = UNQUOTED;
  let field = '';
  let fields: string[] = [];
  let touched = false; // the record has a comma or a quote, so it is not a blank line
  let line = 1;
  let start = 1;
  let pendingCr = false;
  let first = true;
  const finish = (): CsvRecord | null => {
    fields.push(field);
    const record = fields.length === 1 && field === '' && !touched ? null : { line: start, fields };
    field = '';
    fields = [];
    touched = false;
    return record;
  };
  for await (const chunk of chunks) {
    let i = 0;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue;
      }
      if (state === QUOTED) {
        if (c === '"') state = QUOTE_SEEN;
        else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (state === QUOTE_SEEN) {
        state = UNQUOTED;
        if (c === '"') {
          field += '"';
          state = QUOTED;
          continue;
        }
      }
      if (c === '"' && field === '') {
        state = QUOTED;
        touched = true;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        touched = true;
      } else if (c === '\r' || c === '\n') {
        const record = finish();
        if (record) yield record;
        line++;
        start = line;
        pendingCr = c === '\r';
      } else {
        field += c;
      }
    }
  }
  const record = finish();
  if (record) yield record;
}

interface Row {
  line: number;
  user: CsvUserInput;
}

const optional = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * Reads every record, validates the whole file with dry runs (batch by batch), and only when no
 * row has an error writes the batches for real. A bad row anywhere therefore writes nothing.
 * Rows repeated across batches (email, phone number, extension) are caught here, since each
 * batch's dry run cannot see the others. If a write batch still fails (someone else took a value
 * meanwhile), the import stops there: earlier batches stay written and `imported` says how many.
 */
export async function runCsvImport(records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>, setup: SetupBatch, options: CsvImportOptions = {}): Promise<CsvImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const dryRun = options.dryRun ?? false;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new RangeError(`batchSize must be an integer between 1 and ${MAX_BATCH_SIZE}, got ${batchSize}`);
  }
  const errors: CsvImportError[] = [];
  const result = (imported: number, rows: number, batches: number): CsvImportResult => ({ imported, rows, batches, dryRun, errors });

  let headers: string[] | null = null;
  const columns = new Map<UserField, number>();
  const rows: Row[] = [];
  for await (const record of records) {
    if (!headers) {
      headers = record.fields.map((h) => h.trim());
      headers.forEach((h, i) => {
        const field = FIELD_BY_HEADER.get(headerKey(h));
        if (field && !columns.has(field)) columns.set(field, i);
      });
      for (const field of REQUIRED_COLUMNS) {
        if (!columns.has(field)) {
          errors.push({ line: record.line, column: CSV_HEADERS[field][0], code: 'REQUIRED',
            message: `The header has no ${field} column (accepted: ${CSV_HEADERS[field].join(', ')}).` });
        }
      }
      if (errors.length) return result(0, 0, 0);
      continue;
    }
    const value = (field: UserField) => { const i = columns.get(field); return i === undefined ? undefined : record.fields[i]; };
    const rawPackage = (value('package') ?? '').trim();
    const pkg = rawPackage.toUpperCase().replace(/[\s-]+/g, '_');
    if (!rawPackage) {
      errors.push({ line: record.line, column: headers[columns.get('package')!], code: 'REQUIRED', message: 'A package is required.' });
    } else if (!PACKAGES.includes(pkg)) {
      errors.push({ line: record.line, column: headers[columns.get('package')!], code: 'INVALID',
        message: `"${rawPackage}" is not a package (one of ${PACKAGES.join(', ')}).` });
    }
    rows.push({ line: record.line, user: {
      firstName: value('firstName') ?? '', lastName: value('lastName') ?? '', email: value('email') ?? '', package: pkg,
      locationName: optional(value('locationName')), phoneNumber: optional(value('phoneNumber')), extension: optional(value('extension')),
    } });
  }
  if (!headers) {
    errors.push({ line: null, column: null, code: 'REQUIRED', message: 'The file is empty: it needs a header line and rows.' });
    return result(0, 0, 0);
  }
  const batches: Row[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(rows.slice(i, i + batchSize));
  const columnOf = (field: string): string | null => {
    const index = columns.get(field as UserField);
    return index === undefined ? field : headers![index];
  };

  // Values repeated in different batches: each batch alone cannot see the repetition.
  const firstSeen = new Map<string, { batch: number; line: number }>();
  batches.forEach((batch, b) => batch.forEach((row) => {
    const keys: Array<[UserField, string | undefined]> = [
      ['email', row.user.email.trim().toLowerCase() || undefined],
      ['phoneNumber', row.user.phoneNumber?.replace(/[\s\-.()]/g, '')],
      ['extension', row.user.extension],
    ];
    for (const [field, key] of keys) {
      if (!key) continue;
      const seen = firstSeen.get(`${field}:${key}`);
      if (!seen) firstSeen.set(`${field}:${key}`, { batch: b, line: row.line });
      else if (seen.batch !== b) {
        errors.push({ line: row.line, column: columnOf(field), code: 'TAKEN', message: `Repeats the ${field} of line ${seen.line}.` });
      }
    }
  }));

  const mapErrors = (batch: Row[], userErrors: Array<{ code: string; field: string[]; message: string }>) => {
    for (const e of userErrors) {
      const [, list, index, field] = e.field;
      const row = list === 'users' && index !== undefined ? batch[Number(index)] : undefined;
      errors.push(row
        ? { line: row.line, column: field === undefined ? null : columnOf(field), code: e.code, message: e.message }
        : { line: null, column: null, code: e.code, message: e.message });
    }
  };

  // Rows whose package is not even a package would fail the whole request: they are reported
  // above, and their batches are validated without them so every other row is still checked.
  const invalidLines = new Set(errors.filter((e) => e.column === columnOf('package')).map((e) => e.line));
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b].filter((row) => !invalidLines.has(row.line));
    if (batch.length === 0) continue;
    const answer = await setup(batch.map((r) => r.user), true);
    mapErrors(batch, answer.userErrors);
    options.onProgress?.({ phase: 'validate', batch: b + 1, batches: batches.length, rows: batch.length });
    // Problems of the whole call (e.g. an unknown customer) repeat for every batch: stop at once.
    if (answer.userErrors.some((e) => e.field[1] !== 'users' || e.field.length < 3)) break;
  }
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (errors.length || dryRun) return result(0, rows.length, batches.length);

  let imported = 0;
  for (let b = 0; b < batches.length; b++) {
    const answer = await setup(batches[b].map((r) => r.user), false);
    if (answer.userErrors.length) {
      mapErrors(batches[b], answer.userErrors);
      break;
    }
    imported += batches[b].length;
    options.onProgress?.({ phase: 'write', batch: b + 1, batches: batches.length, rows: batches[b].length });
  }
  return result(imported, rows.length, batches.length);
}
