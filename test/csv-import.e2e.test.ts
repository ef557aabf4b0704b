import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importUsersFromCsv, parseCsvChunks, type CsvImportProgress } from '../sdk/src/index';
import { aCustomerInput, anAmsterdamNumber, aTemplateInput, unique } from './support/factories';
import { startTestServer, type TestPartner, type TestServer } from './support/test-server';

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
  const sources = Math.max(newest(path.join(root, 'server/src')), statSync(path.join(root, 'sdk/src/csv-users.ts')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}

function csvLine(...fields: string[]): string {
  return fields.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

function anEmail(): string {
  return `${unique('csv')}@devries.example`;
}

async function collect(chunks: AsyncIterable<string> | Iterable<string>) {
  const out = [];
  for await (const r of parseCsvChunks(chunks)) out.push(r);
  return out;
}

describe('CSV import', () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateId: string;

  beforeAll(async () => {
    server = await startTestServer();
    partner = await server.newPartner();
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
  });
  afterAll(() => server.stop());

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
        const { stdout, stderr } = await run('node', ['dist/server/src/cli/main.js', 'import-users', ...args], { cwd: root, env });
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
    });
  });
});
