import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvSyntaxError, importUsersFromCsv, parseCsvChunks, type CsvImportProgress, type CsvSource } from '../sdk/src/index';
import { aCustomerInput, anAmsterdamNumber, aTemplateInput, unique } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');

/** Newest modification time of the files under `dir` (recursively). */
function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? newest(full) : statSync(full).mtimeMs;
  }));
}

/** The CLI runs from dist/ (as `npm run cli` does): compile only when a source is newer than the build. */
async function ensureBuilt(): Promise<void> {
  const built = path.join(root, 'dist/server/src/cli/import-users.js');
  // The CSV reader (packages/csv-users) is a package the CLI requires at run time: the global setup builds it.
  const sources = newest(path.join(root, 'server/src'));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}

function csvLine(...fields: string[]): string {
  return fields.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

function anEmail(): string {
  return `${unique('csv')}@devries.example`;
}

/** The text cut into chunks of `size` characters. */
function chunked(text: string, size: number): string[] {
  const chunks = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

async function collect(chunks: CsvSource) {
  const out = [];
  for await (const r of parseCsvChunks(chunks)) out.push(r);
  return out;
}

describe('CSV import', () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateId: string;

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
  });

  async function aCustomer() {
    return partner.client.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
  }
  async function userCount(customerId: string) {
    return (await partner.client.customerUsers(customerId, { first: 1 }))!.totalCount;
  }

  it('parses quoted fields, "" escapes, CRLF and a BOM the same whatever the chunking', async () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""",3\r\n\r\n"multi\nline",,\r\nlast,row,end';
    const whole = await collect([text]);
    expect(whole).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', '3'] },
      { line: 4, fields: ['multi\nline', '', ''] },
      { line: 6, fields: ['last', 'row', 'end'] },
    ]);
    for (const size of [1, 2, 3, 7]) {
      const chunks = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(await collect(chunks)).toEqual(whole);
    }
  });

  it('counts lines exactly: CRLF, LF and CR breaks inside quoted cells, blank lines, a split surrogate pair', async () => {
    const text = 'h1,h2\r\n"a\r\nb\r\nc",1\r\n\r\n"d\re",2\rlast,3\n\n"q""uote",4\r\n"😀\n😀",5\n';
    const whole = await collect([text]);
    expect(whole).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, fields: ['a\r\nb\r\nc', '1'] },
      { line: 6, fields: ['d\re', '2'] },
      { line: 8, fields: ['last', '3'] },
      { line: 10, fields: ['q"uote', '4'] },
      { line: 11, fields: ['😀\n😀', '5'] },
    ]);
    for (const size of [1, 2, 3, 5]) expect(await collect(chunked(text, size))).toEqual(whole);
    const bytes = new TextEncoder().encode(text);
    async function* byteChunks() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    }
    expect(await collect(byteChunks())).toEqual(whole);
  });

  it('throws a CsvSyntaxError with the line of the record from parseCsvChunks on malformed CSV, after the records before it', async () => {
    const records: number[] = [];
    let error: unknown;
    try {
      for await (const r of parseCsvChunks('a,b\r\n"x\r\ny",1\r\n\r\nok,2\r\nstill,"open\r\nto the end\r\n')) records.push(r.line);
    } catch (e) {
      error = e;
    }
    expect(records).toEqual([1, 2, 5]);
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ line: 6, field: 1, reason: 'CSV_QUOTE_NOT_CLOSED' });
  });

  it('imports through the SDK in batches, mapping headers case-insensitively', async () => {
    const customer = await aCustomer();
    const emails = Array.from({ length: 5 }, anEmail);
    const csv = [
      csvLine('First Name', 'last_name', 'EMAIL', 'Package', 'Location', 'Phone', 'Extension', 'Notes'),
      ...emails.map((email, i) => csvLine(`Eva${i}`, 'de Vries', email, i === 4 ? 'Webex Meetings' : 'WEBEX_CALLING',
        i === 0 ? 'amsterdam hq' : '', i === 4 ? '' : anAmsterdamNumber(), i === 1 ? `30${i}` : '', 'ignored')),
    ].join('\n') + '\n';
    const progress: CsvImportProgress[] = [];
    const result = await importUsersFromCsv(partner.client, customer.id, csv, { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ imported: 5, rows: 5, batches: 3, dryRun: false, errors: [] });
    expect(progress.map((p) => `${p.phase}${p.batch}/${p.batches}:${p.rows}`)).toEqual([
      'validate1/3:2', 'validate2/3:2', 'validate3/3:1', 'write1/3:2', 'write2/3:2', 'write3/3:1',
    ]);
    const users = (await partner.client.customerUsers(customer.id, { first: 100 }))!.edges.map((e) => e.node);
    expect(users.map((u) => u.email).sort()).toEqual([...emails, customer.adminEmail].sort());
    expect(users.find((u) => u.email === emails[4])!.package).toBe('WEBEX_MEETINGS');
    expect(users.find((u) => u.email === emails[1])!.extension).toBe('301');
  });

  it('reports every bad row with its CSV line and column, and writes nothing', async () => {
    const customer = await aCustomer();
    const repeated = anEmail();
    const csv = [
      csvLine('firstName', 'lastName', 'e-mail', 'package', 'phone'),
      csvLine('Ann', 'Good', repeated, 'WEBEX_CALLING', anAmsterdamNumber()),
      csvLine('Bob', 'Bad', 'not-an-address', 'WEBEX_CALLING', anAmsterdamNumber()),
      csvLine('Multi\nLine', 'Name', anEmail(), 'WEBEX_CALLING', '+1 212 736 3100'),
      csvLine('Cas', 'Pkg', anEmail(), 'GOLD', ''),
      csvLine('Dan', 'Dup', repeated.toUpperCase(), 'WEBEX_CALLING', anAmsterdamNumber()),
      csvLine('Eve', 'Fine', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber()),
      csvLine('Fay', 'NoPkg', anEmail(), '', anAmsterdamNumber()),
    ].join('\r\n');
    const result = await importUsersFromCsv(partner.client, customer.id, csv, { batchSize: 2 });
    expect(result.imported).toBe(0);
    expect(result.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, 'e-mail', 'INVALID'],
      [4, 'phone', 'INVALID'], // a US number for the Amsterdam headquarters (line 4 holds a two-line name)
      [6, 'package', 'INVALID'],
      [7, 'e-mail', 'TAKEN'],
      [9, 'package', 'REQUIRED'],
    ]);
    expect(await userCount(customer.id)).toBe(1);
  });

  it('reads a semicolon-separated file from European Excel (BOM, CRLF, ; between cells) like a comma-separated one', async () => {
    const customer = await aCustomer();
    const rows = [anEmail(), anEmail()].map((email, i) => ['Jürgen', `Müller ${i}`, email, 'WEBEX_CALLING', anAmsterdamNumber()].join(';'));
    const csv = `\uFEFFVorname;Last Name;E-Mail;Package;Phone\r\n${rows.join('\r\n')}\r\n`.replace('Vorname', 'First Name');
    const records = await collect(chunked(csv, 7));
    expect(records[1].fields).toHaveLength(5);
    const result = await importUsersFromCsv(partner.client, customer.id, chunked(csv, 7));
    expect(result).toEqual({ imported: 2, rows: 2, batches: 1, dryRun: false, errors: [] });
    // a comma inside a quoted cell of a ;-file is a comma, and a ; inside quotes of a ,-file is a ;
    expect((await collect('a;"b,c";d\n1;2;3\n'))[0].fields).toEqual(['a', 'b,c', 'd']);
    expect((await collect('a,"b;c;d",e\n'))[0].fields).toEqual(['a', 'b;c;d', 'e']);
    expect((await collect('\n\na\tb\tc\n1\t2\t3\n'))[0].fields).toEqual(['a', 'b', 'c']);
  });

  it('says the header was read as one column when the file uses a separator it does not know', async () => {
    const customer = await aCustomer();
    const result = await importUsersFromCsv(partner.client, customer.id, 'firstName|lastName|email|package\nAnn|Good|a@b.example|WEBEX_CALLING\n');
    expect(result.errors.map((e) => e.code)).toEqual(['REQUIRED', 'REQUIRED', 'REQUIRED', 'REQUIRED']);
    expect(result.errors[0].message).toContain('The header was read as one column ("firstName|lastName|email|package")');
  });

  it('reports every error of a row in one pass: an unreadable package does not hide the row’s other errors', async () => {
    const customer = await aCustomer();
    const csv = [
      csvLine('firstName', 'lastName', 'email', 'package', 'phone'),
      csvLine('Ann', '', 'not-an-address', 'GOLD', 'call me'),
      csvLine('', 'Bee', anEmail(), '', ''),
    ].join('\n');
    const result = await importUsersFromCsv(partner.client, customer.id, csv);
    expect(result.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [2, 'package', 'INVALID'], [2, 'lastName', 'REQUIRED'], [2, 'email', 'INVALID'], [2, 'phone', 'INVALID'],
      [3, 'package', 'REQUIRED'], [3, 'firstName', 'REQUIRED'],
    ]);
    expect(await userCount(customer.id)).toBe(1);
  });

  it('names the earlier line of a repeated email, number or extension, within a batch and across batches', async () => {
    const customer = await aCustomer();
    const email = anEmail();
    const number = anAmsterdamNumber();
    const csv = [
      csvLine('firstName', 'lastName', 'email', 'package', 'phone', 'extension'),
      csvLine('Ann', 'One', email, 'WEBEX_CALLING', number, '2001'),
      csvLine('Bob', 'Two', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber(), '2002'),
      csvLine('Cas', 'Three', email.toUpperCase(), 'WEBEX_CALLING', number, '2001'),
      csvLine('Dan', 'Four', anEmail(), 'WEBEX_CALLING', '', '2002'),
    ].join('\n');
    for (const batchSize of [10, 2]) {
      const result = await importUsersFromCsv(partner.client, customer.id, csv, { batchSize, dryRun: true });
      expect(result.errors.map((e) => [e.line, e.column, e.code, e.message]), `batch size ${batchSize}`).toEqual([
        [4, 'email', 'TAKEN', 'Repeats the email of line 2.'],
        [4, 'phone', 'TAKEN', 'Repeats the phoneNumber of line 2.'],
        [4, 'extension', 'TAKEN', 'Repeats the extension of line 2.'],
        [5, 'extension', 'TAKEN', 'Repeats the extension of line 3.'],
      ]);
    }
  });

  it('flags cells beyond the header (an unquoted separator inside a cell), but not empty trailing cells', async () => {
    const customer = await aCustomer();
    const csv = [
      'firstName,lastName,email,package',
      `Ann,Good,${anEmail()},WEBEX_MEETINGS,,`,
      `Bob,Smith, Jr.,${anEmail()},WEBEX_MEETINGS`,
    ].join('\n');
    const result = await importUsersFromCsv(partner.client, customer.id, csv);
    expect(result.imported).toBe(0);
    const beyond = result.errors.filter((e) => e.code === 'INVALID' && e.column === null);
    expect(beyond.map((e) => e.line)).toEqual([3]);
    expect(beyond[0].message).toMatch(/This line has 5 cells but the header has 4/);
  });

  it('validates without writing on a dry run, and refuses a file without the required columns', async () => {
    const customer = await aCustomer();
    const csv = `firstName,lastName,email,package,phone\nAnn,Good,${anEmail()},WEBEX_CALLING,${anAmsterdamNumber()}\n`;
    expect(await importUsersFromCsv(partner.client, customer.id, csv, { dryRun: true }))
      .toEqual({ imported: 0, rows: 1, batches: 1, dryRun: true, errors: [] });
    expect(await userCount(customer.id)).toBe(1);

    const missing = await importUsersFromCsv(partner.client, customer.id, 'name,email\nAnn,a@b.example\n');
    expect(missing.errors.map((e) => [e.line, e.column, e.code])).toEqual([[1, 'firstName', 'REQUIRED'], [1, 'lastName', 'REQUIRED'], [1, 'package', 'REQUIRED']]);
    const unknown = await importUsersFromCsv(partner.client, '0190a2b4-0000-7000-8000-000000000000', csv);
    expect(unknown.errors).toEqual([expect.objectContaining({ line: null, column: null, code: 'NOT_FOUND' })]);
  });

  it('answers malformed CSV (an unclosed or a stray quote) with an INVALID error on its line and column, and writes nothing', async () => {
    const customer = await aCustomer();
    const header = 'First Name,Last Name,Email,Package,Phone';
    const good = () => csvLine('Ann', 'Good', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber());
    const twoLines = () => csvLine('Multi\r\nLine', 'Name', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber());
    const cases: Array<[string, number, string | null]> = [
      // a quote opened in line 5's Last Name is never closed: the rest of the file would be one cell
      [[header, good(), twoLines(), `Bob,"Bad,${anEmail()},WEBEX_CALLING,${anAmsterdamNumber()}`, good()].join('\r\n'), 5, 'Last Name'],
      // a quote inside an unquoted cell
      [[header, twoLines(), '', `Dan,O"Neil,${anEmail()},WEBEX_CALLING,`, good()].join('\n'), 5, 'Last Name'],
      // text after a quoted cell's closing quote
      [[header, good(), `"Eve" Smith,Fine,${anEmail()},WEBEX_CALLING,`].join('\n'), 3, 'First Name'],
      // in the header itself
      ['First Name,"Last Name,Email\nAnn,Good,x@y.example\n', 1, null],
    ];
    for (const [csv, line, column] of cases) {
      const result = await importUsersFromCsv(partner.client, customer.id, csv);
      expect(result.imported).toBe(0);
      expect(result.batches).toBe(0);
      expect(result.errors).toEqual([{ line, column, code: 'INVALID', message: expect.stringMatching(/quote/) }]);
      for (const size of [1, 4]) {
        expect((await importUsersFromCsv(partner.client, customer.id, chunked(csv, size))).errors).toEqual(result.errors);
      }
    }
    expect(await userCount(customer.id)).toBe(1);
  });

  it('reads a stream of byte chunks', async () => {
    const customer = await aCustomer();
    const email = anEmail();
    const csv = `firstName,lastName,email,package,extension\nÅsa,Öberg,${email},WEBEX_CALLING,2001\n`;
    const bytes = new TextEncoder().encode(csv);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 5) yield bytes.slice(i, i + 5); // splits the two-byte Å and Ö
    }
    const result = await importUsersFromCsv(partner.client, customer.id, chunks());
    expect(result.errors).toEqual([]);
    const users = (await partner.client.customerUsers(customer.id, { filter: { search: email } }))!.edges;
    expect(users[0].node).toMatchObject({ firstName: 'Åsa', lastName: 'Öberg' });
  });

  describe('npm run cli -- import-users', () => {
    beforeAll(async () => {
      await ensureBuilt();
    }, 120_000);

    async function cli(...args: string[]) {
      const env = { ...process.env, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' };
      try {
        // A hung CLI is killed (and the test fails on its exit code) rather than left running.
        const { stdout, stderr } = await run('node', ['dist/server/src/cli/main.js', 'import-users', ...args],
          { cwd: root, env, timeout: 45_000, killSignal: 'SIGKILL' });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    }

    it('validates, writes in batches with progress on stderr and prints one JSON line; audit names the CLI admin', async () => {
      const customer = await aCustomer();
      const file = path.join(server.dir, 'users.csv');
      const rows = Array.from({ length: 5 }, (_, i) => csvLine(`U${i}`, 'Csv', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber()));
      writeFileSync(file, ['First Name,Last Name,Email,Package,Phone Number', ...rows].join('\n'));

      const dry = await cli('--customer-id', customer.id, '--file', file, '--dry-run', '--batch-size', '2');
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toEqual({ imported: 0, rows: 5, batches: 3, dryRun: true, errors: [] });
      expect(await userCount(customer.id)).toBe(1);

      const real = await cli('--customer-id', customer.id, '--file', file, '--batch-size', '2');
      expect(real.code).toBe(0);
      expect(real.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(real.stdout)).toEqual({ imported: 5, rows: 5, batches: 3, dryRun: false, errors: [] });
      expect(real.stderr).toContain('write batch 3/3: 1 rows');
      expect(await userCount(customer.id)).toBe(6);

      const events = await partner.client.request<{ auditEvents: { edges: Array<{ node: { operation: string; admin: { email: string; displayName: string } } }> } }>(
        parse('{ auditEvents(first: 3) { edges { node { operation admin { email displayName } } } } }'));
      expect(events.auditEvents.edges.map((e) => [e.node.operation, e.node.admin.email])).toEqual([
        ['setupCustomer', 'cli-import@system.invalid'], ['setupCustomer', 'cli-import@system.invalid'], ['setupCustomer', 'cli-import@system.invalid'],
      ]);
    });

    it('imports a semicolon-separated file from European Excel, and gives every error of a row with the earlier line of a repeat', async () => {
      const customer = await aCustomer();
      const file = path.join(server.dir, 'excel.csv');
      const email = anEmail();
      writeFileSync(file, '\uFEFFFirst Name;Last Name;Email;Package;Phone\r\n'
        + `Jürgen;Müller;${email};WEBEX_CALLING;${anAmsterdamNumber()}\r\n`
        + `Anke;;${email};GOLD;${anAmsterdamNumber()}\r\n`);
      const bad = await cli('--customer-id', customer.id, '--file', file);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout).errors.map((e: { line: number; column: string; code: string; message: string }) => [e.line, e.column, e.code, e.message]))
        .toEqual([
          [3, 'Package', 'INVALID', expect.stringContaining('"GOLD" is not a package')],
          [3, 'Last Name', 'REQUIRED', expect.any(String)],
          [3, 'Email', 'TAKEN', 'Repeats the email of line 2.'],
        ]);
      writeFileSync(file, '\uFEFFFirst Name;Last Name;Email;Package;Phone\r\n'
        + `Jürgen;Müller;${email};WEBEX_CALLING;${anAmsterdamNumber()}\r\n`);
      const good = await cli('--customer-id', customer.id, '--file', file);
      expect(good.code).toBe(0);
      expect(JSON.parse(good.stdout)).toEqual({ imported: 1, rows: 1, batches: 1, dryRun: false, errors: [] });
    });

    it('prints errors with line and column and writes nothing when a row is bad', async () => {
      const customer = await aCustomer();
      const file = path.join(server.dir, 'bad.csv');
      writeFileSync(file, [
        'firstName,lastName,email,package,phone',
        csvLine('Ann', 'Good', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber()),
        csvLine('Bob', '', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber()),
      ].join('\n'));
      const result = await cli('--customer-id', customer.id, '--file', file);
      expect(result.code).toBe(1);
      const output = JSON.parse(result.stdout);
      expect(output.imported).toBe(0);
      expect(output.errors).toEqual([expect.objectContaining({ line: 3, column: 'lastName', code: 'REQUIRED' })]);
      expect(await userCount(customer.id)).toBe(1);

      const unknown = await cli('--customer-id', 'nope', '--file', file);
      expect(unknown.code).toBe(2);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr).toContain('no customer with id nope');

      // A directory or a missing file is the operator's mistake too: exit 2, no stack trace.
      for (const [target, message] of [[path.dirname(file), 'is not a regular file'], [`${file}.missing`, 'no file']] as const) {
        const wrong = await cli('--customer-id', customer.id, '--file', target);
        expect(wrong.code).toBe(2);
        expect(wrong.stdout).toBe('');
        expect(wrong.stderr).toContain(message);
        expect(wrong.stderr).not.toMatch(/\n\s+at\s/);
      }
    });

    it('names the exact line after a quoted cell with CRLF line breaks in a CRLF file', async () => {
      const customer = await aCustomer();
      const file = path.join(server.dir, 'crlf.csv');
      writeFileSync(file, [
        'First Name,Last Name,Email,Package,Phone,Notes',
        csvLine('Ann', 'Good', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber(), 'three\r\nline\r\nnote'), // lines 2-4
        '', // line 5
        csvLine('Bob', 'Fine', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber(), ''), // line 6
        csvLine('Cas', 'Bad', 'not-an-address', 'WEBEX_CALLING', anAmsterdamNumber(), 'x'), // line 7
      ].join('\r\n') + '\r\n');
      const result = await cli('--customer-id', customer.id, '--file', file);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toEqual({ imported: 0, rows: 3, batches: 1, dryRun: false, errors: [
        { line: 7, column: 'Email', code: 'INVALID', message: expect.any(String) },
      ] });
      expect(await userCount(customer.id)).toBe(1);
    });

    it('answers a malformed file with one JSON line naming the line and column, exit 1, writing nothing', async () => {
      const customer = await aCustomer();
      const file = path.join(server.dir, 'malformed.csv');
      writeFileSync(file, [
        'firstName,lastName,email,package',
        csvLine('Ann', 'Good', anEmail(), 'WEBEX_CALLING'),
        csvLine('Multi\r\nLine', 'Name', anEmail(), 'WEBEX_CALLING'), // lines 3-4
        `Bob,"Bad,${anEmail()},WEBEX_CALLING`, // line 5: the quote is never closed
        csvLine('Cas', 'Fine', anEmail(), 'WEBEX_CALLING'),
      ].join('\r\n'));
      const result = await cli('--customer-id', customer.id, '--file', file);
      expect(result.code).toBe(1);
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(result.stdout)).toEqual({ imported: 0, rows: 2, batches: 0, dryRun: false, errors: [
        { line: 5, column: 'lastName', code: 'INVALID', message: expect.stringMatching(/quote/) },
      ] });
      expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
      expect(await userCount(customer.id)).toBe(1);

      writeFileSync(file, `firstName,lastName,email,package\nDan,O"Neil,${anEmail()},WEBEX_CALLING\n`);
      const stray = await cli('--customer-id', customer.id, '--file', file, '--dry-run');
      expect(stray.code).toBe(1);
      expect(JSON.parse(stray.stdout).errors).toEqual([expect.objectContaining({ line: 2, column: 'lastName', code: 'INVALID' })]);
    });

    it('writes nothing on --dry-run or when a row is bad: no CLI admin appears until the first write', async () => {
      const other = await server.newPartner();
      const otherTemplate = await other.client.createTemplate(aTemplateInput(other));
      const customer = await other.client.createCustomer(aCustomerInput(otherTemplate.id, { package: 'WEBEX_SUITE' }));
      const admins = async () => (await other.client.viewer()).partner.admins.map((a) => a.email).sort();
      const auditCount = async () => (await other.client.request<{ auditEvents: { edges: unknown[] } }>(
        parse('{ auditEvents(first: 100) { edges { node { id } } } }'))).auditEvents.edges.length;
      const adminsBefore = await admins();
      const auditBefore = await auditCount();
      expect(adminsBefore).not.toContain('cli-import@system.invalid');

      const file = path.join(server.dir, 'dry.csv');
      const rows = Array.from({ length: 3 }, (_, i) => csvLine(`D${i}`, 'Dry', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber()));
      writeFileSync(file, ['firstName,lastName,email,package,phone', ...rows].join('\n'));
      const dry = await cli('--customer-id', customer.id, '--file', file, '--dry-run', '--batch-size', '2');
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toEqual({ imported: 0, rows: 3, batches: 2, dryRun: true, errors: [] });

      writeFileSync(file, ['firstName,lastName,email,package,phone', ...rows, csvLine('Bad', '', anEmail(), 'WEBEX_CALLING', anAmsterdamNumber())].join('\n'));
      const bad = await cli('--customer-id', customer.id, '--file', file);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout).errors).toEqual([expect.objectContaining({ line: 5, column: 'lastName', code: 'REQUIRED' })]);

      expect(await admins()).toEqual(adminsBefore);
      expect(await auditCount()).toBe(auditBefore);
      expect((await other.client.customerUsers(customer.id, { first: 1 }))!.totalCount).toBe(1);
    });
  });
});
