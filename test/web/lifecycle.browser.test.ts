import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../sdk/src/index';
import { PartnerAdminRole } from '../../server/src/partners/partner-admin.entity';
import { aCustomerInput, anAmsterdamLocation, aUser, unique } from '../support/factories';
import { chromiumMissingMessage, chromiumPath, expectDescribedError, usePortalSuite } from '../support/browser';

// The portal's lifecycle screens (domain.md §12, §13) in a real headless Chromium against the real
// server and the built app: resend an invitation, delete a customer, edit and remove a location.
// Each shows one refusal on the field (or button) it is about, and each new dialog passes axe-core.

if (!chromiumPath) console.warn(chromiumMissingMessage);

describe.skipIf(!chromiumPath)('the portal changes and retires what was onboarded', () => {
  const suite = usePortalSuite();

  async function aCustomer(companyName: string): Promise<Customer> {
    return suite.partner.client.createCustomer(aCustomerInput(suite.templateId, { companyName, adminEmail: `${unique('admin')}@devries.example` }));
  }

  const open = (token: string, pathname: string) => suite.portal.open(pathname, token);
  /** An axe-core scan of the page as it is now (an open dialog included); serious violations are asserted at the end of each test. */
  const scan = (page: Page, name: string) => suite.portal.step(page, name);

  it('resends an invitation from a user row, showing the queued email, and the error of a user that is gone next to its button', async () => {
    const customer = await aCustomer('Resend Bakery');
    const eva = aUser({ firstName: 'Eva' });
    const { users: [user] } = await suite.partner.client.setupCustomer({ customerId: customer.id, users: [eva] });
    const { page, close } = await open(suite.partner.token, `/app/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Resend Bakery' }).waitFor();

    // The full administrator's invitation is still unsent: resend answers with that one, not a second.
    const adminButton = page.getByRole('button', { name: `Resend invitation to ${customer.adminEmail}` });
    await adminButton.click();
    await expectDescribedError(adminButton, /Admin invitation email to .+: Pending|Admin invitation email to .+: Sent/i, { invalid: false });
    const pendingBefore = (await suite.partner.client.customerOutbox(customer.id, { first: 50 }))!.edges.filter((e) => e.node.to === customer.adminEmail);
    expect(pendingBefore).toHaveLength(1);

    const userButton = page.getByRole('button', { name: `Resend invitation to ${user!.email}` });
    await userButton.click();
    await expectDescribedError(userButton, new RegExp(`Welcome email to ${user!.email.replace('.', '\\.')}`), { invalid: false });
    // The outbox below refreshed with it.
    await page.getByRole('region', { name: /Outbox/ }).getByRole('cell', { name: user!.email }).first().waitFor();
    await scan(page, 'resend');

    // The customer deleted in another tab: the row's resend says so next to its button.
    await suite.partner.client.deleteCustomer(customer.id);
    await userButton.click();
    await expectDescribedError(userButton, /No user of your partner/, { invalid: false });
    await close();

    // A read-only admin sees these buttons disabled, with the reason.
    const other = await aCustomer('Read-only Bakery');
    const readOnly = await suite.server.app.services.partners.createAdmin({ partnerId: suite.partner.partnerId, email: `${unique('viewer')}@acme.example`, role: PartnerAdminRole.READ_ONLY });
    const viewer = await open(readOnly.token, `/app/customers/${other.id}`);
    for (const name of [`Resend invitation to ${other.adminEmail}`, 'Delete customer', 'Edit location Amsterdam HQ', 'Remove location Amsterdam HQ']) {
      const button = viewer.page.getByRole('button', { name });
      await button.waitFor();
      expect(await button.isDisabled(), name).toBe(true);
      await expectDescribedError(button, /read-only/i, { invalid: false });
    }
    await viewer.close();
    expect(suite.violations).toEqual({});
  }, 90_000);

  it('deletes a customer after a dry run, back on the list with a message; a customer already gone is refused in the dialog', async () => {
    const customer = await aCustomer('Delete Bakery');
    await suite.partner.client.setupCustomer({ customerId: customer.id, users: [aUser()] });
    const { page, close } = await open(suite.partner.token, `/app/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Delete Bakery' }).waitFor();
    await page.getByRole('button', { name: 'Delete customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Delete Bakery?' });
    await dialog.getByText(/1 location\(s\), 2 user\(s\)/).waitFor();
    await scan(page, 'delete-customer-dialog');
    // Cancel leaves it as it was.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await suite.partner.client.customer(customer.id))?.id).toBe(customer.id);

    await page.getByRole('button', { name: 'Delete customer' }).click();
    await dialog.getByText(/1 location\(s\)/).waitFor();
    await dialog.getByRole('button', { name: 'Delete customer' }).click();
    await page.getByRole('heading', { name: 'Customers', exact: true }).waitFor();
    await page.getByText('Customer Delete Bakery deleted').waitFor();
    expect(page.url()).toContain('/app/customers?deleted=');
    expect(await suite.partner.client.customer(customer.id)).toBeNull();
    await close();

    // Gone between the dry run and the confirmation: the refusal is next to the button.
    const gone = await aCustomer('Gone Bakery');
    const second = await open(suite.partner.token, `/app/customers/${gone.id}`);
    await second.page.getByRole('button', { name: 'Delete customer' }).click();
    const goneDialog = second.page.getByRole('dialog', { name: 'Delete Gone Bakery?' });
    await goneDialog.getByText(/1 location\(s\)/).waitFor();
    await suite.partner.client.deleteCustomer(gone.id);
    const confirm = goneDialog.getByRole('button', { name: 'Delete customer' });
    await confirm.click();
    await expectDescribedError(confirm, /No customer of your partner has this id/, { invalid: false });
    await scan(second.page, 'delete-customer-refused');
    await second.close();
    expect(suite.violations).toEqual({});
  }, 90_000);

  it('edits a location (errors on their fields) and removes one, refusing a location with users next to its button', async () => {
    const customer = await aCustomer('Location Bakery');
    await suite.partner.client.setupCustomer({
      customerId: customer.id,
      locations: [
        anAmsterdamLocation({ name: 'Utrecht', address: { line1: 'Stationsplein 1', city: 'Utrecht', postalCode: '3511 ED', countryCode: 'NL' } }),
        anAmsterdamLocation({ name: 'Rotterdam', address: { line1: 'Coolsingel 40', city: 'Rotterdam', postalCode: '3011 AD', countryCode: 'NL' } }),
      ],
      users: [aUser({ locationName: 'Utrecht' })],
    });
    const { page, close } = await open(suite.partner.token, `/app/customers/${customer.id}`);
    const locations = page.getByRole('region', { name: /^Locations/ });
    await locations.getByRole('cell', { name: 'Rotterdam', exact: true }).waitFor();

    // Edit: a name another location has is refused on the Location name field; the dialog stays open.
    await page.getByRole('button', { name: 'Edit location Rotterdam' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit location Rotterdam' });
    const name = dialog.getByLabel('Location name', { exact: true });
    await name.fill('utrecht');
    await dialog.getByRole('button', { name: 'Save location' }).click();
    await expectDescribedError(name, /utrecht|already|taken|exists/i);
    await scan(page, 'edit-location-error');

    // Fixed, with the optional address changed too: saved, the dialog closes and the table shows it.
    await name.fill('Rotterdam Centraal');
    await dialog.getByLabel('Emergency location identifier', { exact: true }).fill('ELIN-ROT-1');
    // Its language is chosen from the languages and countries catalogs, not typed.
    await dialog.getByRole('combobox', { name: 'Language', exact: true }).selectOption('fr');
    await dialog.getByRole('combobox', { name: 'Language variant', exact: true }).selectOption('BE');
    await dialog.getByLabel('Change the address').check();
    await dialog.getByLabel('Address line 1', { exact: true }).fill('Stationsplein 1');
    await dialog.getByLabel('Postal code', { exact: true }).fill('3013 AJ');
    await scan(page, 'edit-location-address');
    await dialog.getByRole('button', { name: 'Save location' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Location Rotterdam Centraal saved.').waitFor();
    await locations.getByRole('cell', { name: 'ELIN-ROT-1' }).waitFor();
    const saved = (await suite.partner.client.customerLocations(customer.id, { first: 10 }))!.edges.map((e) => e.node).find((l) => l.name === 'Rotterdam Centraal')!;
    expect(saved).toMatchObject({ emergencyLocationIdentifier: 'ELIN-ROT-1', language: 'fr_BE', address: { line1: 'Stationsplein 1', postalCode: '3013 AJ', city: 'Rotterdam' }, timeZone: 'Europe/Amsterdam' });

    // Remove: a location with a user is refused (IN_USE) next to its button, before any confirmation.
    const removeUtrecht = page.getByRole('button', { name: 'Remove location Utrecht' });
    await removeUtrecht.click();
    await expectDescribedError(removeUtrecht, /1 user\(s\) are at this location/, { invalid: false });
    expect(await page.getByRole('dialog').count()).toBe(0);
    await scan(page, 'remove-location-in-use');
    // The headquarters never goes (NOT_ALLOWED), said the same way.
    const removeHq = page.getByRole('button', { name: 'Remove location Amsterdam HQ' });
    await removeHq.click();
    await expectDescribedError(removeHq, /headquarters cannot be removed/, { invalid: false });
    expect(await page.getByRole('dialog').count()).toBe(0);

    // An empty one: the dry run passes, the confirmation removes it.
    await page.getByRole('button', { name: 'Remove location Rotterdam Centraal' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove location Rotterdam Centraal?' });
    await confirm.waitFor();
    await scan(page, 'remove-location-confirm');
    // Keyboard: the modal dialog has the focus, and Escape closes it without removing anything.
    expect(await page.evaluate<string | undefined>("document.activeElement?.closest('dialog')?.getAttribute('aria-labelledby') ?? undefined")).toBeTruthy();
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Remove location Rotterdam Centraal' }).click();
    await confirm.waitFor();
    expect((await suite.partner.client.customerLocations(customer.id, { first: 10 }))!.totalCount).toBe(3);
    await confirm.getByRole('button', { name: 'Remove location' }).click();
    await page.getByText('Location Rotterdam Centraal removed.').waitFor();
    await locations.getByRole('cell', { name: 'Rotterdam Centraal', exact: true }).waitFor({ state: 'detached' });
    expect((await suite.partner.client.customerLocations(customer.id, { first: 10 }))!.totalCount).toBe(2);
    await close();
    expect(suite.violations).toEqual({});
  }, 90_000);
});
