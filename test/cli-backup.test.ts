import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aTemplateInput } from './support/factories';
import { ROOT } from './support/server-process';
import { onPostgres, startTestServer, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const CLI = path.join(ROOT, 'dist/server/src/cli/main.js');

function cli(databaseUrl: string, cwd: string, ...args: string[]): Promise<{ code: number; json: any; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], {
      cwd, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, timeout: 45_000,
    }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      let json: unknown = null;
      try { json = stdout.trim() ? JSON.parse(stdout) : null; } catch { json = null; }
      resolve({ code, json, stdout, stderr });
    });
  });
}

/** Issue 13: `backup --to <file>` copies the SQLite database while the server serves (README, Operating). */
describe.skipIf(onPostgres)('CLI backup (SQLite online backup API)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let restored: TestServer | undefined;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });
  afterAll(async () => {
    await restored?.stop();
  });

  it('copies the database while writes go on; the copy passes quick_check and a server starts on it', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    for (let i = 0; i < 5; i++) await partner.client.createCustomer(aCustomerInput(template.id));
    // Writes keep coming while the backup runs.
    let writing = true;
    let written = 5;
    const writer = (async () => {
      while (writing) {
        await partner.client.createCustomer(aCustomerInput(template.id));
        written += 1;
      }
    })();
    const to = path.join(server.dir, 'copy.sqlite');
    const result = await cli(server.databaseUrl, server.dir, 'backup', '--to', to);
    writing = false;
    await writer;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.json).toEqual({ backup: to, bytes: expect.any(Number), pages: expect.any(Number), check: 'ok' });
    expect(result.json.bytes).toBeGreaterThan(0);

    const copy = new BetterSqlite3(to, { readonly: true });
    const customers = (copy.prepare('SELECT COUNT(*) AS n FROM customer').get() as { n: number }).n;
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    // Everything committed before the backup began, and nothing beyond what was written.
    expect(customers).toBeGreaterThanOrEqual(5);
    expect(customers).toBeLessThanOrEqual(written);

    restored = await startTestServer({}, { DATABASE_URL: `sqlite:${to}` });
    const viewer = await restored.client(partner.token).viewer();
    expect(viewer.partner.id).toBe(partner.partnerId);
  });

  it('never overwrites a file, and needs --to (exit 2, nothing on stdout)', async () => {
    const existing = path.join(server.dir, 'existing.sqlite');
    writeFileSync(existing, 'keep me');
    const refused = await cli(server.databaseUrl, server.dir, 'backup', '--to', existing);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('already exists');
    const missing = await cli(server.databaseUrl, server.dir, 'backup');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--to <file> is required');
  });
});

describe('CLI backup on PostgreSQL', () => {
  it('says to use pg_dump (exit 2) without touching the database', async () => {
    const result = await cli('postgres://nobody@127.0.0.1:1/none', ROOT, 'backup', '--to', '/tmp/never-written.sqlite');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('use pg_dump');
  });
});
