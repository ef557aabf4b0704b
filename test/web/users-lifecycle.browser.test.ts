import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../sdk/src/index';
import { PartnerAdminRole } from '../../server/src/partners/partner-admin.entity';
import { aCustomerInput, anAmsterdamLocation, anAmsterdamNumber, aUser, unique } from '../support/factories';
import { chromiumMissingMessage, chromiumPath, expectDescribedError, usePortalSuite } from '../support/browser';

// Editing and removing a customer's users from its page (domain.md §12 updateUsers / removeUsers,
// §13) in a real headless Chromium against the real server and the built app: the review is the dry
// run with every error in its row and cell, removal refuses the full administrator on its checkbox,
// a read-only admin finds both actions disabled with the reason, and each new dialog passes axe-core.

if (!chromiumPath) console.warn(chromiumMissingMessage);

/** "+31 20 123 4567" → "+31201234567": the form the API stores. */
const e164 = (n: string) => n.replace(/[^+\d]/g, '');

describe.skipIf(!chromiumPath)('the portal edits and removes a customer\'s users', () => {
  const suite = usePortalSuite({ shots: path.join(__dirname, 'screenshots-users') });

  async function aCustomer(companyName: string): Promise<Customer> {
    return suite.partner.client.createCustomer(aCustomerInput(suite.templateId, { companyName, adminEmail: `${unique('admin')}@devries.example` }));
  }

  async function usersOf(customerId: string) {
    return (await suite.partner.client.customerUsers(customerId, { first: 100 }))!.edges.map((e) => e.node);
  }

  /** Checks a row's checkbox from the keyboard (focus, Space), as a keyboard user would. */
  async function select(page: Page, email: string) {
    const box = page.getByRole('checkbox', { name: `Select ${email}`, exact: true });
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
  }

  it('edits two users: the review shows one error per kind in its row and cell, then the fixed changes save (an extension cleared)', async () => {
    const customer = await aCustomer('Edit Users Bakery');
    const { users: [eva, piet] } = await suite.partner.client.setupCustomer({
      customerId: customer.id,
      locations: [anAmsterdamLocation({ name: 'Utrecht', address: { line1: 'Stationsplein 1', city: 'Utrecht', postalCode: '3511 ED', countryCode: 'NL' } })],
      users: [aUser({ firstName: 'Eva', extension: '201' }), aUser({ firstName: 'Piet', extension: '202' })],
    });
    const { page, close } = await suite.portal.open(`/app/customers/${customer.id}`, suite.partner.token);
    const users = page.getByRole('region', { name: /^Users/ });
    await users.getByRole('cell', { name: eva!.email, exact: true }).waitFor();
    await suite.portal.step(page, 'users-with-selection');

    await select(page, eva!.email);
    await select(page, piet!.email);
    await page.getByRole('button', { name: 'Edit 2 selected users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit 2 users' });
    await dialog.waitFor();
    // Rows in the order chosen: Eva is row 1, Piet row 2; each cell is named by its column and row.
    const cell = (label: string, row: number) => dialog.getByRole(['Package', 'Location'].includes(label) ? 'combobox' : 'textbox', { name: `${label} ${row}`, exact: true });
    expect(await cell('Email', 1).inputValue()).toBe(eva!.email);
    expect(await cell('Extension', 2).inputValue()).toBe('202');
    expect(await cell('Location', 1).inputValue()).toBe('Amsterdam HQ');
    // The Location dropdown is the customer's locations.
    expect(await cell('Location', 2).locator('option').allTextContents()).toEqual(expect.arrayContaining(['Amsterdam HQ (headquarters)', 'Utrecht']));
    expect(await cell('Location', 2).locator('option').count()).toBe(2);
    // The Package dropdown is the catalog's packages a user of this customer may hold.
    const catalog = await suite.partner.client.packages();
    const org = catalog.find((p) => p.package === customer.package)!;
    const allowed = catalog.filter((p) => p.userAssignable && (p.package === customer.package || org.includes.includes(p.package))).map((p) => p.package);
    expect(await cell('Package', 1).locator('option').evaluateAll((os) => os.map((o) => (o as { value: string }).value))).toEqual(allowed);

    // One error per kind: a US number at a Dutch location (INVALID), another user's email (TAKEN).
    await cell('Phone number', 1).fill('+1 650 253 0000');
    await cell('Extension', 1).fill('');
    await cell('Email', 2).fill(eva!.email.toUpperCase());
    const save = dialog.getByRole('button', { name: 'Save changes' });
    expect(await save.isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.getByText('2 problems in 2 rows').waitFor();
    await expectDescribedError(cell('Phone number', 1), /not a valid number for NL/);
    await expectDescribedError(cell('Email', 2), /already belongs to a user/);
    // Only those two cells are marked.
    expect(await dialog.locator('[aria-invalid="true"]').count()).toBe(2);
    expect(await save.isDisabled()).toBe(true);
    await suite.portal.step(page, 'users-edit-review-errors', 'users-edit-review');
    // The dry run wrote nothing.
    expect((await usersOf(customer.id)).find((u) => u.id === eva!.id)).toMatchObject({ extension: '201', phoneNumber: eva!.phoneNumber });

    // The count's button goes to the first problem, focused.
    await dialog.getByRole('button', { name: 'Go to the first problem' }).click();
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-users-0-phoneNumber');

    // Fixed: typing in a cell clears its error; a clean review enables Save changes.
    const number = anAmsterdamNumber();
    const email = `${unique('piet')}@devries.example`;
    await page.keyboard.press('Control+A');
    await page.keyboard.type(number);
    expect(await cell('Phone number', 1).getAttribute('aria-invalid')).toBeNull();
    await cell('Email', 2).fill(email);
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.getByText('Review passed: no problems.').waitFor();
    expect(await save.isEnabled()).toBe(true);
    // A change after the review needs another one before Save changes.
    await cell('Location', 2).selectOption('Utrecht');
    expect(await save.isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.getByText('Review passed: no problems.').waitFor();
    expect(await dialog.locator('[aria-invalid="true"]').count()).toBe(0);
    await suite.portal.step(page, 'users-edit-review-clean');
    await save.click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('2 users saved.').waitFor();
    // The Users table refreshed.
    await users.getByRole('cell', { name: email, exact: true }).waitFor();
    await users.getByRole('cell', { name: e164(number), exact: true }).waitFor();

    const after = await usersOf(customer.id);
    expect(after.find((u) => u.id === eva!.id)).toMatchObject({ phoneNumber: e164(number), extension: null, email: eva!.email, firstName: 'Eva' });
    expect(after.find((u) => u.id === piet!.id)).toMatchObject({ email, extension: '202', phoneNumber: piet!.phoneNumber, location: { name: 'Utrecht' } });
    await close();
    expect(suite.violations).toEqual({});
  }, 120_000);

  it('edits the page\'s users when none is selected; the full administrator\'s new email becomes the customer\'s Admin email', async () => {
    const customer = await aCustomer('Admin Email Bakery');
    const { page, close } = await suite.portal.open(`/app/customers/${customer.id}`, suite.partner.token);
    const users = page.getByRole('region', { name: /^Users/ });
    await users.getByRole('cell', { name: customer.adminEmail, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit users', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit 1 user' });
    const email = `${unique('new-admin')}@devries.example`;
    await dialog.getByRole('textbox', { name: 'Email 1', exact: true }).fill(email);
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.getByText('Review passed: no problems.').waitFor();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('1 user saved.').waitFor();
    await users.getByRole('cell', { name: email, exact: true }).waitFor();
    // The summary above follows (the customer is read again).
    await page.locator('.summary').getByText(email, { exact: true }).waitFor();
    expect((await suite.partner.client.customer(customer.id))!.adminEmail).toBe(email);
    await close();
    expect(suite.violations).toEqual({});
  }, 90_000);

  it('fits the users editor, review errors included, in a 1200×800 window: every column, Extension included, lies inside the dialog and can be edited', async () => {
    const customer = await aCustomer('Narrow Window Bakery');
    const { users: [eva, piet] } = await suite.partner.client.setupCustomer({
      customerId: customer.id,
      users: [aUser({ firstName: 'Evangelina-Maria', lastName: 'Van den Heuvel-Oosterhout', extension: '301' }), aUser({ firstName: 'Piet', extension: '302' })],
    });
    const { page, close } = await suite.portal.open(`/app/customers/${customer.id}`, suite.partner.token);
    await page.setViewportSize({ width: 1200, height: 800 });
    await select(page, eva!.email);
    await select(page, piet!.email);
    await page.getByRole('button', { name: 'Edit 2 selected users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit 2 users' });
    await dialog.waitFor();
    const field = (label: string, row: number) => dialog.getByRole(label === 'Package' || label === 'Location' ? 'combobox' : 'textbox', { name: `${label} ${row}`, exact: true });
    // The widest the table gets: a long error in a cell (with an unbroken email in it) and one about a whole row.
    await field('Phone number', 1).fill('+1 650 253 0000');
    await field('Email', 1).fill(customer.adminEmail.toUpperCase());
    await suite.partner.client.removeUsers({ customerId: customer.id, userIds: [piet!.id] });
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.getByText('3 problems in 2 rows').waitFor();

    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1200);
    // The table fits: nothing hides to the right of the dialog's table.
    expect(await page.evaluate<number>(`(() => { const s = document.querySelector('dialog[open] .table-scroll'); return s.scrollWidth - s.clientWidth; })()`)).toBe(0);
    for (const row of [1, 2]) {
      for (const label of ['First name', 'Last name', 'Email', 'Package', 'Location', 'Phone number', 'Extension']) {
        const input = field(label, row);
        await input.scrollIntoViewIfNeeded();
        const cell = (await input.boundingBox())!;
        // Wholly inside the dialog's box, not cut off at its right edge ...
        expect(cell.x, `${label} ${row}`).toBeGreaterThanOrEqual(box.x);
        expect(cell.x + cell.width, `${label} ${row}`).toBeLessThanOrEqual(box.x + box.width);
        // ... and not clipped by an ancestor: the point near its right edge hits the field itself.
        const id = await input.getAttribute('id');
        expect(await page.evaluate<boolean>(`(() => { const el = document.getElementById('${id}'); const r = el.getBoundingClientRect();
          return document.elementFromPoint(r.right - 3, r.y + r.height / 2) === el; })()`), `${label} ${row}`).toBe(true);
      }
    }
    await suite.portal.step(page, 'users-edit-1200px');

    // The Extension is editable at that size: the remaining user's, reviewed and saved.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await select(page, eva!.email);
    await page.getByRole('button', { name: 'Edit 1 selected user' }).click();
    const one = page.getByRole('dialog', { name: 'Edit 1 user' });
    const extension = one.getByRole('textbox', { name: 'Extension 1', exact: true });
    expect(await extension.inputValue()).toBe('301');
    await extension.fill('303');
    await one.getByRole('button', { name: 'Review' }).click();
    await one.getByText('Review passed: no problems.').waitFor();
    await one.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('1 user saved.').waitFor();
    expect((await usersOf(customer.id)).find((u) => u.id === eva!.id)).toMatchObject({ extension: '303' });
    await close();
    expect(suite.violations).toEqual({});
  }, 90_000);

  it('shows a user removed since the editor opened as an error of its row, linked from its first cell', async () => {
    const customer = await aCustomer('Gone User Bakery');
    const { users: [eva] } = await suite.partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ firstName: 'Eva' })] });
    const { page, close } = await suite.portal.open(`/app/customers/${customer.id}`, suite.partner.token);
    await select(page, eva!.email);
    await page.getByRole('button', { name: 'Edit 1 selected user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit 1 user' });
    await dialog.getByRole('textbox', { name: 'Last name 1', exact: true }).fill('Jansen');
    await suite.partner.client.removeUsers({ customerId: customer.id, userIds: [eva!.id] });
    await dialog.getByRole('button', { name: 'Review' }).click();
    await dialog.getByText('1 problem in 1 row').waitFor();
    await dialog.getByRole('rowheader', { name: /No user of this customer has this id/ }).waitFor();
    const first = dialog.getByRole('textbox', { name: 'First name 1', exact: true });
    await expectDescribedError(first, /No user of this customer has this id/, { invalid: false });
    expect(await dialog.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Go to the first problem' }).click();
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-users-0-firstName');
    await suite.portal.step(page, 'users-edit-gone');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await close();
    expect(suite.violations).toEqual({});
  }, 90_000);

  it('removes users after a dry run in the dialog, which refuses the full administrator on its checkbox', async () => {
    const customer = await aCustomer('Remove Users Bakery');
    const { users: [eva, piet] } = await suite.partner.client.setupCustomer({ customerId: customer.id, users: [aUser({ firstName: 'Eva' }), aUser({ firstName: 'Piet' })] });
    const { page, close } = await suite.portal.open(`/app/customers/${customer.id}`, suite.partner.token);
    const users = page.getByRole('region', { name: /^Users/ });
    await users.getByRole('cell', { name: eva!.email, exact: true }).waitFor();
    const remove = page.getByRole('button', { name: 'Remove selected users' });
    expect(await remove.isDisabled()).toBe(true);

    // All three on the page, with the header's checkbox.
    await page.getByRole('checkbox', { name: 'Select all users on this page' }).check();
    await page.getByRole('button', { name: 'Remove 3 selected users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove 3 users?' });
    // Whatever its title counts: the tests below check that it follows the checks.
    const removal = page.getByRole('dialog', { name: /^Remove \d+ users?\?$/ });
    const adminBox = removal.getByRole('checkbox', { name: new RegExp(customer.adminEmail.replace(/\./g, '\\.')) });
    await expectDescribedError(adminBox, /full administrator, who cannot be removed/);
    const confirm = dialog.getByRole('button', { name: 'Remove 3 users' });
    expect(await confirm.isDisabled()).toBe(true);
    await expectDescribedError(confirm, /Uncheck the users that cannot be removed/, { invalid: false });
    await suite.portal.step(page, 'remove-users-refused');

    // Cancel (Escape): nothing removed, and the refusal stays on that user's checkbox in the table.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await usersOf(customer.id)).toHaveLength(3);
    await expectDescribedError(page.getByRole('checkbox', { name: `Select ${customer.adminEmail}`, exact: true }), /cannot be removed/);
    await suite.portal.step(page, 'remove-users-refusal-in-table');

    // Again, the administrator unchecked in the dialog: a new dry run passes, and Remove removes the two.
    await page.getByRole('button', { name: 'Remove 3 selected users' }).click();
    await adminBox.waitFor();
    await adminBox.uncheck();
    // The title counts the users still checked, as the button does (it kept the table's 3 before).
    const dialogTwo = page.getByRole('dialog', { name: 'Remove 2 users?' });
    await dialogTwo.getByRole('heading', { name: 'Remove 2 users?', exact: true }).waitFor();
    expect(await dialog.count()).toBe(0);
    const confirmTwo = dialogTwo.getByRole('button', { name: 'Remove 2 users' });
    await expect.poll(() => confirmTwo.isEnabled()).toBe(true);
    expect(await adminBox.getAttribute('aria-invalid')).toBeNull();
    // Unchecking everyone: the title and the (disabled) button both say 0; checking one back, both say 1.
    const pietBox = removal.getByRole('checkbox', { name: new RegExp(piet!.email.replace(/\./g, '\\.')) });
    const evaBox = removal.getByRole('checkbox', { name: new RegExp(eva!.email.replace(/\./g, '\\.')) });
    await pietBox.uncheck();
    await evaBox.uncheck();
    const none = page.getByRole('dialog', { name: 'Remove 0 users?' });
    expect(await none.getByRole('button', { name: 'Remove 0 users' }).isDisabled()).toBe(true);
    await pietBox.check();
    await page.getByRole('dialog', { name: 'Remove 1 user?' }).getByRole('button', { name: 'Remove 1 user', exact: true }).waitFor();
    await evaBox.check();
    await expect.poll(() => confirmTwo.isEnabled()).toBe(true);
    await suite.portal.step(page, 'remove-users-confirm');
    await confirmTwo.click();
    await dialogTwo.waitFor({ state: 'hidden' });
    await page.getByText('2 users removed.').waitFor();
    await users.getByRole('cell', { name: piet!.email, exact: true }).waitFor({ state: 'detached' });
    expect(await page.getByRole('checkbox', { name: `Select ${customer.adminEmail}`, exact: true }).getAttribute('aria-invalid')).toBeNull();

    expect((await usersOf(customer.id)).map((u) => u.email)).toEqual([customer.adminEmail]);
    await close();
    expect(suite.violations).toEqual({});
  }, 120_000);

  it('shows a read-only admin both actions disabled, with the reason', async () => {
    const customer = await aCustomer('Read-only Users Bakery');
    await suite.partner.client.setupCustomer({ customerId: customer.id, users: [aUser()] });
    const readOnly = await suite.server.app.services.partners.createAdmin({ partnerId: suite.partner.partnerId, email: `${unique('viewer')}@acme.example`, role: PartnerAdminRole.READ_ONLY });
    const { page, close } = await suite.portal.open(`/app/customers/${customer.id}`, readOnly.token);
    for (const name of ['Edit users', 'Remove selected users']) {
      const button = page.getByRole('button', { name, exact: true });
      await button.waitFor();
      expect(await button.isDisabled(), name).toBe(true);
      await expectDescribedError(button, /read-only/i, { invalid: false });
    }
    // Selecting does not enable them.
    await page.getByRole('checkbox', { name: `Select ${customer.adminEmail}`, exact: true }).check();
    const removeOne = page.getByRole('button', { name: 'Remove 1 selected user' });
    expect(await removeOne.isDisabled()).toBe(true);
    await expectDescribedError(removeOne, /read-only/i, { invalid: false });
    await suite.portal.step(page, 'users-read-only');
    await close();
    expect(suite.violations).toEqual({});
  }, 90_000);
});
