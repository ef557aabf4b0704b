import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/server-process';

const MAIN = path.join(ROOT, 'dist/server/src/main.js');
const CLI = path.join(ROOT, 'dist/server/src/cli/main.js');

/** Runs a process to its end: its exit code and both outputs. */
function runToEnd(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { NODE_ENV: _test, ...parentEnv } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { ...parentEnv, LOG_LEVEL: 'info', ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** Issue 14, start-up: operator mistakes fail early, in one line, and change nothing. */
describe('start-up failures', () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'provisioning-startup-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a busy port fails before the database is created or migrated and before a demo partner, with one clear line', async () => {
    const file = path.join(dir, 'busy.sqlite');
    const result = await runToEnd([MAIN], { PORT: String(busyPort), HOST: '127.0.0.1', DATABASE_URL: `sqlite:${file}` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `Failed to start: Cannot listen: port ${busyPort} on 127.0.0.1 is already in use (another server running?). Stop it or set PORT.`,
    ]);
    expect(result.stdout).toBe('');
    expect(existsSync(file)).toBe(false);
  });

  it('an explicit sqlite: path in a directory that does not exist is an error (server and CLI), and nothing is created', async () => {
    const missing = path.join(dir, 'no-such-dir');
    const env = { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(missing, 'x.sqlite')}` };
    const server = await runToEnd([MAIN], env);
    expect(server.code).toBe(2);
    expect(server.stderr.trim().split('\n')).toEqual([
      `Configuration error: DATABASE_URL sqlite:${path.join(missing, 'x.sqlite')}: the directory ${missing} does not exist (create it first; only the default data/ is created)`,
    ]);
    const cli = await runToEnd([CLI, 'create-partner', '--name', 'X', '--admin-email', 'x@x.example'], env);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(/the directory .*no-such-dir does not exist/);
    expect(existsSync(missing)).toBe(false);
  });

  it('`npm run cli -- …` prints exactly one line of JSON on stdout (the .npmrc keeps npm\'s banners off it)', async () => {
    const { NODE_ENV: _test, ...parentEnv } = process.env;
    // --ignore-scripts skips only `precli` (the build the suite's global setup already did).
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => execFile('npm', [
      'run', 'cli', '--ignore-scripts', '--', 'create-partner', '--name', 'One Line', '--admin-email', 'one@line.example',
    ], { cwd: ROOT, env: { ...parentEnv, DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}` }, timeout: 30_000 },
    (error, out) => (error ? reject(error) : resolve({ stdout: out }))));
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual(['partnerId', 'adminId', 'token', 'subscriptionIds']);
  });

  it('the default data/ directory is still created on first start', async () => {
    const cwd = mkdtempSync(path.join(dir, 'fresh-'));
    const { NODE_ENV: _test, DATABASE_URL: _url, ...parentEnv } = process.env;
    const child = spawn(process.execPath, [MAIN], { cwd, env: { ...parentEnv, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}${stderr ? `: ${stderr}` : ''}`)));
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('GraphQL API ready')) resolve();
      });
      void exited.then((code) => reject(new Error(`exited with ${code}`)));
    });
    child.kill('SIGTERM');
    expect(await exited).toBe('0');
    expect(readdirSync(path.join(cwd, 'data'))).toContain('provisioning.sqlite');
  });
});
