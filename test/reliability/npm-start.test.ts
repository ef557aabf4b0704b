import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/smtp-sink';

const ROOT = path.resolve(__dirname, '../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `npm start` is the documented start command: a signal to the npm process must stop the server
 * too. npm forwards SIGTERM to the shell running the script; without `exec` in the script that shell
 * died and the node grandchild kept serving, orphaned.
 */
describe('npm start under a signal', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provisioning-npm-start-'));
  let serverPid: number | null = null;
  let npmPid: number | undefined;
  afterAll(() => {
    for (const pid of [serverPid, npmPid]) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM to npm stops the node server it started, which drains and exits', async () => {
    const { NODE_ENV: _test, ...parentEnv } = process.env;
    // --ignore-scripts skips only `prestart` (the build, done by the suite's global setup), never
    // `start` itself: what runs is the start script exactly as `npm start` runs it.
    const npm = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: ROOT,
      env: { ...parentEnv, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${path.join(dir, 'start.sqlite')}`, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npmPid = npm.pid;
    let stdout = '';
    let stderr = '';
    npm.stdout!.on('data', (chunk) => { stdout += chunk; });
    npm.stderr!.on('data', (chunk) => { stderr += chunk; });
    const npmExited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    // pino stamps every log line with the process id: the server's own pid, whatever npm ran it through.
    serverPid = await eventually(async () => {
      const ready = stderr.split('\n').find((l) => l.includes('"server ready"'));
      return stdout.includes('GraphQL API ready') && ready ? (JSON.parse(ready) as { pid: number }).pid : null;
    }, 30_000);
    expect(serverPid).not.toBe(npm.pid);
    expect(alive(serverPid)).toBe(true);

    npm.kill('SIGTERM');
    await npmExited;
    await eventually(async () => !alive(serverPid!), 15_000);
    expect(stderr).toContain('shutdown complete');
  }, 60_000);
});
