import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/server/src/main.js');

export interface ApiProcess { child: ChildProcess; url: string; stdout: string }

/** Every API process spawned here and not yet exited, ready or not: whatever happens, a suite stops them (stopAllApiProcesses). */
const children = new Set<ChildProcess>();

/**
 * A real API process (`node dist/server/src/main.js`, compiled by the global setup) on an ephemeral
 * port, with `env` over the test's environment; resolves once it says it is ready.
 */
export function startApiProcess(env: NodeJS.ProcessEnv): Promise<ApiProcess> {
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => { stderr += chunk; });
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /ready at (http:\/\/\S+)/.exec(stdout);
      if (match) resolve({ child, url: match[1].replace('localhost', '127.0.0.1'), stdout });
    });
    child.once('exit', (code) => reject(new Error(`API process exited with ${code}: ${stderr}`)));
  });
}

/** SIGTERM, then SIGKILL should the process not have exited 10 s later. */
export function stopApiProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}

/** SIGKILL: the process gets no chance to hand anything back (a crash). */
export function killApiProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function stopAllApiProcesses(): Promise<void> {
  await Promise.all([...children].map(stopApiProcess));
}
