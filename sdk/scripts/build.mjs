// Builds the SDK as it ships: `node scripts/build.mjs [outDir]` (default dist). The CSV reader is the
// workspace package @wholesale-provisioning/csv-users, which is not published: its ES module is copied
// into the SDK's output as csv-users.js and the SDK's imports of it point there, so the package
// depends on graphql and csv-parse only, and bundlers and plain Node resolve it alike.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SPECIFIER = '@wholesale-provisioning/csv-users';
const sdk = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const csvUsers = path.resolve(sdk, '../packages/csv-users');
const outDir = path.resolve(process.argv[2] ?? path.join(sdk, 'dist'));
const require = createRequire(import.meta.url);

// The reader's own build, when missing or older than its source.
const built = path.join(csvUsers, 'dist/esm/index.js');
if (!existsSync(built) || statSync(built).mtimeMs < statSync(path.join(csvUsers, 'src/index.ts')).mtimeMs) {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: csvUsers, stdio: 'inherit' });
}

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(sdk, 'tsconfig.json'), '--outDir', outDir], { stdio: 'inherit' });

copyFileSync(path.join(csvUsers, 'dist/esm/index.js'), path.join(outDir, 'csv-users.js'));
copyFileSync(path.join(csvUsers, 'dist/esm/index.d.ts'), path.join(outDir, 'csv-users.d.ts'));

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
for (const file of files(outDir).filter((f) => /\.(js|d\.ts)$/.test(f))) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(SPECIFIER)) continue;
  let target = path.relative(path.dirname(file), path.join(outDir, 'csv-users.js')).split(path.sep).join('/');
  if (!target.startsWith('.')) target = `./${target}`;
  writeFileSync(file, text.replaceAll(`'${SPECIFIER}'`, `'${target}'`).replaceAll(`"${SPECIFIER}"`, `"${target}"`));
}
