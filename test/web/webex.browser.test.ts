import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerAdminRole } from '../../server/src/partners/partner-admin.entity';
import { aCustomerInput, aUser, unique } from '../support/factories';
import type { TestPartner } from '../support/test-server';
import {
  allSettled, connectedPartner, createCustomer, customerSync, gql, setupCustomer, startWebexHarness, waitFor, webexTemplate, type WebexHarness,
} from '../support/webex-harness';
import { chromiumPath, ensureWebAppBuilt, expectDescribedError, launchChromium, next, Portal, stepHeading } from '../support/browser';

// The portal's Webex screens (domain.md §11, §13) in headless Chromium, against the real server
// pointed at the stand-in for Cisco's API: connecting (a refused token on its field), a template's
// Webex Provisioning ID, a customer's Webex state reaching PROVISIONED, a FAILED user's error and
// Retry in Webex, the read-only admin, and axe-core on each screen. (portal.browser.test.ts says
// how to install Chromium when it is missing; this file skips without it.)

let h: WebexHarness;
let origin: string;

beforeAll(async () => {
  ensureWebAppBuilt();
  h = await startWebexHarness();
  origin = h.server.url.replace(/\/$/, '');
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe.skipIf(!chromiumPath)('the portal’s Webex screens in Chromium', () => {
  let browser: Browser;
  let portal: Portal;
  let violations: Portal['violations'];

  beforeAll(async () => {
    browser = await launchChromium();
    // Its own folder: portal.browser.test.ts empties test/web/screenshots/ when it starts, maybe while this file runs.
    portal = new Portal(browser, origin, path.resolve(__dirname, 'screenshots-webex'));
    violations = portal.violations;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const step = (page: Page, name: string) => portal.step(page, name);
  const open = (token: string, pathname: string) => portal.open(pathname, token);
  const expectFieldError = (field: Locator, text: string | RegExp) => expectDescribedError(field, text);
  const webexStatus = (page: Page) => page.getByTestId('webex-status').textContent();
  /** A row of the Locations or Users table (the outbox lists the same emails). */
  const row = (page: Page, table: 'Locations' | 'Users', text: string) =>
    page.getByRole('region', { name: new RegExp(`^${table}`) }).getByRole('row').filter({ hasText: text });

  const connectionOf = async (partner: TestPartner) =>
    (await gql(h.server, partner.token, '{ viewer { partner { webexConnection { connected connectedAt lastError } } } }')).viewer.partner.webexConnection;

  it('connects on the Webex screen (a refused token is an error on Access token), then a template with a Webex Provisioning ID and a customer from it reach PROVISIONED', async () => {
    const partner = await h.server.newPartner('Webex Telecom');
    // A customer created before the partner is connected: its page says Webex is not connected, and where to connect.
    const before = await partner.client.createCustomer(aCustomerInput((await partner.client.createTemplate({
      name: 'Before Webex', countryCode: 'NL', brandName: 'Webex Telecom',
      serviceProviderAdminId: (await partner.client.viewer()).partner.admins[0]!.id, subscriptionId: partner.subscriptionIds[0]!,
    })).id));
    const { page, close } = await open(partner.token, `/app/customers/${before.id}`);
    await page.getByTestId('webex-not-connected').waitFor();
    expect(await page.getByTestId('webex-not-connected').textContent()).toMatch(/Webex is not connected/);
    expect(await page.getByRole('columnheader', { name: 'Webex' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Retry in Webex' }).count()).toBe(0);
    await step(page, 'customer-not-connected');
    await page.getByTestId('webex-not-connected').getByRole('link', { name: 'Webex' }).click();

    // The Webex screen: not connected yet.
    await page.getByRole('heading', { name: 'Webex', level: 1 }).waitFor();
    expect(await page.getByTestId('webex-connected').textContent()).toBe('No');
    const access = page.getByLabel('Access token', { exact: true });
    const refresh = page.getByLabel('Refresh token', { exact: true });
    expect(await access.getAttribute('type')).toBe('password');
    expect(await refresh.getAttribute('type')).toBe('password');
    await step(page, 'webex-not-connected');

    // Cisco refuses an unknown token: the error is on the Access token field, and nothing is connected.
    await access.fill('not-a-webex-token');
    await page.getByRole('button', { name: 'Connect to Webex' }).click();
    await expectFieldError(access, /refused/);
    expect((await connectionOf(partner)).connected).toBe(false);
    await step(page, 'webex-refused-token');

    const tokens = h.cisco.issueToken({ label: unique('portal') });
    await access.fill(tokens.accessToken);
    // Editing the field clears its old error until the next try.
    expect(await access.getAttribute('aria-invalid')).toBeNull();
    await refresh.fill(tokens.refreshToken);
    await page.getByRole('button', { name: 'Connect to Webex' }).click();
    await expect.poll(() => page.getByTestId('webex-connected').textContent()).toBe('Yes');
    await page.getByText('Connected to Webex.').waitFor();
    expect(await connectionOf(partner)).toMatchObject({ connected: true, lastError: null });
    // The tokens are never shown again, nor kept in the page.
    expect(await access.inputValue()).toBe('');
    expect(await refresh.inputValue()).toBe('');
    const html = await page.content();
    expect(html).not.toContain(tokens.accessToken);
    expect(html).not.toContain(tokens.refreshToken);
    await step(page, 'webex-connected');

    // A template with a Webex Provisioning ID, through the wizard; a malformed ID is an error on its field.
    const webexProvisioningId = unique('prov-');
    h.cisco.registerProvisioningId(webexProvisioningId);
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('button', { name: 'Create template' }).click();
    await stepHeading(page, 'Primary settings');
    await page.getByLabel('Template name', { exact: true }).fill('Webex SMB');
    await page.getByLabel('Country or region').selectOption({ label: 'Netherlands' });
    await next(page);
    await stepHeading(page, 'Authentication');
    await next(page);
    await stepHeading(page, 'PSTN');
    await next(page);
    await stepHeading(page, 'General settings');
    await page.getByLabel('Brand name', { exact: true }).fill('Webex Telecom');
    const provisioningField = page.getByLabel('Webex Provisioning ID', { exact: true });
    await provisioningField.fill('has spaces in it');
    await next(page);
    await expectFieldError(provisioningField, /spaces/);
    await step(page, 'template-webex-provisioning-id-error');
    await provisioningField.fill(webexProvisioningId);
    await next(page);
    await stepHeading(page, 'Review');
    await page.getByRole('definition').filter({ hasText: webexProvisioningId }).waitFor();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: 'Template created' }).waitFor();
    const template = (await partner.client.templates()).edges.map((e) => e.node).find((t) => t.name === 'Webex SMB')!;
    expect(template.webexProvisioningId).toBe(webexProvisioningId);

    // A customer from it, through the wizard.
    await page.getByRole('link', { name: 'Create customer from this template' }).click();
    await stepHeading(page, 'Details');
    await page.getByLabel('Company name').fill('Webex Bakery');
    await page.getByLabel('Admin email').fill('it@webex-bakery.example');
    await next(page);
    await stepHeading(page, 'Packages');
    await page.getByLabel('Package', { exact: true }).selectOption('WEBEX_CALLING');
    await next(page);
    await stepHeading(page, 'Headquarters');
    await page.getByLabel('Location name').fill('Amsterdam');
    await page.getByLabel('Country or region').selectOption('NL');
    await page.getByLabel('Address line 1').fill('Damrak 1');
    await page.getByLabel('City').fill('Amsterdam');
    await page.getByLabel('Postal code').fill('1012 LG');
    await page.getByLabel('Time zone').selectOption('Europe/Amsterdam');
    await page.getByLabel('I verify that this customer is in a Webex-supported location', { exact: true }).check();
    await next(page);
    await stepHeading(page, 'Review');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'Webex Bakery' }).waitFor();

    // Its page follows the sync by itself until Cisco has provisioned it: status, Cisco's orgId, the headquarters' column.
    await expect.poll(() => webexStatus(page), { timeout: 45_000 }).toBe('PROVISIONED');
    const customerId = decodeURIComponent(new URL(page.url()).pathname.split('/')[3]!);
    const cisco = h.cisco.customerByExternalId(customerId)!;
    expect(cisco.provisioningId).toBe(webexProvisioningId);
    expect(await page.getByTestId('webex-org-id').textContent()).toBe(cisco.orgId);
    await page.getByRole('columnheader', { name: 'Webex' }).first().waitFor();
    await expect.poll(() => row(page, 'Locations', 'Damrak 1').getByText('PROVISIONED').count(), { timeout: 45_000 }).toBe(1);
    // The full admin (created with the customer) has a calling package but no number yet: the connector
    // waits for setupCustomer and its row says why; nothing is in flight, so the page stops refreshing.
    const adminRow = row(page, 'Users', 'it@webex-bakery.example');
    await expect.poll(() => adminRow.getByText('QUEUED').count()).toBe(1);
    await expect.poll(() => adminRow.textContent()).toMatch(/phone number or an extension/);
    await expect.poll(() => page.getByText('Webex is still working on this customer').count(), { timeout: 45_000 }).toBe(0);
    expect(await page.getByRole('button', { name: 'Retry in Webex' }).count()).toBe(0);
    await step(page, 'customer-webex-provisioned');
    await close();
    expect(violations).toEqual({});
  }, 120_000);

  it('shows a user Cisco refused as FAILED with its error and trackingId; Retry in Webex re-drives it to PROVISIONED', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { companyName: 'Refused Bakery' }));
    const refused = aUser({ firstName: 'Refused' });
    const number = refused.phoneNumber!.replace(/ /g, '');
    h.cisco.markNumberNotInInventory(number);
    await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser(), email: customer.adminEmail }, refused, aUser()] });
    await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');

    const { page, close } = await open(partner.token, `/app/customers/${customer.id}`);
    const refusedRow = row(page, 'Users', refused.email);
    await refusedRow.getByText('FAILED').waitFor();
    const state = await customerSync(h, partner, customer.id);
    const failed = state.users.find((u: any) => u.email === refused.email);
    expect(failed.status).toBe('FAILED');
    // Cisco's words and trackingId, in the user's row.
    expect(await refusedRow.textContent()).toContain(failed.errors[0].description);
    expect(await refusedRow.textContent()).toContain(failed.errors[0].trackingId);
    expect(await row(page, 'Users', customer.adminEmail).getByText('PROVISIONED').count()).toBe(1);
    expect(await webexStatus(page)).toBe('PROVISIONED');
    await step(page, 'customer-webex-user-failed');

    // Cisco has the number now: Retry in Webex sends the user again, and the page follows it to PROVISIONED.
    h.cisco.restoreNumberToInventory(number);
    const retry = page.getByRole('button', { name: 'Retry in Webex' });
    expect(await retry.isDisabled()).toBe(false);
    await retry.click();
    await expect.poll(() => refusedRow.getByText('PROVISIONED').count(), { timeout: 45_000 }).toBe(1);
    expect((await customerSync(h, partner, customer.id)).users.find((u: any) => u.email === refused.email).status).toBe('PROVISIONED');
    await expect.poll(() => retry.count()).toBe(0);
    await step(page, 'customer-webex-retried');
    await close();
    expect(violations).toEqual({});
  }, 120_000);

  it('counts every user of a customer with more users than a page holds, and reaches a FAILED user beyond the first 100 by its status; Retry in Webex goes once none failed', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE', companyName: 'Big Bakery' }));
    const refused = aUser({ firstName: 'Refused' });
    const number = refused.phoneNumber!.replace(/ /g, '');
    h.cisco.markNumberNotInInventory(number);
    // Newest first: the refused user, created before the 101 others, is beyond the first 100 users.
    const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, refused];
    for (let i = 0; i < 101; i++) users.push(aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null }));
    await setupCustomer(h, partner, { customerId: customer.id, users });
    const settled = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');
    expect(settled.userCount).toBe(103);
    // The harness reads the first 100 users: the refused one is not among them.
    expect(settled.users.map((u: any) => u.email)).not.toContain(refused.email);

    const { page, close } = await open(partner.token, `/app/customers/${customer.id}`);
    await expect.poll(() => webexStatus(page)).toBe('PROVISIONED');
    // The counts are the whole customer's, not the page's.
    await expect.poll(() => page.getByTestId('webex-user-counts').textContent()).toBe('102 PROVISIONED, 1 FAILED');
    await page.getByText('1 failed in Webex: Retry in Webex sends it again.').waitFor();
    // The section lists the FAILED users first: the refused one, with Cisco's words and trackingId.
    const section = page.getByTestId('webex-users');
    const statusField = section.getByLabel('Webex status of users', { exact: true });
    expect(await statusField.inputValue()).toBe('FAILED');
    const refusedRow = section.getByRole('row').filter({ hasText: refused.email });
    await refusedRow.getByText('FAILED').waitFor();
    const failed = (await partner.client.customerWebexUsers(customer.id, { filter: { webexStatus: 'FAILED' } }))!.edges.map((e) => e.node);
    expect(failed.map((u) => u.email)).toEqual([refused.email]);
    expect(await refusedRow.textContent()).toContain(failed[0]!.webex.errors[0]!.trackingId);
    await step(page, 'customer-webex-users-failed');

    // Every PROVISIONED user is reachable too, 25 at a time.
    await statusField.selectOption('PROVISIONED');
    await section.getByText('1–25 of 102 PROVISIONED users').waitFor();
    for (const range of ['26–50', '51–75', '76–100', '101–102']) {
      await section.getByRole('button', { name: 'Next page' }).click();
      await section.getByText(`${range} of 102 PROVISIONED users`).waitFor();
    }
    expect(await section.getByRole('row').filter({ hasText: customer.adminEmail }).count()).toBe(1);
    await step(page, 'customer-webex-users-last-page');

    // Cisco has the number now: Retry in Webex sends the user again; once none failed, the button goes.
    h.cisco.restoreNumberToInventory(number);
    await page.getByRole('button', { name: 'Retry in Webex' }).click();
    await expect.poll(() => page.getByTestId('webex-user-counts').textContent(), { timeout: 45_000 }).toBe('103 PROVISIONED');
    await expect.poll(() => page.getByRole('button', { name: 'Retry in Webex' }).count()).toBe(0);
    expect((await partner.client.customerWebexUsers(customer.id, { filter: { webexStatus: 'FAILED' } }))!.totalCount).toBe(0);
    await close();
    expect(violations).toEqual({});
  }, 120_000);

  it('the template edit form sets, rejects and clears the Webex Provisioning ID, its error on the field', async () => {
    const partner = await h.server.newPartner();
    const templateId = await webexTemplate(h, partner, null);
    const { page, close } = await open(partner.token, `/app/templates/${templateId}`);
    const field = page.getByLabel('Webex Provisioning ID', { exact: true });
    await field.waitFor();
    expect(await field.inputValue()).toBe('');
    const save = page.getByRole('button', { name: 'Save changes' });
    await field.fill('x'.repeat(300));
    await save.click();
    await expectFieldError(field, /at most/);
    const stored = async () => (await partner.client.template(templateId))!.webexProvisioningId;
    expect(await stored()).toBeNull();
    await step(page, 'template-edit-webex-provisioning-id-error');
    await field.fill('  edited-prov-id  ');
    await save.click();
    await page.getByText('Changes saved.', { exact: false }).waitFor();
    expect(await field.getAttribute('aria-invalid')).toBeNull();
    expect(await stored()).toBe('edited-prov-id');
    // Emptied, the ID goes: the template's customers are no longer carried to Webex.
    await field.fill('');
    await save.click();
    await expect.poll(stored).toBeNull();
    await close();
    expect(violations).toEqual({});
  }, 120_000);

  it('a read-only admin sees Connect to Webex and Retry in Webex disabled, with the reason; a full admin follows the hint to the template, sets its ID and retries', async () => {
    const { partner } = await connectedPartner(h);
    // A template without a Webex Provisioning ID: its customer stays NOT_SYNCED, so Retry in Webex is offered.
    const customer = await createCustomer(h, partner, aCustomerInput(await webexTemplate(h, partner, null), { companyName: 'Unsynced Bakery' }));
    expect(customer.webex.status).toBe('NOT_SYNCED');
    const readOnly = await h.server.app.services.partners.createAdmin({ partnerId: partner.partnerId, email: `${unique('viewer')}@partner.example`, role: PartnerAdminRole.READ_ONLY });

    const viewer = await open(readOnly.token, `/app/customers/${customer.id}`);
    let page = viewer.page;
    await expect.poll(() => webexStatus(page)).toBe('NOT_SYNCED');
    const retry = page.getByRole('button', { name: 'Retry in Webex' });
    expect(await retry.isDisabled()).toBe(true);
    const reasonId = (await retry.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${reasonId}"]`).textContent()).toMatch(/read-only/);
    await step(page, 'read-only-customer-webex');
    await page.getByRole('link', { name: 'Webex', exact: true }).click();
    await page.getByRole('heading', { name: 'Webex', level: 1 }).waitFor();
    expect(await page.getByTestId('webex-connected').textContent()).toBe('Yes');
    const connect = page.getByRole('button', { name: 'Connect to Webex' });
    expect(await connect.isDisabled()).toBe(true);
    expect(await page.locator(`[id="${(await connect.getAttribute('aria-describedby'))!}"]`).textContent()).toMatch(/read-only/);
    await step(page, 'read-only-webex');
    await viewer.close();

    // A full admin may press it: the template has no Webex Provisioning ID, and the page says so.
    const admin = await open(partner.token, `/app/customers/${customer.id}`);
    page = admin.page;
    await page.getByRole('button', { name: 'Retry in Webex' }).click();
    await page.getByText(/has no webexProvisioningId/).waitFor();
    expect(await webexStatus(page)).toBe('NOT_SYNCED');
    await step(page, 'customer-webex-retry-refused');
    // The hint links to the template: with a Webex Provisioning ID there, Retry in Webex queues the customer.
    const provisioningId = unique('prov-');
    h.cisco.registerProvisioningId(provisioningId);
    await page.getByTestId('customer-webex').getByRole('link').click();
    await page.getByLabel('Webex Provisioning ID', { exact: true }).fill(provisioningId);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Changes saved.', { exact: false }).waitFor();
    await page.goBack();
    await page.getByRole('button', { name: 'Retry in Webex' }).click();
    await expect.poll(() => webexStatus(page), { timeout: 45_000 }).toBe('PROVISIONED');
    expect(h.cisco.customerByExternalId(customer.id)!.provisioningId).toBe(provisioningId);
    await admin.close();
    expect(violations).toEqual({});
  }, 120_000);
});
