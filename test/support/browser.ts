import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const root = path.resolve(__dirname, '../..');

/**
 * Debian's `chromium` package (npm cannot download browsers here). CHROMIUM_PATH overrides the
 * place; without a browser the browser suite skips with this module's `chromiumMissingMessage`.
 */
export const chromiumPath: string | null = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  .find((p): p is string => !!p && existsSync(p)) ?? null;

export const chromiumMissingMessage =
  'Browser suite (test/web) skipped: no Chromium found at /usr/bin/chromium. Install Debian\'s package with '
  + '`sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium or Chrome binary) and run `npm test` again.';

/** The launch flags of a quiet, offline headless browser (root needs --no-sandbox). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath!,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((e) => newestMtime(path.join(target, e))));
}

/**
 * The browser suite tests the built app, as `npm start` serves it. CI runs `npm run build` first;
 * locally this builds the SDK and the app once when they are missing or older than their sources.
 */
export function ensureWebAppBuilt(): string {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const sdkBuilt = newestMtime(path.join(root, 'sdk/dist/index.js'));
  if (!sdkBuilt || sdkBuilt < newestMtime(path.join(root, 'sdk/src'))) {
    execFileSync(npm, ['run', 'build:sdk', '--silent'], { cwd: root, stdio: 'inherit' });
  }
  const index = path.join(root, 'web/dist/index.html');
  const built = newestMtime(index);
  const sources = Math.max(...['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'sdk/dist'].map((p) => newestMtime(path.join(root, p))));
  if (!built || built < sources) {
    try {
      // NODE_ENV=test (vitest's) would bundle React's development build.
      execFileSync(npm, ['run', 'build:web', '--silent'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    } catch (error) {
      throw new Error(`The partner portal (web/) did not build: run \`npm run build\` and read its errors. ${String(error)}`);
    }
  }
  if (!existsSync(index)) throw new Error('web/dist/index.html is missing after the build: run `npm run build`.');
  return path.dirname(index);
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA and best practices). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.addScriptTag({ content: axeSource });
  // A string, so this Node-side file needs no DOM types: axe.run in the page, over the whole document.
  const result = await page.evaluate<{ violations: AxeViolation[] }>(`axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] })`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
}

export const screenshotDir = path.join(root, 'test/web/screenshots');

/**
 * Every request a context makes, to prove the app loads nothing from outside the server. The
 * context bypasses the page's CSP only so axe-core can be injected as an inline script.
 */
export async function newContext(browser: Browser, origin: string): Promise<{ context: BrowserContext; requests: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 860 }, bypassCSP: true, permissions: ['clipboard-read', 'clipboard-write'],
    reducedMotion: 'reduce', locale: 'en-GB',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const requests: string[] = [];
  context.on('request', (request) => { requests.push(request.url()); });
  return { context, requests };
}

export function ensureScreenshotDir(): string {
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });
  return screenshotDir;
}
