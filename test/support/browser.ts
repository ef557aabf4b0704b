import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { CreateTemplateInput } from '../../sdk/src/index';
import { aTemplateInput } from './factories';
import { startTestServer, type TestPartner, type TestServer } from './test-server';

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


/** An open portal tab; `close` asserts that it loaded nothing from elsewhere and threw no page error. */
export interface PortalTab { page: Page; requests: string[]; close(): Promise<void> }

/**
 * What every browser suite does with the portal: open a tab (signed in or not), take a step's
 * screenshot with an axe-core scan, and read an error the way a screen reader would.
 */
export class Portal {
  /** Serious axe-core violations by step name; each test asserts it is empty at its end. */
  readonly violations: Record<string, AxeViolation[]> = {};
  private shot = 0;

  /** @param shots a folder of this suite's own (suites run in parallel), emptied here; null: no screenshots. */
  constructor(private readonly browser: Browser, readonly origin: string, private readonly shots: string | null = null) {
    if (shots) {
      rmSync(shots, { recursive: true, force: true });
      mkdirSync(shots, { recursive: true });
    }
  }

  /** A fresh context at `pathname`, signed in with `token` when one is given. */
  async open(pathname = '/app/', token?: string): Promise<PortalTab> {
    const { context, requests } = await newContext(this.browser, this.origin);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(this.origin + pathname);
    if (token !== undefined) await signIn(page, token);
    return {
      page, requests,
      close: async () => {
        expect(requests.filter((u) => !u.startsWith(`${this.origin}/`) && !u.startsWith('data:'))).toEqual([]);
        expect(errors).toEqual([]);
        await context.close();
      },
    };
  }

  /**
   * The page as it is now (an open dialog included): a numbered full-page screenshot when the suite
   * keeps them, `readme-<readme>.png` of the first screenful for README, and an axe-core scan.
   */
  async step(page: Page, name: string, readme?: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    if (this.shots) {
      await page.screenshot({ path: path.join(this.shots, `${String(++this.shot).padStart(2, '0')}-${name}.png`), fullPage: true });
      if (readme) {
        await page.evaluate('window.scrollTo(0, 0)');
        await page.screenshot({ path: path.join(this.shots, `readme-${readme}.png`) });
      }
    }
    const found = await seriousViolations(page);
    if (found.length) this.violations[name] = found;
  }
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * The element shows the error as assistive technology reads it: its aria-describedby names elements
 * whose text matches, and (for fields, by default) it is aria-invalid.
 */
export async function expectDescribedError(element: Locator, text: string | RegExp, { invalid = true } = {}): Promise<void> {
  if (invalid) await expect.poll(() => element.getAttribute('aria-invalid')).toBe('true');
  await expect.poll(async () => {
    const describedBy = (await element.getAttribute('aria-describedby')) ?? '';
    const page = element.page();
    const texts = await Promise.all(describedBy.split(' ').filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()));
    return texts.join(' ');
  }).toMatch(text);
}

export const next = (page: Page) => page.getByRole('button', { name: 'Next', exact: true }).click();
/** Waits for a wizard's step heading ("Step 2 of 5: Packages"). */
export const stepHeading = (page: Page, title: string) => page.getByRole('heading', { name: new RegExp(`Step \\d of \\d: ${title}$`) }).waitFor();

/** What a browser suite of the portal works with: a server, a partner with one template, and a Portal in Chromium. */
export interface PortalSuite {
  readonly server: TestServer;
  readonly partner: TestPartner;
  readonly templateId: string;
  readonly portal: Portal;
  /** The portal's axe-core findings by step; each test asserts it is empty at its end. */
  readonly violations: Portal['violations'];
}

/**
 * Starts, for the enclosing describe, the built app's server, a partner ("Acme Telecom") with a
 * template (`template` overrides its input) and Chromium, and stops them after it.
 * @param options.shots a screenshot folder of the suite's own (suites run in parallel), or none.
 */
export function usePortalSuite(options: { shots?: string; template?: Partial<CreateTemplateInput> } = {}): PortalSuite {
  let state: { server: TestServer; partner: TestPartner; templateId: string; portal: Portal; browser: Browser } | undefined;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureWebAppBuilt();
    server = await startTestServer();
    const partner = await server.newPartner('Acme Telecom');
    const templateId = (await partner.client.createTemplate(aTemplateInput(partner, options.template))).id;
    browser = await launchChromium();
    state = { server, partner, templateId, browser, portal: new Portal(browser, server.url.replace(/\/$/, ''), options.shots ?? null) };
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const started = () => {
    if (!state) throw new Error('usePortalSuite: the suite starts in beforeAll; read it inside a test or a hook');
    return state;
  };
  return {
    get server() { return started().server; },
    get partner() { return started().partner; },
    get templateId() { return started().templateId; },
    get portal() { return started().portal; },
    get violations() { return started().portal.violations; },
  };
}
