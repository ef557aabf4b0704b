import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../sdk/src/index';
import { PartnerAdminRole } from '../../server/src/partners/partner-admin.entity';
import { aCustomerInput, aUser, unique } from '../support/factories';
import { chromiumMissingMessage, chromiumPath, expectDescribedError, usePortalSuite } from '../support/browser';

// Edit customer on the customer's page (domain.md §12 updateCustomer, §13) in a real headless
// Chromium against the real server and the built app: Review changes is the dry run, each refusal
// shows on the field its path names (a downgrade that users block on Package, an add-on the new
// package does not allow on Add-ons), Save changes writes it, and the page shows the new values.

if (!chromiumPath) console.warn(chromiumMissingMessage);

describe.skipIf(!chromiumPath)('the portal edits a customer', () => {
  const suite = usePortalSuite({ shots: path.resolve(__dirname, 'screenshots-customer-edit'), template: { defaultEmailLanguage: 'en_GB' } });

  async function aCustomer(companyName: string, overrides: Parameters<typeof aCustomerInput>[1] = {}): Promise<Customer> {
    return suite.partner.client.createCustomer(aCustomerInput(suite.templateId, { companyName, adminEmail: `${unique('admin')}@devries.example`, ...overrides }));
  }

  const open = (token: string, pathname: string) => suite.portal.open(pathname, token);
  const editDialog = (page: Page, companyName: string) => page.getByRole('dialog', { name: `Edit ${companyName}` });
  /** The value of a row of the customer's summary (Package, Language, …). */
  const summary = (page: Page, term: string) => page.locator('dl.summary.columns > div').filter({ has: page.getByRole('term').getByText(term, { exact: true }) }).getByRole('definition');

  it('edits company name, language and external ID: Review changes lists them, Save changes writes them and the page shows them', async () => {
    const customer = await aCustomer('Edit Bakery', { externalId: unique('crm-') });
    const { page, close } = await open(suite.partner.token, `/app/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Edit Bakery', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Edit customer' }).click();
    const dialog = editDialog(page, 'Edit Bakery');
    await dialog.waitFor();
    // The form starts from the customer as it is.
    expect(await dialog.getByLabel('Company name', { exact: true }).inputValue()).toBe('Edit Bakery');
    expect(await dialog.getByLabel('Package', { exact: true }).inputValue()).toBe('WEBEX_CALLING');
    expect(await dialog.getByLabel('External ID', { exact: true }).inputValue()).toBe(customer.externalId);
    // Nothing changed: nothing to review.
    expect(await dialog.getByRole('button', { name: 'Review changes' }).isDisabled()).toBe(true);
    await suite.portal.step(page, 'edit-customer-form');

    // A company name with % is refused on its field, by the dry run: nothing is written.
    const companyName = dialog.getByLabel('Company name', { exact: true });
    await companyName.fill('Edit % Bakery');
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    await expectDescribedError(companyName, /must not contain %/);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-companyName');
    expect((await suite.partner.client.customer(customer.id))!.companyName).toBe('Edit Bakery');

    const externalId = unique('erp-');
    await companyName.fill('Bakkerij Edit');
    // Language is chosen, not typed: its dropdowns are the languages and countries catalogs, so they
    // offer exactly what the server accepts (a former code such as iw is not offered anew).
    const language = dialog.getByRole('combobox', { name: 'Language', exact: true });
    const variant = dialog.getByRole('combobox', { name: 'Language variant', exact: true });
    expect(await language.inputValue()).toBe('en');
    expect(await variant.inputValue()).toBe('GB');
    const values = (select: typeof language) => select.locator('option').evaluateAll((os) => os.map((o) => (o as { value: string }).value));
    const [languages, countries] = await Promise.all([suite.partner.client.languages(), suite.partner.client.countries()]);
    expect([...await values(language)].sort()).toEqual(['', ...languages.filter((l) => l.replacedBy === null).map((l) => l.code)].sort());
    expect([...await values(variant)].sort()).toEqual(['', ...countries.map((c) => c.code)].sort());
    expect(await language.locator('option[value="nl"]').textContent()).toBe('Dutch (nl)');
    await language.selectOption('nl');
    await variant.selectOption('NL');
    expect(await variant.locator('option:checked').textContent()).toBe('Netherlands (nl_NL)');
    await dialog.getByLabel('External ID', { exact: true }).fill(externalId);
    // Its old error goes as soon as the field changes.
    expect(await companyName.getAttribute('aria-invalid')).toBeNull();
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    const review = dialog.getByRole('status').filter({ hasText: 'The server accepts these changes' });
    await review.waitFor();
    expect(await review.textContent()).toContain('Edit Bakery → Bakkerij Edit');
    expect(await review.textContent()).toContain(externalId);
    // The review was a dry run: nothing changed yet.
    expect((await suite.partner.client.customer(customer.id))!.companyName).toBe('Edit Bakery');
    await suite.portal.step(page, 'edit-customer-review');

    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'Bakkerij Edit', level: 1 }).waitFor();
    await page.getByText('Changes saved.').waitFor();
    await expect.poll(() => summary(page, 'Language').textContent()).toBe('nl_NL');
    expect(await summary(page, 'External ID').textContent()).toBe(externalId);
    const saved = (await suite.partner.client.customer(customer.id))!;
    expect(saved).toMatchObject({ companyName: 'Bakkerij Edit', language: 'nl_NL', externalId, package: 'WEBEX_CALLING' });

    // Emptied, the language goes back to the template's default and the external ID goes.
    await page.getByRole('button', { name: 'Edit customer' }).click();
    const again = editDialog(page, 'Bakkerij Edit');
    const againLanguage = again.getByRole('combobox', { name: 'Language', exact: true });
    expect(await againLanguage.inputValue()).toBe('nl');
    expect(await again.getByRole('combobox', { name: 'Language variant', exact: true }).inputValue()).toBe('NL');
    await againLanguage.selectOption({ label: "The template's default (en_GB)" });
    expect(await again.getByRole('combobox', { name: 'Language variant', exact: true }).isDisabled()).toBe(true);
    await again.getByLabel('External ID', { exact: true }).fill('');
    await again.getByRole('button', { name: 'Review changes' }).click();
    await again.getByRole('button', { name: 'Save changes' }).click();
    await again.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await suite.partner.client.customer(customer.id))!).toMatchObject({ language: 'en_GB', externalId: null });
    await expect.poll(() => summary(page, 'External ID').textContent()).toBe('—');
    await close();
    expect(suite.violations).toEqual({});
  }, 90_000);

  it('shows a downgrade that users block on Package, and an add-on the new package does not allow on Add-ons; a fixed change saves', async () => {
    const customer = await aCustomer('Suite Bakery', { package: 'WEBEX_SUITE', addOns: ['ATTENDANT_CONSOLE'] });
    const holders = [aUser({ package: 'WEBEX_SUITE' }), aUser({ package: 'WEBEX_SUITE' })];
    await suite.partner.client.setupCustomer({ customerId: customer.id, users: [...holders, aUser({ package: 'WEBEX_CALLING' })] });
    const { page, close } = await open(suite.partner.token, `/app/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Suite Bakery', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Edit customer' }).click();
    const dialog = editDialog(page, 'Suite Bakery');
    const pkg = dialog.getByLabel('Package', { exact: true });
    const console_ = dialog.getByLabel('Attendant Console', { exact: true });
    expect(await console_.isChecked()).toBe(true);

    // Webex Calling: two users hold Webex Suite, which it does not include. Refused on Package, with how many.
    await pkg.selectOption('WEBEX_CALLING');
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    await expectDescribedError(pkg, /2 user\(s\) hold a package that WEBEX_CALLING does not include/);
    const message = await dialog.locator('[id="field-package-error"]').textContent();
    for (const holder of holders) expect(message).toContain(holder.email.toLowerCase());
    expect(await dialog.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await dialog.getByText('1 problem to fix').waitFor();
    await suite.portal.step(page, 'edit-customer-downgrade-refused', 'customer-edit-downgrade');

    // Webex Meetings has no calling: the add-on the customer has stays checked and is refused on Add-ons.
    await pkg.selectOption('WEBEX_MEETINGS');
    expect(await pkg.getAttribute('aria-invalid')).toBeNull();
    await dialog.getByText('Add-ons need a package with calling; Webex Meetings has none.').waitFor();
    expect(await console_.isChecked()).toBe(true);
    expect(await dialog.getByLabel('Cisco Calling Plan', { exact: true }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    await expectDescribedError(console_, /ATTENDANT_CONSOLE needs a package with calling that WEBEX_MEETINGS does not include/);
    await expectDescribedError(dialog.getByRole('group', { name: 'Add-ons' }), /ATTENDANT_CONSOLE needs a package/, { invalid: false });
    await suite.portal.step(page, 'edit-customer-add-on-refused');
    expect((await suite.partner.client.customer(customer.id))!).toMatchObject({ package: 'WEBEX_SUITE', addOns: ['ATTENDANT_CONSOLE'] });

    // A change that passes: Webex Suite stays, Attendant Console goes and Cisco Calling Plan comes.
    await pkg.selectOption('WEBEX_SUITE');
    await console_.uncheck();
    await dialog.getByLabel('Cisco Calling Plan', { exact: true }).check();
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    await dialog.getByText('Attendant Console → Cisco Calling Plan').waitFor();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => summary(page, 'Add-ons').textContent()).toBe('Cisco Calling Plan');
    expect((await suite.partner.client.customer(customer.id))!).toMatchObject({ package: 'WEBEX_SUITE', addOns: ['CISCO_CALLING_PLAN'] });
    await close();
    expect(suite.violations).toEqual({});
  }, 90_000);

  it('a downgrade no user blocks moves the full administrator with the organization', async () => {
    const customer = await aCustomer('Voice Bakery', { package: 'WEBEX_CALLING' });
    await suite.partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ package: 'WEBEX_VOICE' })] });
    const { page, close } = await open(suite.partner.token, `/app/customers/${customer.id}`);
    await page.getByRole('button', { name: 'Edit customer' }).click();
    const dialog = editDialog(page, 'Voice Bakery');
    await dialog.getByLabel('Package', { exact: true }).selectOption('WEBEX_VOICE');
    await dialog.getByRole('button', { name: 'Review changes' }).click();
    await dialog.getByText('Webex Calling → Webex Voice').waitFor();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => summary(page, 'Package').textContent()).toBe('Webex Voice');
    const users = (await suite.partner.client.customerUsers(customer.id, { first: 10 }))!.edges.map((e) => e.node);
    expect(users.find((u) => u.email === customer.adminEmail)!.package).toBe('WEBEX_VOICE');
    // The users table shows it too.
    await page.getByRole('region', { name: /^Users/ }).getByRole('row').filter({ hasText: customer.adminEmail }).getByText('Webex Voice').waitFor();
    await close();
  }, 90_000);

  it('a read-only admin sees Edit customer disabled, with the reason', async () => {
    const customer = await aCustomer('Read-only Edit Bakery');
    const readOnly = await suite.server.app.services.partners.createAdmin({ partnerId: suite.partner.partnerId, email: `${unique('viewer')}@acme.example`, role: PartnerAdminRole.READ_ONLY });
    const { page, close } = await open(readOnly.token, `/app/customers/${customer.id}`);
    const button = page.getByRole('button', { name: 'Edit customer' });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    await expectDescribedError(button, /read-only/i, { invalid: false });
    await suite.portal.step(page, 'edit-customer-read-only');
    await close();
    expect(suite.violations).toEqual({});
  }, 60_000);
});
