import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { rolldown } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, launchChromium } from './support/browser';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const ROOT = path.resolve(__dirname, '..');

/**
 * The flow a page runs with the bundle loaded (the SDK as the global `WholesaleSdk`), as the text of
 * an async function of (url, token, email domain), resolving to a JSON summary.
 */
const FLOW = `async (HUB_URL, HUB_TOKEN, DOMAIN) => {
      const nodeGlobals = ['process', 'Buffer', 'require', 'module', 'global', 'setImmediate', '__dirname']
        .filter((name) => typeof globalThis[name] !== 'undefined');
      const { createClient, ProvisioningError, GraphQLRequestError, importUsersFromCsv } = WholesaleSdk;
      const hub = createClient({ url: HUB_URL, token: HUB_TOKEN });
      const { partner } = await hub.viewer();
      const template = await hub.createTemplate({ name: 'Browser SMB', countryCode: 'NL', brandName: 'Acme',
        serviceProviderAdminId: partner.admins[0].id, subscriptionId: partner.subscriptions[0].id });
      const customer = await hub.createCustomer({ provisioningId: template.provisioningId, companyName: 'Browser BV',
        adminEmail: 'it@' + DOMAIN, package: 'WEBEX_CALLING', supportedLocationConfirmed: true,
        headquarters: { name: 'Amsterdam', timeZone: 'Europe/Amsterdam',
          address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'NL' } } });
      await hub.setupCustomer({ customerId: customer.id, users: [1, 2, 3].map((i) => ({ firstName: 'User', lastName: String(i),
        email: 'user' + i + '@' + DOMAIN, package: 'WEBEX_CALLING', extension: '200' + i })) });
      const csv = await importUsersFromCsv(hub, customer.id, 'firstName,lastName,email,package,extension\\nAnn,B,ann@' + DOMAIN + ',WEBEX_CALLING,2010\\n');
      const users = [];
      for await (const user of hub.paginate(hub.customerUsers, customer.id, { first: 2 })) users.push(user.email);
      let refused = null;
      try {
        await hub.setupCustomer({ customerId: customer.id, users: [{ firstName: '', lastName: 'X', email: 'user1@' + DOMAIN, package: 'WEBEX_CALLING' }] });
      } catch (error) {
        refused = { provisioning: error instanceof ProvisioningError, codes: error.userErrors.map((e) => e.code).sort() };
      }
      let unauthenticated = null;
      try {
        await createClient({ url: HUB_URL, token: 'wpt_nope' }).viewer();
      } catch (error) {
        unauthenticated = { typed: error instanceof GraphQLRequestError, code: error.code, status: error.status };
      }
      return JSON.stringify({ nodeGlobals, status: (await hub.customer(customer.id)).status, csv, users: users.sort(), refused, unauthenticated });
    }`;

function expected(domain: string) {
  return {
    nodeGlobals: [],
    status: 'ACTIVE',
    csv: { rows: 1, imported: 1, errors: [], batches: 1, dryRun: false },
    users: [`ann@${domain}`, `it@${domain}`, `user1@${domain}`, `user2@${domain}`, `user3@${domain}`],
    // firstName REQUIRED, a phone number or extension REQUIRED for Calling, email TAKEN: all at once
    refused: { provisioning: true, codes: ['REQUIRED', 'REQUIRED', 'TAKEN'] },
    unauthenticated: { typed: true, code: 'UNAUTHENTICATED', status: 401 },
  };
}

/**
 * Issue 11: the SDK works in a browser bundle (the portal uses it), not only in Node.
 *
 * The SDK is compiled as it ships (tsc → dist), installed beside its dependencies, and bundled by
 * rolldown (Vite's bundler) for `platform: 'browser'`, resolving its dependencies (graphql,
 * csv-parse's browser build) as a portal's build would. The bundle then runs in a Node `vm` context
 * that holds only what a browser page has (fetch, AbortController, timers, TextEncoder, URL…) and
 * none of Node's globals (no process, Buffer, require, module, global, setImmediate): a Node
 * dependency anywhere in the bundle fails here as it would in a browser. It drives the real server
 * with the runtime's fetch. The same bundle and flow then run in a real headless Chromium (Debian's
 * package, as the portal's browser suite uses it; skipped like that suite when it is missing), from
 * a page of the server's own origin, with the browser's own fetch.
 */
describe('the SDK in a browser bundle', () => {
  let server: TestServer;
  let partner: TestPartner;
  let dir: string;
  let bundle: string;
  let externals: string[];

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    dir = mkdtempSync(path.join(tmpdir(), 'sdk-browser-'));
    const sdk = path.join(dir, 'node_modules/@wholesale-provisioning/sdk');
    mkdirSync(sdk, { recursive: true });
    // The SDK's own build (tsc, and the CSV reader of packages/csv-users copied in): its dist as it ships.
    execFileSync(process.execPath, [path.join(ROOT, 'sdk/scripts/build.mjs'), path.join(sdk, 'dist')]);
    copyFileSync(path.join(ROOT, 'sdk/package.json'), path.join(sdk, 'package.json'));
    for (const dependency of ['graphql', 'csv-parse']) symlinkSync(path.join(ROOT, 'node_modules', dependency), path.join(dir, 'node_modules', dependency));
    writeFileSync(path.join(dir, 'entry.js'), "export * from '@wholesale-provisioning/sdk';\n");
    const build = await rolldown({ input: path.join(dir, 'entry.js'), platform: 'browser', cwd: dir, logLevel: 'silent' });
    const { output } = await build.generate({ format: 'iife', name: 'WholesaleSdk' });
    await build.close();
    expect(output).toHaveLength(1);
    bundle = output[0].code;
    externals = [...output[0].imports, ...output[0].dynamicImports];
  }, 120_000);

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('bundles without Node built-ins', () => {
    // nothing left for the page to load (a `node:` module would be one), and no CommonJS require
    expect(externals).toEqual([]);
    expect(bundle).not.toMatch(/\brequire\(\s*["']/);
    console.log(`[browser] SDK bundle: ${(bundle.length / 1024).toFixed(0)} KiB unminified (graphql's parser and printer, csv-parse's browser build)`);
  });

  it('runs the onboarding flow, pagination, CSV import and typed errors with only a browser’s globals', async () => {
    const page: Record<string, unknown> = {
      fetch, Headers, Request, Response, AbortController, AbortSignal, URL, URLSearchParams, TextEncoder, TextDecoder,
      setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, structuredClone, console, Event, EventTarget,
      DOMException, atob, btoa, crypto, HUB_URL: server.url, HUB_TOKEN: partner.token,
    };
    page.window = page;
    page.self = page;
    const context = vm.createContext(page);
    vm.runInContext(bundle, context, { filename: 'sdk-bundle.js' });
    const result = await vm.runInContext(`(${FLOW})(HUB_URL, HUB_TOKEN, 'vm-bv.example')`, context) as string;
    expect(JSON.parse(result)).toEqual(expected('vm-bv.example'));
  });

  it.skipIf(!chromiumPath)('runs the same flow in a real headless Chromium', async () => {
    const browserPartner = await server.newPartner();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // A page of the API's own origin: the SDK's requests are same-origin, as the portal's are.
      await page.goto(new URL('/healthz', server.url).href);
      await page.addScriptTag({ content: bundle });
      const result = await page.evaluate(`(${FLOW})(${JSON.stringify(server.url)}, ${JSON.stringify(browserPartner.token)}, 'chromium-bv.example')`) as string;
      expect(JSON.parse(result)).toEqual(expected('chromium-bv.example'));
      expect(await page.evaluate('navigator.userAgent')).toMatch(/HeadlessChrome/);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
