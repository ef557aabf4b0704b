import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Vitest global setup: suites that run the real server process or the CLI (`node dist/…`) need a
 * compiled server. CI builds first; locally this compiles once when dist/ is missing or older
 * than the sources, before any suite starts (so parallel suites never race on tsc).
 */
export default function buildServer(): void {
  buildCsvUsers();
  const main = path.join(root, 'dist/server/src/main.js');
  const buildInfo = path.join(root, 'dist/.tsbuildinfo');
  const built = existsSync(main) && existsSync(buildInfo) ? Math.max(statSync(main).mtimeMs, statSync(buildInfo).mtimeMs) : 0;
  if (built >= newestMtime(path.join(root, 'server/src'))) return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // An incremental build that found nothing to emit leaves the dates alone: mark dist/ as fresh.
  const now = new Date();
  utimesSync(buildInfo, now, now);
}

/**
 * The CSV reader is a workspace package (packages/csv-users) that the server, the CLI and the SDK
 * load from its dist/: build it when missing or older than its source, like the server above.
 */
function buildCsvUsers(): void {
  const dir = path.join(root, 'packages/csv-users');
  const outputs = ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/package.json'].map((f) => path.join(dir, f));
  const built = outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  if (built >= newestMtime(path.join(dir, 'src'))) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'inherit' });
}
