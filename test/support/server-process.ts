import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createClient } from '../../sdk/src/index';
import type { TestPartner } from './test-server';

export const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/server/src/main.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  partner: TestPartner;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real server process, as `npm start` runs it but in development mode (NODE_ENV unset): Apollo
 * installs its own signal handlers outside NODE_ENV=test, which is what made SIGTERM kill the
 * process (exit 143) before anything drained. Its demo partner is the test's partner (`knownToken`:
 * its token from an earlier start on the same database).
 */
export async function startServerProcess(databaseUrl: string, env: NodeJS.ProcessEnv = {}, knownToken?: string): Promise<ServerProcess> {
  const { NODE_ENV: _test, ...parentEnv } = process.env;
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...parentEnv, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_SECOND: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const url = /ready at (http:\/\/\S+)/.exec(stdout)?.[1];
      const token = knownToken ?? /^\s+(wpt_\S+)$/m.exec(stdout)?.[1];
      if (url && token) resolve({ url: url.replace('localhost', '127.0.0.1'), token });
    });
    void exited.then(({ code }) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const client = createClient({ url: ready.url, token: ready.token });
  const viewer = await client.viewer();
  return {
    child, url: ready.url, port: Number(new URL(ready.url).port), stderr: () => stderr, exited,
    partner: {
      partnerId: viewer.partner.id, adminId: viewer.id, token: ready.token, client,
      subscriptionIds: viewer.partner.subscriptions.map((s) => s.id),
    },
  };
}

/** The JSON log lines the process wrote on stderr. */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

