import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServerProcess, type ServerProcess } from './support/server-process';

const run = promisify(execFile);
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const CLI = path.join(ROOT, 'dist/server/src/cli/main.js');

/** The text of README's section under `heading` (up to the next heading of the same or a higher level). */
function section(heading: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const lines = README.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  let fenced = false;
  let end = start + 1;
  for (; end < lines.length; end += 1) {
    if (lines[end].startsWith('```')) fenced = !fenced;
    // A `# comment` inside a code block is not a heading.
    const hashes = /^(#+) /.exec(lines[end])?.[1].length;
    if (!fenced && hashes !== undefined && hashes <= level) break;
  }
  return lines.slice(start + 1, end).join('\n');
}

/** The fenced code blocks of `text` with the given info string, in order. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** A shell line's words (double-quoted words kept whole), without its trailing `# comment`. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.replace(/\s+#.*$/, '').matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]);
  return out;
}

/**
 * Issue 14: README's examples run in the order README gives them, against a fresh server started
 * as `npm start` starts it (a fresh SQLite file, the demo partner and its printed token): the
 * Quick start's Sandbox operations, the CLI lines, the SDK script and the CSV example. Placeholders
 * (`<id>`, `wpt_…`) take the values the earlier steps printed, as a reader would paste them.
 */
describe('README, run in order', () => {
  let dir: string;
  let server: ServerProcess;
  let databaseUrl: string;
  const seen: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'provisioning-readme-'));
    databaseUrl = `sqlite:${path.join(dir, 'readme.sqlite')}`;
    server = await startServerProcess(databaseUrl);
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function graphql(query: string, operationName: string | undefined, variables: Record<string, unknown> = {}) {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.partner.token}` },
      body: JSON.stringify({ query, operationName, variables }),
    });
    const body = await response.json() as { data?: Record<string, any>; errors?: unknown[] };
    expect(body.errors, `${operationName}: ${JSON.stringify(body.errors)}`).toBeUndefined();
    return body.data!;
  }

  async function cli(args: string[]): Promise<{ code: number; json: any; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
        cwd: dir, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, timeout: 45_000,
      });
      // `help` answers text; every other command one line of JSON.
      return { code: 0, json: args[0] === 'help' ? null : JSON.parse(stdout), stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, json: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
    }
  }

  it('Quick start: the Sandbox operations (Viewer, then Step1 → Step2 → Step3)', async () => {
    const [viewerDoc, flowDoc] = blocks(section('## Quick start'), 'graphql');
    const { viewer } = await graphql(viewerDoc, 'Viewer');
    const step1 = (await graphql(flowDoc, 'Step1', { admin: viewer.partner.admins[0].id, subscription: viewer.partner.subscriptions[0].id })).createTemplate;
    expect(step1.userErrors).toEqual([]);
    const step2 = (await graphql(flowDoc, 'Step2', { provisioningId: step1.template.provisioningId })).createCustomer;
    expect(step2.userErrors).toEqual([]);
    const step3 = (await graphql(flowDoc, 'Step3', { customerId: step2.customer.id })).setupCustomer;
    expect(step3.userErrors).toEqual([]);
    expect(step3.customer.status).toBe('ACTIVE');
    seen.customerId = step2.customer.id;
  });

  it('the CLI lines of "Partners, admins and tokens", each answering one line of JSON', async () => {
    const lines = blocks(section('## Partners, admins and tokens (CLI)'), 'sh')
      .flatMap((b) => b.split('\n')).filter((l) => l.startsWith('npm run cli -- '));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      const args = words(line.slice('npm run cli -- '.length)).map((word, i, all) => {
        const flag = all[i - 1];
        if (word === '<id>' && flag === '--partner-id') return seen.partnerId;
        if (word === '<id>' && flag === '--admin-id') return seen.adminId;
        if (word === '<id>' && flag === '--token-id') return seen.tokenId;
        if (word === 'wpt_…' && flag === '--token') return seen.token;
        return word;
      });
      const result = await cli(args);
      expect(result.code, `${line}\n${result.stderr}`).toBe(0);
      for (const key of ['partnerId', 'adminId', 'token'] as const) {
        if (typeof result.json?.[key] === 'string') seen[key] = result.json[key];
      }
      // list-tokens: the admin's first token (create-admin's), so the `--token wpt_…` line still has its own.
      if (Array.isArray(result.json?.tokens)) seen.tokenId = result.json.tokens[0].id;
    }
  }, 120_000);

  it('the SDK script provision.mjs, with the SDK built as its package ships it', async () => {
    const script = blocks(section('## The SDK'), 'js').find((b) => b.startsWith('// provision.mjs'));
    expect(script).toBeDefined();
    // The package as installed: its built files and package.json, its dependencies beside it.
    const project = path.join(dir, 'project');
    const sdk = path.join(project, 'node_modules/@wholesale-provisioning/sdk');
    mkdirSync(sdk, { recursive: true });
    // The SDK's own build (tsc, and the CSV reader of packages/csv-users copied in): its dist as it ships.
    execFileSync(process.execPath, [path.join(ROOT, 'sdk/scripts/build.mjs'), path.join(sdk, 'dist')]);
    copyFileSync(path.join(ROOT, 'sdk/package.json'), path.join(sdk, 'package.json'));
    for (const dependency of ['graphql', 'csv-parse']) symlinkSync(path.join(ROOT, 'node_modules', dependency), path.join(project, 'node_modules', dependency));
    writeFileSync(path.join(project, 'provision.mjs'), script!);
    const { stdout } = await run(process.execPath, ['provision.mjs'], {
      cwd: project, env: { ...process.env, HUB_TOKEN: server.partner.token, HUB_URL: server.url }, timeout: 60_000,
    });
    expect(stdout).toMatch(/^Bloemenhuis Jansen is ACTIVE: template \S+, 1 user\(s\) added\n$/);
  }, 120_000);

  it('the CSV example, imported with import-users into the Quick start’s customer', async () => {
    const csvSection = section('### CSV import of users');
    const [csv] = blocks(csvSection, 'csv');
    writeFileSync(path.join(dir, 'users.csv'), csv);
    const line = blocks(csvSection, 'sh')[0].split('\n').find((l) => l.includes('import-users'))!;
    // The optional flags in brackets are left out, as a first run would.
    const args = words(line.replace(/\[[^\]]*\]/g, '').slice('npm run cli -- '.length))
      .map((word, i, all) => (word === '<id>' && all[i - 1] === '--customer-id' ? seen.customerId : word));
    const result = await cli(args);
    expect(result.json?.errors, result.stderr).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.json.imported).toBe(csv.trim().split('\n').length - 1);
  }, 60_000);

  it('Operating: the backup lines, while the server serves, give a copy holding what it wrote', async () => {
    const lines = blocks(section('### Backups'), 'sh')[0].split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines[0]).toBe('mkdir -p backups');
    mkdirSync(path.join(dir, 'backups'), { recursive: true });
    const result = await cli(words(lines[1].slice('npm run cli -- '.length)));
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ backup: path.join(dir, 'backups/provisioning-2026-12-05.sqlite'), check: 'ok' });
    const copy = new BetterSqlite3(result.json.backup, { readonly: true });
    try {
      expect(copy.prepare('SELECT COUNT(*) AS n FROM customer WHERE id = ?').get(seen.customerId)).toEqual({ n: 1 });
    } finally {
      copy.close();
    }
  }, 60_000);
});
