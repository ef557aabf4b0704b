import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { OutboxMessage } from '../server/src/outbox/outbox-message.entity';
import { aCustomerInput, aMeetingsUser, anAmsterdamLocation, AN_UNKNOWN_ID, aTemplateInput, aUser, unique } from './support/factories';
import { expectNoUserErrors, expectUserError, expectUserErrors } from './support/expect-user-error';
import { useTestServer } from './support/fixture';
import type { TestPartner } from './support/test-server';

/** updateCustomer and deleteCustomer (domain.md §12). */
describe('updateCustomer and deleteCustomer', () => {
  const fixture = useTestServer({ partners: 2 });
  let partner: TestPartner;
  let other: TestPartner;
  let templateId: string;

  beforeAll(async () => {
    [partner, other] = fixture.partners;
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
  });

  const auditOf = async (hub = partner.client) => (await hub.request<{ auditEvents: { totalCount: number; edges: Array<{ node: { operation: string; targetIds: string[] } }> } }>(
    parse('{ auditEvents(first: 100) { totalCount edges { node { operation targetIds } } } }'))).auditEvents;

  const usersOf = async (customerId: string) => (await partner.client.customerUsers(customerId, { first: 100 }))!.edges.map((e) => e.node);

  it('changes only the given fields, with one audit event; a call that changes nothing records none', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { externalId: unique('crm-') }));
    const before = (await auditOf()).totalCount;
    const externalId = unique('crm-');
    const updated = await hub.updateCustomer({ id: customer.id, companyName: '  De Vries & Zonen ', language: 'nl_NL', externalId: ` ${externalId} ` });
    expect(updated).toMatchObject({
      id: customer.id, companyName: 'De Vries & Zonen', language: 'nl_NL', externalId, package: 'WEBEX_CALLING', adminEmail: customer.adminEmail,
    });
    const audit = await auditOf();
    expect(audit.totalCount).toBe(before + 1);
    expect(audit.edges[0].node).toEqual({ operation: 'updateCustomer', targetIds: [customer.id] });
    expect((await hub.customers({ filter: { externalId } })).edges.map((e) => e.node.id)).toEqual([customer.id]);

    await hub.updateCustomer({ id: customer.id, companyName: 'De Vries & Zonen' });
    await hub.updateCustomer({ id: customer.id });
    expect((await auditOf()).totalCount).toBe(before + 1);

    // null: externalId removed, language back to the template's default.
    const cleared = await hub.updateCustomer({ id: customer.id, externalId: null, language: null });
    expect(cleared).toMatchObject({ externalId: null, language: 'en_US' });
  });

  it('reports every error at once on its field and writes nothing', async () => {
    const hub = partner.client;
    const taken = await hub.createCustomer(aCustomerInput(templateId, { externalId: unique('crm-') }));
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const payload = await hub.payloads.updateCustomer({
      id: customer.id, companyName: '50% off', package: 'COMMON_AREA_CALLING', language: 'english', externalId: taken.externalId,
    });
    expect(payload.customer).toBeNull();
    expectUserErrors(payload, [
      ['INVALID', 'input', 'companyName'], ['NOT_ALLOWED', 'input', 'package'], ['INVALID', 'input', 'language'], ['TAKEN', 'input', 'externalId'],
    ]);
    const removed = await hub.payloads.updateCustomer({ id: customer.id, companyName: null, package: null, externalId: '  ' });
    expectUserErrors(removed, [['REQUIRED', 'input', 'companyName'], ['REQUIRED', 'input', 'package'], ['INVALID', 'input', 'externalId']]);
    expect(await hub.customer(customer.id)).toMatchObject({ companyName: customer.companyName, package: 'WEBEX_CALLING', language: customer.language, externalId: null });
    // The customer's own externalId is not "taken" by itself.
    expectNoUserErrors(await hub.payloads.updateCustomer({ id: taken.id, externalId: taken.externalId }));
  });

  it('an upgrade moves the full administrator and the admin-role holders; other users keep their package', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const { users: [roleHolder, plain] } = await hub.setupCustomer({ customerId: customer.id, users: [aUser(), aUser()] });
    await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [{ userId: roleHolder.id, roles: ['USER_ADMIN'] }] });
    const before = (await auditOf()).totalCount;

    const upgraded = await hub.updateCustomer({ id: customer.id, package: 'WEBEX_SUITE', addOns: ['CISCO_CALLING_PLAN'] });
    expect(upgraded).toMatchObject({ package: 'WEBEX_SUITE', addOns: ['CISCO_CALLING_PLAN'] });
    const packages = Object.fromEntries((await usersOf(customer.id)).map((u) => [u.email, u.package]));
    expect(packages).toEqual({ [customer.adminEmail]: 'WEBEX_SUITE', [roleHolder.email]: 'WEBEX_SUITE', [plain.email]: 'WEBEX_CALLING' });
    const audit = await auditOf();
    expect(audit.totalCount).toBe(before + 1);
    const admin = (await usersOf(customer.id)).find((u) => u.email === customer.adminEmail)!;
    expect(audit.edges[0].node.operation).toBe('updateCustomer');
    expect([...audit.edges[0].node.targetIds].sort()).toEqual([customer.id, admin.id, roleHolder.id].sort());
  });

  it('a downgrade is refused while users hold what the new package lacks, saying how many and who', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const meetings = Array.from({ length: 6 }, (_, i) => aMeetingsUser({ email: `${unique(`m${i}-`)}@devries.example` }));
    await hub.setupCustomer({ customerId: customer.id, users: [...meetings, aUser()] });
    const payload = await hub.payloads.updateCustomer({ id: customer.id, package: 'WEBEX_CALLING' });
    expectUserError(payload, 'NOT_ALLOWED', 'input', 'package');
    const message = payload.userErrors[0].message;
    expect(message).toContain('6 user(s)');
    const sorted = meetings.map((u) => u.email).sort();
    for (const email of sorted.slice(0, 5)) expect(message).toContain(email);
    expect(message).not.toContain(sorted[5]);
    expect((await hub.customer(customer.id))!.package).toBe('WEBEX_SUITE');
    expect((await usersOf(customer.id)).find((u) => u.email === customer.adminEmail)!.package).toBe('WEBEX_SUITE');
  });

  it('re-checks add-ons against the new package', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { addOns: ['CISCO_CALLING_PLAN'] }));
    // Kept add-on that the new package cannot carry: on the package, which caused it.
    expectUserError(await hub.payloads.updateCustomer({ id: customer.id, package: 'WEBEX_MEETINGS' }), 'NOT_ALLOWED', 'input', 'package');
    expectUserError(await hub.payloads.updateCustomer({ id: customer.id, package: 'WEBEX_MEETINGS', addOns: ['ATTENDANT_CONSOLE'] }),
      'NOT_ALLOWED', 'input', 'addOns');
    const moved = await hub.updateCustomer({ id: customer.id, package: 'WEBEX_MEETINGS', addOns: [] });
    expect(moved).toMatchObject({ package: 'WEBEX_MEETINGS', addOns: [] });
    expect((await usersOf(customer.id))[0].package).toBe('WEBEX_MEETINGS');
  });

  it('refuses a package without calling while an administrator holds a number', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    await hub.setupCustomer({ customerId: customer.id, users: [aUser({ email: customer.adminEmail })] });
    expectUserError(await hub.payloads.updateCustomer({ id: customer.id, package: 'WEBEX_MEETINGS' }), 'NOT_ALLOWED', 'input', 'package');
  });

  it('dryRun answers as the real call and writes nothing', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const before = (await auditOf()).totalCount;
    const preview = await hub.payloads.updateCustomer({ id: customer.id, package: 'WEBEX_SUITE', companyName: 'Preview', dryRun: true });
    expectNoUserErrors(preview);
    expect(preview.customer).toMatchObject({ package: 'WEBEX_SUITE', companyName: 'Preview' });
    expect(await hub.customer(customer.id)).toMatchObject({ package: 'WEBEX_CALLING', companyName: customer.companyName });
    expect((await usersOf(customer.id))[0].package).toBe('WEBEX_CALLING');
    expect((await auditOf()).totalCount).toBe(before);
  });

  it('answers NOT_FOUND for another partner’s, an unknown or a malformed id, and FORBIDDEN to a read-only admin', async () => {
    const theirs = await other.client.createCustomer(aCustomerInput((await other.client.createTemplate(aTemplateInput(other))).id));
    for (const id of [theirs.id, AN_UNKNOWN_ID, 'nope']) {
      expectUserError(await partner.client.payloads.updateCustomer({ id, companyName: 'Mine' }), 'NOT_FOUND', 'input', 'id');
      expectUserError(await partner.client.payloads.deleteCustomer({ id }), 'NOT_FOUND', 'input', 'id');
    }
    expect((await other.client.customer(theirs.id))!.companyName).toBe(theirs.companyName);

    const readOnly = await fixture.server.app.services.partners.createAdmin({ partnerId: other.partnerId, email: `ro${Date.now()}@p.example`, role: 'READ_ONLY' as never });
    for (const query of [
      `mutation { updateCustomer(input: { id: "${theirs.id}", companyName: "x" }) { customer { id } } }`,
      `mutation { deleteCustomer(input: { id: "${theirs.id}" }) { deletedCustomerId } }`,
    ]) {
      const response = await fixture.server.post({ query }, { token: readOnly.token });
      expect(response.status).toBe(403);
      expect(response.body.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect(await other.client.customer(theirs.id)).not.toBeNull();
  });

  it('deleteCustomer removes everything, cancels unsent emails, keeps the audit, and frees every value for reuse', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const externalId = unique('crm-');
    const input = aCustomerInput(template.id, { externalId, package: 'WEBEX_SUITE' });
    const customer = await hub.createCustomer(input);
    const users = [aUser({ extension: '2001' }), aUser({ extension: '2002' }), aMeetingsUser()];
    const setup = await hub.setupCustomer({ customerId: customer.id, locations: [anAmsterdamLocation({ name: 'Utrecht' })], users });
    await hub.requestSetupAssist({ customerId: customer.id, locationId: setup.locations[0].id, contactName: 'Eva', contactEmail: 'eva@devries.example' });
    const db = fixture.server.app.db.manager;
    // One email already went out: it stays SENT.
    const [sent] = await db.find(OutboxMessage, { where: { customerId: customer.id, kind: 'ADMIN_INVITATION' as never } });
    await db.update(OutboxMessage, { id: sent.id }, { status: 'SENT' as never, sentAt: new Date() });
    expect((await hub.template(template.id))!.customerCount).toBe(1);
    const auditBefore = await auditOf();

    expect(await hub.deleteCustomer(customer.id)).toBe(customer.id);
    expect(await hub.customer(customer.id)).toBeNull();
    expect((await hub.template(template.id))!.customerCount).toBe(0);
    const emails = await db.find(OutboxMessage, { where: { customerId: customer.id } });
    expect(emails.map((m) => [m.to, m.status]).sort()).toEqual([
      [customer.adminEmail, 'SENT'], ...users.map((u) => [u.email, 'CANCELLED']),
    ].sort());
    const audit = await auditOf();
    expect(audit.totalCount).toBe(auditBefore.totalCount + 1);
    expect(audit.edges[0].node.operation).toBe('deleteCustomer');
    expect(audit.edges[0].node.targetIds).toContain(customer.id);
    // Every earlier event stays (createCustomer, setupCustomer… of the deleted customer included).
    expect(audit.edges.slice(1)).toEqual(auditBefore.edges.slice(0, audit.edges.length - 1));
    expect(auditBefore.edges.some((e) => e.node.operation === 'createCustomer' && e.node.targetIds.includes(customer.id))).toBe(true);
    for (const table of ['customer_user', 'location', 'setup_assist_request']) {
      const [row] = await db.query(`SELECT COUNT(*) AS n FROM "${table}" WHERE "customerId" = '${customer.id}'`);
      expect(Number(row.n)).toBe(0);
    }
    expectUserError(await hub.payloads.deleteCustomer({ id: customer.id }), 'NOT_FOUND', 'input', 'id');

    // Everything it held is free again: the same admin email and externalId, the same users, numbers and extensions.
    const again = await hub.createCustomer(input);
    expect(again.id).not.toBe(customer.id);
    expect(again.externalId).toBe(externalId);
    const reused = await hub.setupCustomer({ customerId: again.id, users });
    expect(reused.users.map((u) => u.email).sort()).toEqual(users.map((u) => u.email).sort());
  });

  it('deleteCustomer racing setupCustomer: the delete always succeeds and leaves no user behind; the setup succeeds first or finds no customer', async () => {
    const hub = partner.client;
    for (let round = 0; round < 3; round++) {
      const customer = await hub.createCustomer(aCustomerInput(templateId));
      const [setup, deleted] = await Promise.all([
        hub.payloads.setupCustomer({ customerId: customer.id, users: [aUser(), aUser(), aUser()] }),
        hub.payloads.deleteCustomer({ id: customer.id }),
      ]);
      expect(deleted).toEqual({ deletedCustomerId: customer.id, userErrors: [] });
      if (setup.userErrors.length > 0) expectUserError(setup, 'NOT_FOUND', 'input', 'customerId');
      const [row] = await fixture.server.app.db.manager.query(`SELECT COUNT(*) AS n FROM "customer_user" WHERE "customerId" = '${customer.id}'`);
      expect(Number(row.n)).toBe(0);
    }
  });

  it('deleteCustomer dryRun answers as the real call and keeps the customer', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const before = (await auditOf()).totalCount;
    const preview = await hub.payloads.deleteCustomer({ id: customer.id, dryRun: true });
    expect(preview).toEqual({ deletedCustomerId: customer.id, userErrors: [] });
    expect(await hub.customer(customer.id)).not.toBeNull();
    expect((await auditOf()).totalCount).toBe(before);
    const outbox = await hub.customerOutbox(customer.id);
    expect(outbox!.edges.map((e) => e.node.status)).toEqual(['PENDING']);
  });
});
