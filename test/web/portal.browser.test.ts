import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerAdminRole } from '../../server/src/partners/partner-admin.entity';
import { startTestServer, type TestPartner, type TestServer } from '../support/test-server';
import {
  chromiumMissingMessage, chromiumPath, ensureWebAppBuilt, expectDescribedError, launchChromium, next, Portal, screenshotDir, signIn, stepHeading,
} from '../support/browser';

// The partner portal (domain.md §13) in a real headless Chromium against the real server and the
// built app: the seed's whole flow, one error per wizard step, a 1,000-row CSV import, a read-only
// admin, and an axe-core scan of every screen. Screenshots of every step land in test/web/screenshots/.

if (!chromiumPath) console.warn(chromiumMissingMessage);

// CI installs Chromium (.ci/run) and sets CI_REQUIRE_CHROMIUM: there a missing browser fails instead of skipping.
describe.runIf(!chromiumPath && process.env.CI_REQUIRE_CHROMIUM === '1')('Chromium for the browser suite', () => {
  it('is installed', () => {
    throw new Error(chromiumMissingMessage);
  });
});

let server: TestServer;
let partner: TestPartner;
let origin: string;

beforeAll(async () => {
  ensureWebAppBuilt();
  server = await startTestServer();
  origin = server.url.replace(/\/$/, '');
  partner = await server.newPartner('Acme Telecom');
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('the server serves the partner portal at /app/', () => {
  it('redirects /app, serves index.html uncached with a same-origin CSP, hashed assets immutable, client routes as index.html', async () => {
    const bare = await fetch(`${origin}/app`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/app/');

    const index = await fetch(`${origin}/app/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(index.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await index.text();
    // Nothing from elsewhere: every script and stylesheet is a file under /app/assets/.
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(1);
    for (const url of urls) expect(url).toMatch(/^\/app\//);
    const asset = urls.find((u) => /\/assets\/.+\.js$/.test(u))!;
    const script = await fetch(origin + asset);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-type')).toMatch(/javascript/);

    const route = await fetch(`${origin}/app/customers/some-id/setup`);
    expect(route.status).toBe(200);
    expect(await route.text()).toBe(html);
    expect(route.headers.get('cache-control')).toBe('no-cache');

    const missingAsset = await fetch(`${origin}/app/assets/missing-0000.js`);
    expect(missingAsset.status).toBe(404);
    const post = await fetch(`${origin}/app/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
  });

  it('ships the app in chunks under Vite\'s 500 kB warning, each one served from /app/assets/', async () => {
    const assets = path.join(__dirname, '../../web/dist/assets');
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    // The libraries are split from the app (web/vite.config.ts): one chunk had grown past 500 kB.
    expect(scripts.length).toBeGreaterThan(1);
    for (const file of scripts) {
      // Vite's kB is 1,000 bytes of minified code (build.chunkSizeWarningLimit, default 500).
      expect(statSync(path.join(assets, file)).size, file).toBeLessThanOrEqual(500_000);
      const served = await fetch(`${origin}/app/assets/${file}`);
      expect(served.status, file).toBe(200);
      await served.arrayBuffer();
    }
  });

  it('leaves the API and its CSRF rules as they were', async () => {
    const simple = await fetch(`${origin}/`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' });
    expect(simple.status).toBe(400);
    const json = await server.post({ query: '{ viewer { partner { name } } }' }, { token: partner.token });
    expect(json.status).toBe(200);
    expect(json.body.data.viewer.partner.name).toBe('Acme Telecom');
  });
});

describe.skipIf(!chromiumPath)('the partner portal in Chromium', () => {
  let browser: Browser;
  let portal: Portal;
  let violations: Portal['violations'];

  beforeAll(async () => {
    browser = await launchChromium();
    portal = new Portal(browser, origin, screenshotDir);
    violations = portal.violations;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const step = (page: Page, name: string, readme?: string) => portal.step(page, name, readme);
  const open = (pathname = '/app/') => portal.open(pathname);
  const expectFieldError = (field: Locator, text: string | RegExp) => expectDescribedError(field, text);

  it('runs the seed from sign-in to created users, showing an error on every step, with no serious axe violation', async () => {
    // An existing template, so the wizard's first step can hit TAKEN.
    await partner.client.createTemplate({
      name: 'Benelux SMB', countryCode: 'NL', brandName: 'Acme Telecom',
      serviceProviderAdminId: (await partner.client.viewer()).partner.admins[0]!.id, subscriptionId: partner.subscriptionIds[0]!,
    });
    const { page, close } = await open();

    // Sign in: a refused token is an error on the field; the accepted one lives in sessionStorage only.
    await step(page, 'sign-in');
    await page.getByLabel('API token', { exact: true }).fill('wpt_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectFieldError(page.getByLabel('API token', { exact: true }), /not accepted/);
    await signIn(page, partner.token);
    await expect.poll(() => page.getByTestId('partner-name').textContent()).toBe('Acme Telecom');
    expect(await page.evaluate<string[]>('Object.values(sessionStorage)')).toContain(partner.token);
    expect(await page.evaluate<string>('JSON.stringify(localStorage)')).not.toContain(partner.token);
    await page.getByRole('cell', { name: 'Benelux SMB' }).waitFor();
    await step(page, 'templates');

    // Template wizard, keyboard first: Enter in a field is Next.
    await page.getByRole('button', { name: 'Create template' }).click();
    await stepHeading(page, 'Primary settings');
    const name = page.getByLabel('Template name', { exact: true });
    await name.focus();
    await page.keyboard.type('benelux smb');
    await page.getByLabel('Country or region').selectOption({ label: 'Netherlands' });
    // The dropdowns come from viewer: its one admin and one subscription are preselected.
    expect(await page.getByLabel('Service provider admin').inputValue()).not.toBe('');
    expect(await page.getByLabel('Wholesale subscription').inputValue()).toBe(partner.subscriptionIds[0]);
    await name.press('Enter');
    await expectFieldError(name, /already|taken|exists/i);
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-name');
    await step(page, 'template-1-primary-error');
    await name.fill('Benelux SMB 2025');
    await name.press('Enter');
    await stepHeading(page, 'Authentication');
    // Focus lands on the new step's heading.
    expect(await page.evaluate<string | undefined>('document.activeElement?.tagName')).toBe('H2');

    await page.getByLabel('Authentication method').selectOption('PARTNER_SAML');
    await next(page);
    await expectFieldError(page.getByLabel('IdP entity ID'), /required|entity/i);
    await step(page, 'template-2-authentication-error');
    await page.getByLabel('IdP entity ID').fill('https://idp.acme.example/saml');
    await next(page);

    await stepHeading(page, 'PSTN');
    const providers = await page.getByLabel('PSTN provider').locator('option').allTextContents();
    const catalog = (await partner.client.pstnProviders()).map((p) => p.name);
    expect(providers.slice(1)).toEqual(catalog);
    await page.getByLabel('PSTN provider').selectOption({ index: 1 });
    await step(page, 'template-3-pstn');
    await next(page);

    await stepHeading(page, 'General settings');
    // The email language is chosen from the catalog (nothing to mistype); its variant waits for a language.
    const emailLanguage = page.getByRole('combobox', { name: 'Default email language', exact: true });
    const emailVariant = page.getByRole('combobox', { name: 'Default email language variant' });
    expect(await emailVariant.isDisabled()).toBe(true);
    const offered = await emailLanguage.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
    expect(offered).toContain('nl');
    expect(offered).not.toContain('iw'); // a former code is accepted but not offered
    await next(page);
    await expectFieldError(page.getByLabel('Brand name', { exact: true }), /required|empty/i);
    await step(page, 'template-4-general-error');
    await page.getByLabel('Brand name', { exact: true }).fill('Acme Business');
    await emailLanguage.selectOption('nl');
    await emailVariant.selectOption('NL');
    await next(page);

    await stepHeading(page, 'Review');
    // The review is the dry run: the PSTN warning comes from the server, and nothing was written yet.
    await page.getByText(/not recommended/i).waitFor();
    expect((await partner.client.templates()).totalCount).toBe(1);
    await step(page, 'template-5-review', 'template-review');
    await page.getByRole('button', { name: 'Back' }).click();
    await stepHeading(page, 'General settings');
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByLabel('PSTN provider').selectOption('');
    await next(page);
    await next(page);
    await stepHeading(page, 'Review');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: 'Template created' }).waitFor();
    const provisioningId = (await page.locator('#provisioning-id').textContent())!;
    const template = (await partner.client.templates()).edges[0]!.node;
    expect(provisioningId).toBe(template.provisioningId);
    expect(template.defaultEmailLanguage).toBe('nl_NL');
    await page.getByRole('button', { name: 'Copy provisioning ID' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(provisioningId);
    await step(page, 'template-created');

    // Create customer, from the new template.
    await page.getByRole('link', { name: 'Create customer from this template' }).click();
    await stepHeading(page, 'Details');
    expect(await page.getByLabel('Template', { exact: true }).inputValue()).toBe(provisioningId);
    await page.getByLabel('Company name').fill('Bakkerij de Vries');
    await page.getByLabel('Admin email').fill('it@devries');
    await next(page);
    await expectFieldError(page.getByLabel('Admin email'), /email|address/i);
    await step(page, 'customer-1-details-error');
    await page.getByLabel('Admin email').fill('it@devries.example');
    await next(page);

    await stepHeading(page, 'Packages');
    const packageOptions = await page.getByLabel('Package', { exact: true }).locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? '').filter(Boolean));
    const orgPackages = (await partner.client.packages()).filter((p) => p.customerLevel).map((p) => p.package);
    expect(packageOptions.sort()).toEqual([...orgPackages].sort());
    await next(page);
    await expectFieldError(page.getByLabel('Package', { exact: true }), /choose/i);
    // Add-on rule from the catalog: Webex Meetings has no calling, so no add-on.
    await page.getByLabel('Package', { exact: true }).selectOption('WEBEX_MEETINGS');
    // The changed field's old error goes (until the next check).
    expect(await page.getByLabel('Package', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByLabel('Cisco Calling Plan').isDisabled()).toBe(true);
    await page.getByText(/Add-ons need a package with calling/).waitFor();
    await step(page, 'customer-2-packages-rule');
    await page.getByLabel('Package', { exact: true }).selectOption('WEBEX_CALLING');
    await page.getByLabel('Cisco Calling Plan').check();
    await next(page);

    await stepHeading(page, 'Headquarters');
    await page.getByLabel('Location name').fill('Amsterdam');
    await page.getByLabel('Country or region').selectOption('NL');
    await page.getByLabel('Address line 1').fill('Damrak 1');
    await page.getByLabel('City').fill('Amsterdam');
    await page.getByLabel('Time zone').selectOption('Europe/Amsterdam');
    await next(page);
    const confirm = page.getByLabel('I verify that this customer is in a Webex-supported location', { exact: true });
    await expectFieldError(confirm, /./);
    await expectFieldError(page.getByLabel('Postal code'), /required|postal/i);
    await step(page, 'customer-3-headquarters-error');
    await page.getByLabel('Postal code').fill('1012 LG');
    await confirm.check();
    await next(page);

    await stepHeading(page, 'Review');
    expect((await partner.client.customers()).totalCount).toBe(0);
    await step(page, 'customer-4-review');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'Bakkerij de Vries' }).waitFor();
    await page.getByText('Customer created.').waitFor();
    await page.getByRole('cell', { name: 'it@devries.example' }).first().waitFor();
    await page.getByRole('heading', { name: 'Outbox (1)' }).waitFor();
    await step(page, 'customer-page');

    // Set up customer.
    await page.getByRole('button', { name: 'Set up customer' }).click();
    await stepHeading(page, 'Locations');
    await page.getByRole('button', { name: 'Add location' }).click();
    await page.getByLabel('Location name').fill('Rotterdam');
    await page.getByLabel('Address line 1').fill('Coolsingel 40');
    await page.getByLabel('Postal code').fill('3011 AD');
    await page.getByLabel('Time zone').selectOption('Europe/Amsterdam');
    await next(page);
    await expectFieldError(page.getByLabel('City'), /required/i);
    await step(page, 'setup-1-locations-error');
    await page.getByLabel('City').fill('Rotterdam');
    await next(page);

    await stepHeading(page, 'Users');
    const users = [
      ['Eva', 'de Vries', 'eva@devries.example', 'WEBEX_CALLING', ''],
      ['Jan', 'Bakker', 'jan@devries.example', 'WEBEX_CALLING', 'Rotterdam'],
      ['Sanne', 'Visser', 'jan@devries.example', 'WEBEX_VOICE', ''],
    ];
    for (const [i, [first, last, email, pkg, location]] of users.entries()) {
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.locator(`#field-users-${i}-firstName`).fill(first!);
      await page.locator(`#field-users-${i}-lastName`).fill(last!);
      await page.locator(`#field-users-${i}-email`).fill(email!);
      await page.locator(`#field-users-${i}-package`).selectOption(pkg!);
      if (location) await page.locator(`#field-users-${i}-locationName`).selectOption(location);
    }
    await next(page);
    await expectFieldError(page.locator('#field-users-2-email'), /./);
    await page.getByText('1 problem in 1 row').waitFor();
    await step(page, 'setup-2-users-error');
    await page.locator('#field-users-2-email').fill('sanne@devries.example');
    await next(page);

    await stepHeading(page, 'Phone numbers');
    await page.locator('#field-users-0-phoneNumber').fill('+31 20 794 8001');
    await page.locator('#field-users-1-phoneNumber').fill('12345');
    await page.locator('#field-users-2-extension').fill('2003');
    await next(page);
    await expectFieldError(page.locator('#field-users-1-phoneNumber'), /./);
    await step(page, 'setup-3-numbers-error');
    await page.locator('#field-users-1-phoneNumber').fill('+31 10 794 8002');
    await next(page);

    await stepHeading(page, 'Review');
    expect((await partner.client.customerUsers((await partner.client.customers()).edges[0]!.node.id))!.totalCount).toBe(1);
    // An error made on the review shows in its row and cell, counted on top, with a jump to it.
    await page.locator('#field-users-2-extension').fill('1');
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByText('1 problem in 1 row').waitFor();
    await expectFieldError(page.locator('#field-users-2-extension'), /./);
    await page.locator('#field-users-0-firstName').focus();
    await page.getByRole('button', { name: 'Go to the first problem' }).click();
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-users-2-extension');
    expect(await page.getByRole('button', { name: 'Create users' }).isDisabled()).toBe(true);
    await step(page, 'setup-4-review-errors', 'setup-review-errors');
    await page.locator('#field-users-2-extension').fill('2003');
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Create users' }).isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Create users' }).click();
    await page.getByText(/Set up: 3 users and 1 location created/).waitFor();
    await page.getByRole('heading', { name: 'Users (4)' }).waitFor();
    await page.getByRole('heading', { name: 'Locations (2)' }).waitFor();
    await page.getByText('Active', { exact: true }).first().waitFor();
    await step(page, 'setup-done-customer-page');
    const customer = (await partner.client.customers()).edges[0]!.node;
    expect(customer.status).toBe('ACTIVE');
    const created = (await partner.client.customerUsers(customer.id, { first: 10 }))!.edges.map((e) => e.node);
    expect(created.map((u) => [u.email, u.phoneNumber, u.extension, u.location.name]).sort()).toEqual([
      ['eva@devries.example', '+31207948001', null, 'Amsterdam'],
      ['it@devries.example', null, null, 'Amsterdam'],
      ['jan@devries.example', '+31107948002', null, 'Rotterdam'],
      ['sanne@devries.example', null, '2003', 'Amsterdam'],
    ]);

    // Admin roles and Setup Assist on the customer's page.
    await page.getByLabel('User', { exact: true }).selectOption({ label: 'Eva de Vries (eva@devries.example)' });
    await page.getByLabel('User admin').check();
    await page.getByRole('button', { name: 'Save roles' }).click();
    await page.getByText('Roles saved.').waitFor();
    await page.getByRole('cell', { name: 'User admin' }).waitFor();
    await page.getByLabel('Contact name').fill('Eva de Vries');
    await page.getByLabel('Contact email').fill('eva@');
    await page.getByRole('button', { name: 'Request Setup Assist' }).click();
    await expectFieldError(page.getByLabel('Contact email'), /./);
    await step(page, 'setup-assist-error');
    await page.getByLabel('Contact email').fill('eva@devries.example');
    await page.getByRole('button', { name: 'Request Setup Assist' }).click();
    await page.getByText('Setup Assist requested.').waitFor();
    await page.getByRole('heading', { name: 'Setup Assist requests (1)' }).waitFor();
    await step(page, 'customer-page-roles-assist', 'customer-page');

    // Sign out forgets the token.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token', { exact: true }).waitFor();
    expect(await page.evaluate<string>('JSON.stringify(sessionStorage)')).not.toContain(partner.token);
    await close();
    expect(violations).toEqual({});
  }, 150_000);

  it('imports 1,000 users from a CSV file with a progress bar and creates them', async () => {
    const template = (await partner.client.templates()).edges[0]!.node;
    const customer = await partner.client.createCustomer({
      provisioningId: template.provisioningId, companyName: 'Groothandel Jansen', adminEmail: 'it@jansen.example', package: 'WEBEX_SUITE',
      supportedLocationConfirmed: true,
      headquarters: { name: 'Utrecht', timeZone: 'Europe/Amsterdam', address: { line1: 'Oudegracht 1', city: 'Utrecht', postalCode: '3511 AA', countryCode: 'NL' } },
    });
    const rows = ['First Name,Last Name,Email,Package,Extension'];
    for (let i = 0; i < 1000; i++) rows.push(`User${i},Jansen,user${i}@jansen.example,${i % 2 ? 'WEBEX_CALLING' : 'WEBEX_MEETINGS'},${i % 2 ? 3000 + i : ''}`);
    const { page, close } = await open(`/app/customers/${customer.id}/setup`);
    await signIn(page, partner.token);
    await stepHeading(page, 'Locations');
    await next(page);
    await stepHeading(page, 'Users');
    await page.getByLabel('Import users from a CSV file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await page.getByText('Read 1,000 users from users.csv.').waitFor();
    expect(await page.locator('progress').first().getAttribute('value')).toBe('1000');
    await page.getByText('Rows 1–50 of 1,000').waitFor();
    await step(page, 'csv-imported');
    await next(page);
    await stepHeading(page, 'Phone numbers');
    await page.getByRole('table').getByText('Calling users (500)').waitFor();
    await next(page);
    await stepHeading(page, 'Review');
    await page.getByRole('button', { name: 'Create users' }).click();
    await page.getByText(/Set up: 1,000 users and 0 locations created/).waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Users (1,001)' }).waitFor();
    expect((await partner.client.customerUsers(customer.id))!.totalCount).toBe(1001);
    await close();
    expect(violations).toEqual({});
  }, 90_000);

  it('a CSV file with bad rows shows every error in its row and cell, and a malformed file says which line', async () => {
    const customers = await partner.client.customers({ filter: { search: 'jansen' } });
    const customer = customers.edges[0]!.node;
    const { page, close } = await open(`/app/customers/${customer.id}/setup`);
    await signIn(page, partner.token);
    await next(page);
    await stepHeading(page, 'Users');
    await page.getByLabel('Import users from a CSV file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('First Name,Last Name,Email\nA,"B,c@x.example\n') });
    await page.getByText(/Line 2 is not valid CSV/).waitFor();
    // 60 rows, problems on rows 55 and 58 only: the table's first page (rows 1–50) has none, so the
    // jump must page to them. Row 55 repeats a user of the 1,000 imported above; row 58 names no package.
    const lines = ['First Name,Last Name,Email,Package,Extension'];
    for (let i = 1; i <= 60; i++) {
      const email = i === 55 ? 'user1@jansen.example' : `extra${i}@jansen.example`;
      lines.push(`Extra${i},Smit,${email},${i === 58 ? 'NO_SUCH_PACKAGE' : 'WEBEX_CALLING'},${5000 + i}`);
    }
    await page.getByLabel('Import users from a CSV file').setInputFiles({ name: 'users2.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.getByText('Read 60 users from users2.csv.').waitFor();
    await next(page);
    await page.getByText('2 problems in 2 rows').waitFor();
    await page.getByText('Rows 1–50 of 60').waitFor();
    await page.getByRole('button', { name: 'Go to the first problem' }).click();
    await page.getByText('Rows 51–60 of 60').waitFor();
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-users-54-email');
    await expectFieldError(page.locator('#field-users-54-email'), /already/);
    await expectFieldError(page.locator('#field-users-57-package'), /NO_SUCH_PACKAGE/);
    // The row header names the CSV line, to find the row in the file.
    expect(await page.locator('#row-54').textContent()).toBe('55 line 56');
    await step(page, 'csv-errors');
    await close();
    expect(violations).toEqual({});
  }, 60_000);

  it('lists customers with search, status filter and pages; edits and deletes templates', async () => {
    const template = (await partner.client.templates()).edges[0]!.node;
    for (let i = 0; i < 21; i++) {
      await partner.client.createCustomer({
        provisioningId: template.provisioningId, companyName: `Kapsalon ${String(i).padStart(2, '0')}`, adminEmail: `it@kapsalon${i}.example`, package: 'WEBEX_MEETINGS',
        supportedLocationConfirmed: true,
        headquarters: { name: 'HQ', timeZone: 'Europe/Amsterdam', address: { line1: 'Straat 1', city: 'Leiden', postalCode: '2311 AA', countryCode: 'NL' } },
      });
    }
    const { page, close } = await open('/app/customers');
    await signIn(page, partner.token);
    await page.getByText('1–20 of 23 customers').waitFor();
    await step(page, 'customers');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('21–23 of 23 customers').waitFor();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('1–20 of 23 customers').waitFor();
    await page.getByLabel('Status').selectOption('ACTIVE');
    await page.getByText('1–2 of 2 customers').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search').fill('vries');
    await page.getByText('1–1 of 1 customers').waitFor();
    await page.getByRole('link', { name: 'Bakkerij de Vries' }).waitFor();
    await step(page, 'customers-search');

    // Template edit: save a change, delete is refused while customers use it; an unused one goes.
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('link', { name: 'Benelux SMB 2025' }).click();
    await page.getByLabel('Brand name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectFieldError(page.getByLabel('Brand name', { exact: true }), /./);
    await page.getByLabel('Brand name', { exact: true }).fill('Acme Zakelijk');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(/Changes saved/).waitFor();
    expect(await page.getByRole('button', { name: 'Delete template' }).isDisabled()).toBe(true);
    await page.getByText(/cannot be deleted/).waitFor();
    await step(page, 'template-edit');
    expect((await partner.client.template(template.id))!.brandName).toBe('Acme Zakelijk');
    await page.getByRole('link', { name: 'Templates' }).first().click();
    await page.getByRole('link', { name: 'Benelux SMB', exact: true }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete template' }).click();
    await page.getByRole('heading', { name: 'Templates' }).waitFor();
    await expect.poll(async () => (await partner.client.templates()).totalCount).toBe(1);
    await close();
    expect(violations).toEqual({});
  }, 90_000);

  it('a read-only admin sees every mutation disabled, with the reason', async () => {
    const readOnly = await server.app.services.partners.createAdmin({ partnerId: partner.partnerId, email: 'viewer@acme.example', role: PartnerAdminRole.READ_ONLY });
    const customer = (await partner.client.customers({ filter: { search: 'vries' } })).edges[0]!.node;
    const { page, close } = await open();
    await signIn(page, readOnly.token);
    await page.getByText(/read-only/).first().waitFor();
    const create = page.getByRole('button', { name: 'Create template' });
    expect(await create.isDisabled()).toBe(true);
    const reasonId = (await create.getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${reasonId}`).textContent()).toMatch(/read-only/);
    await step(page, 'read-only-templates');
    await page.goto(`${origin}/app/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Bakkerij de Vries' }).waitFor();
    for (const label of ['Set up customer', 'Save roles', 'Request Setup Assist']) {
      const button = page.getByRole('button', { name: label });
      expect(await button.isDisabled(), label).toBe(true);
      expect(await button.getAttribute('aria-describedby'), label).toBe(reasonId);
    }
    await step(page, 'read-only-customer');
    await page.goto(`${origin}/app/templates/new`);
    await stepHeading(page, 'Primary settings');
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    // A token revoked mid-session: the next screen sends the admin back to Sign in, saying why.
    await server.app.services.partners.revokeToken(readOnly.token);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('API token', { exact: true }).waitFor();
    await page.getByText(/not accepted/).waitFor();
    expect(await page.evaluate<string>('JSON.stringify(sessionStorage)')).not.toContain(readOnly.token);
    await close();
    expect(violations).toEqual({});
  }, 60_000);
});
