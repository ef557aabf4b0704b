/**
 * CSV → setupCustomer users: reading records with csv-parse (streamed, exact line numbers), header
 * mapping, batching and error mapping. Shared by the SDK and the server's CLI, so both report the
 * same lines and columns. It imports nothing and uses no Node-only API: the caller hands it
 * csv-parse's `Parser` (the Node build in the CLI, the browser build in the SDK) and the schema's
 * packages (the SDK's generated list, the server's catalog), so it holds no copy of either.
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

/** CSV text: a whole string, or chunks of text or bytes (UTF-8), e.g. a fetch body or a file stream. */
export type CsvSource = string | Iterable<string> | AsyncIterable<string | Uint8Array>;

/**
 * The CSV is malformed where csv-parse stopped (an unclosed quote, a stray quote): no record after
 * `line` can be trusted. `field` is the 0-based index of the cell in its record, when known.
 */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(readonly line: number, readonly field: number | null, readonly reason: string, message: string) {
    super(message);
  }
}

/** The options this module gives csv-parse (a subset of its `Options`). */
export interface CsvParserOptions {
  bom: boolean;
  /** The cell separator, detected from the header line (see detectDelimiter). */
  delimiter: string;
  relax_column_count: boolean;
  skip_empty_lines: boolean;
  record_delimiter: string[];
  skip_records_with_error: boolean;
  on_record: (record: string[], context: { empty_lines: number }) => null;
  on_skip: (error: { code?: string; column?: unknown; empty_lines?: unknown } | undefined, raw: string | undefined) => undefined;
}

/** What this module uses of csv-parse's `Parser` (a Node stream, or the browser build's stream). */
export interface CsvParserStream {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
  end(): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'finish', listener: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Makes a csv-parse `Parser`: `(options) => new Parser(options)` with `Parser` from `csv-parse` in
 * Node or from `csv-parse/browser/esm` in browsers. The same csv-parse release behind either, so
 * both read a file alike; this module itself imports nothing and runs anywhere.
 */
export type CsvParserFactory = (options: CsvParserOptions) => CsvParserStream;

/** Text of the source, decoded as UTF-8 across chunk boundaries, never splitting a surrogate pair. */
async function* textChunks(source: CsvSource): AsyncGenerator<string> {
  if (typeof source === 'string') {
    if (source) yield source;
    return;
  }
  const decoder = new TextDecoder('utf-8');
  let held = '';
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    let text = held + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    held = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      held = text.slice(-1); // a high surrogate whose pair is in the next chunk
      text = text.slice(0, -1);
    }
    if (text) yield text;
  }
  const rest = held + decoder.decode();
  if (rest) yield rest;
}

const LINE_BREAK = /\r\n|\r|\n/g;

/** Cell separators we recognise: commas, semicolons (Excel in most of Europe), tabs. */
const DELIMITERS = [',', ';', '\t'] as const;

/**
 * The separator of a CSV file, read from its header line (outside quotes): the one that occurs most,
 * commas on a tie or when there is none. Excel writes `;` wherever the decimal separator is a comma
 * (Germany, France, the Netherlands…), and such a file read with `,` has one column.
 */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

function lineBreaks(fields: string[]): number {
  let n = 0;
  for (const field of fields) n += field.match(LINE_BREAK)?.length ?? 0;
  return n;
}

function syntaxMessage(reason: string | undefined): string {
  switch (reason) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'A quoted cell is never closed: the file ends inside it. A closing quote (") is missing in this record.';
    case 'INVALID_OPENING_QUOTE':
      return 'A quote (") inside a cell that does not start with one: quote the whole cell and double each quote inside it ("").';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'A quoted cell goes on after its closing quote ("): double each quote inside a cell ("") and end the cell with a comma or a line break.';
    default:
      return `The CSV is malformed here (${reason ?? 'unknown error'}).`;
  }
}

/**
 * Reads CSV records with csv-parse, streamed chunk by chunk, each with the line of the file it
 * starts on (1-based; a BOM and blank lines are skipped). Lines are counted here rather than taken
 * from csv-parse, whose count takes a CRLF inside a quoted cell for two lines: a record starts on
 * the line after the previous record ends plus the blank lines skipped since (csv-parse counts
 * those), and ends its own line breaks later. CRLF, LF and CR all end a line. Malformed CSV (an
 * unclosed or stray quote) throws a {@link CsvSyntaxError} naming the line its record starts on,
 * after every record before it.
 */
export async function* readCsvRecords(source: CsvSource, createParser: CsvParserFactory): AsyncGenerator<CsvRecord> {
  const ready: CsvRecord[] = [];
  let failure: CsvSyntaxError | null = null;
  let nextLine = 1; // the line after the last record's end
  let skippedBefore = 0; // blank lines csv-parse had skipped by the last record
  // The separator comes from the header line, so the parser starts once that line is in hand.
  const source$ = textChunks(source)[Symbol.asyncIterator]();
  let head = '';
  let sourceDone = false;
  while (!/[^\s][^\r\n]*[\r\n]/.test(head)) { // a non-blank line, ended
    const next = await source$.next();
    if (next.done) {
      sourceDone = true;
      break;
    }
    head += next.value;
  }
  const parser = createParser({
    bom: true,
    delimiter: detectDelimiter(head.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).find((l) => l.trim() !== '') ?? ''),
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    // Errors reach on_skip synchronously, in order with the records: the first one ends the read.
    skip_records_with_error: true,
    on_record: (fields, context) => {
      if (failure) return null;
      const line = nextLine + context.empty_lines - skippedBefore;
      skippedBefore = context.empty_lines;
      nextLine = line + lineBreaks(fields) + 1;
      ready.push({ line, fields });
      return null; // nothing is pushed to the stream: records are taken here
    },
    on_skip: (error) => {
      if (failure) return undefined;
      const skipped = typeof error?.empty_lines === 'number' ? error.empty_lines : skippedBefore;
      failure = new CsvSyntaxError(nextLine + skipped - skippedBefore, typeof error?.column === 'number' ? error.column : null,
        error?.code ?? 'CSV_ERROR', syntaxMessage(error?.code));
      return undefined;
    },
  });
  let streamError: Error | null = null;
  parser.on('error', (error) => { streamError ??= error; });
  const drain = function* () {
    yield* ready.splice(0);
    if (failure) throw failure;
    if (streamError) throw streamError;
  };
  const write = (text: string) => new Promise<void>((resolve, reject) => parser.write(text, (error) => (error ? reject(error) : resolve())));
  if (head) {
    await write(head);
    yield* drain();
  }
  while (!sourceDone) {
    const next = await source$.next();
    if (next.done) break;
    await write(next.value);
    yield* drain();
  }
  if (!streamError) {
    await new Promise<void>((resolve, reject) => {
      parser.once('finish', resolve);
      parser.once('error', reject);
      parser.end();
    });
  }
  yield* drain();
}

interface Row {
  line: number;
  user: CsvUserInput;
  /** The row's package is unreadable (reported already): it is validated with a stand-in, never written. */
  packageStandIn: boolean;
}

// Stand-ins for a row whose package is unreadable (see runCsvImport); never written.
const STAND_IN_CALLING = 'WEBEX_CALLING';
const STAND_IN_NO_CALLING = 'WEBEX_MEETINGS';

const optional = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * Reads every record, validates the whole file with dry runs (batch by batch), and only when no
 * row has an error writes the batches for real. A bad row anywhere therefore writes nothing, and
 * neither does malformed CSV (a {@link CsvSyntaxError} from the records becomes an INVALID error
 * on its line; any other error of the source is thrown).
 * Rows repeated across batches (email, phone number, extension) are caught here, since each
 * batch's dry run cannot see the others. If a write batch still fails (someone else took a value
 * meanwhile), the import stops there: earlier batches stay written and `imported` says how many.
 * `packages` are the schema's `Package` values: a cell that is none of them is an INVALID error of
 * its line (setupCustomer would refuse the whole request for an unknown enum value).
 */
export async function runCsvImport(
  records: AsyncIterable<CsvRecord> | Iterable<CsvRecord>, setup: SetupBatch, packages: readonly string[], options: CsvImportOptions = {},
): Promise<CsvImportResult> {
  if (packages.length === 0) throw new RangeError('packages must list the schema’s Package values, got none');
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
  try {
    for await (const record of records) {
      if (!headers) {
        headers = record.fields.map((h) => h.trim());
        headers.forEach((h, i) => {
          const field = FIELD_BY_HEADER.get(headerKey(h));
          if (field && !columns.has(field)) columns.set(field, i);
        });
        // A header read as one column: the file is separated by something we do not split on.
        const oneColumn = headers.length === 1 && /[^\w\s]/.test(headers[0])
          ? ` The header was read as one column ("${headers[0].slice(0, 60)}"): separate the cells with commas, semicolons or tabs.` : '';
        for (const field of REQUIRED_COLUMNS) {
          if (!columns.has(field)) {
            errors.push({ line: record.line, column: CSV_HEADERS[field][0], code: 'REQUIRED',
              message: `The header has no ${field} column (accepted: ${CSV_HEADERS[field].join(', ')}).${oneColumn}` });
          }
        }
        if (errors.length) return result(0, 0, 0);
        continue;
      }
      const value = (field: UserField) => { const i = columns.get(field); return i === undefined ? undefined : record.fields[i]; };
      const beyond = record.fields.slice(headers.length).filter((f) => f.trim() !== '');
      if (beyond.length) {
        errors.push({ line: record.line, column: null, code: 'INVALID',
          message: `This line has ${record.fields.length} cells but the header has ${headers.length}: ${beyond.length === 1 ? 'a cell' : `${beyond.length} cells`} beyond the header `
            + `("${beyond[0].slice(0, 40)}"${beyond.length > 1 ? ', …' : ''}) would be lost. Quote a cell that contains the separator, or add a column to the header.` });
      }
      const rawPackage = (value('package') ?? '').trim();
      const pkg = rawPackage.toUpperCase().replace(/[\s-]+/g, '_');
      if (!rawPackage) {
        errors.push({ line: record.line, column: headers[columns.get('package')!], code: 'REQUIRED', message: 'A package is required.' });
      } else if (!packages.includes(pkg)) {
        errors.push({ line: record.line, column: headers[columns.get('package')!], code: 'INVALID',
          message: `"${rawPackage}" is not a package (one of ${packages.join(', ')}).` });
      }
      const user: CsvUserInput = {
        firstName: value('firstName') ?? '', lastName: value('lastName') ?? '', email: value('email') ?? '', package: pkg,
        locationName: optional(value('locationName')), phoneNumber: optional(value('phoneNumber')), extension: optional(value('extension')),
      };
      // A package that is no package would fail the whole request (an enum): the row is validated
      // with a stand-in so its other errors still show, and the stand-in's own package errors are
      // dropped. Calling when the row has numbers, none when it has not: no number rule trips on it.
      const standIn = !rawPackage || !packages.includes(pkg)
        ? (user.phoneNumber || user.extension ? STAND_IN_CALLING : STAND_IN_NO_CALLING) : null;
      rows.push({ line: record.line, user: standIn ? { ...user, package: standIn } : user, packageStandIn: standIn !== null });
    }
  } catch (error) {
    // Malformed CSV: nothing after it can be trusted, so nothing is validated or written.
    if (!(error instanceof CsvSyntaxError)) throw error;
    errors.push({ line: error.line, column: error.field === null ? null : headers?.[error.field] ?? null, code: 'INVALID', message: error.message });
    errors.sort((x, y) => (x.line ?? 0) - (y.line ?? 0));
    return result(0, rows.length, 0);
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

  // Values repeated in the file: across batches reported here (each batch alone cannot see the
  // repetition); within a batch the server's TAKEN gets the earlier line from `earlierLine`.
  const firstSeen = new Map<string, { batch: number; line: number }>();
  const earlierLine = new Map<string, number>(); // `${line}:${field}` → the line it repeats
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
      else earlierLine.set(`${row.line}:${field}`, seen.line);
      if (seen && seen.batch !== b) {
        errors.push({ line: row.line, column: columnOf(field), code: 'TAKEN', message: `Repeats the ${field} of line ${seen.line}.` });
      }
    }
  }));

  const mapErrors = (batch: Row[], userErrors: Array<{ code: string; field: string[]; message: string }>) => {
    for (const e of userErrors) {
      const [, list, index, field] = e.field;
      const row = list === 'users' && index !== undefined ? batch[Number(index)] : undefined;
      if (row?.packageStandIn && field === 'package') continue; // the stand-in's, not the file's
      const repeats = row && field && e.code === 'TAKEN' ? earlierLine.get(`${row.line}:${field}`) : undefined;
      const message = repeats === undefined ? e.message : `Repeats the ${field} of line ${repeats}.`;
      errors.push(row
        ? { line: row.line, column: field === undefined ? null : columnOf(field), code: e.code, message }
        : { line: null, column: null, code: e.code, message });
    }
  };

  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b];
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
