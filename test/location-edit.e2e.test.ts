import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { OutboxMessage } from '../server/src/outbox/outbox-message.entity';
import {
  aCustomerInput, anAmsterdamLocation, aNewYorkLocation, AN_UNKNOWN_ID, aString, aTemplateInput, aUser, unique,
} from './support/factories';
import { expectNoUserErrors, expectUserError, expectUserErrors } from './support/expect-user-error';
import { useTestServer } from './support/fixture';
import type { TestPartner } from './support/test-server';

/** updateLocation, removeLocation and resendInvitation (domain.md §12). */
describe('updateLocation, removeLocation and resendInvitation', () => {
  const fixture = useTestServer({ partners: 2 });
  let partner: TestPartner;
  let other: TestPartner;
  let templateId: string;

  beforeAll(async () => {
    [partner, other] = fixture.partners;
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
  });

  const auditCount = async () => (await partner.client.request<{ auditEvents: { totalCount: number } }>(parse('{ auditEvents { totalCount } }'))).auditEvents.totalCount;

  /** A customer with a branch "Utrecht" holding one user with an Amsterdam (+31) number, and one whose user has only an extension. */
  async function aCustomerWithBranch() {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const setup = await hub.setupCustomer({
      customerId: customer.id,
      locations: [anAmsterdamLocation({ name: 'Utrecht' }), anAmsterdamLocation({ name: 'Extensions only' })],
      users: [aUser({ locationName: 'Utrecht' }), aUser({ phoneNumber: null, extension: '3001', locationName: 'Extensions only' })],
    });
    const branch = setup.locations.find((l) => l.name === 'Utrecht')!;
    const extensionsOnly = setup.locations.find((l) => l.name === 'Extensions only')!;
    return { customer, branch, extensionsOnly, users: setup.users };
  }

  it('updateLocation changes only the given fields, with one audit event', async () => {
    const hub = partner.client;
    const { customer, branch } = await aCustomerWithBranch();
    const before = await auditCount();
    const updated = await hub.updateLocation({ id: branch.id, name: ' Utrecht Centraal ', emergencyLocationIdentifier: 'ELIN-1', language: 'nl_NL' });
    expect(updated).toMatchObject({
      id: branch.id, name: 'Utrecht Centraal', emergencyLocationIdentifier: 'ELIN-1', language: 'nl_NL', timeZone: 'Europe/Amsterdam',
      address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'NL' }, isHeadquarters: false,
    });
    expect(await auditCount()).toBe(before + 1);
    const page = await hub.customerLocations(customer.id);
    expect(page!.edges.map((e) => e.node.name)).toContain('Utrecht Centraal');
    // Nothing changes: no audit event. null clears the identifier and resets the language to the customer's.
    await hub.updateLocation({ id: branch.id, name: 'Utrecht Centraal' });
    expect(await auditCount()).toBe(before + 1);
    expect(await hub.updateLocation({ id: branch.id, emergencyLocationIdentifier: null, language: null }))
      .toMatchObject({ emergencyLocationIdentifier: null, language: customer.language });
  });

  it('applies the location rules, every error at once, and writes nothing', async () => {
    const hub = partner.client;
    const { customer, branch } = await aCustomerWithBranch();
    const payload = await hub.payloads.updateLocation({
      id: branch.id, name: ' ', timeZone: 'Mars/Olympus', language: 'dutch',
      address: { line1: aString(51), city: 'Amsterdam', countryCode: 'XX' },
    });
    expect(payload.location).toBeNull();
    expectUserErrors(payload, [
      ['REQUIRED', 'input', 'name'], ['TOO_LONG', 'input', 'address', 'line1'], ['INVALID', 'input', 'address', 'countryCode'],
      ['INVALID', 'input', 'timeZone'], ['INVALID', 'input', 'language'],
    ]);
    const removed = await hub.payloads.updateLocation({ id: branch.id, name: null, address: null, timeZone: null });
    expectUserErrors(removed, [['REQUIRED', 'input', 'name'], ['REQUIRED', 'input', 'address'], ['REQUIRED', 'input', 'timeZone']]);
    // A postal code is required for NL: the whole address is replaced, so leaving it out is an error.
    expectUserError(await hub.payloads.updateLocation({ id: branch.id, address: { line1: 'Oudegracht 1', city: 'Utrecht', countryCode: 'NL' } }),
      'REQUIRED', 'input', 'address', 'postalCode');
    // Another location's name (case-insensitive) is TAKEN; the location's own is not.
    expectUserError(await hub.payloads.updateLocation({ id: branch.id, name: 'amsterdam hq' }), 'TAKEN', 'input', 'name');
    expectNoUserErrors(await hub.payloads.updateLocation({ id: branch.id, name: 'UTRECHT' }));
    const [stored] = (await hub.customerLocations(customer.id))!.edges.filter((e) => e.node.id === branch.id);
    expect(stored.node).toMatchObject({ name: 'UTRECHT', timeZone: 'Europe/Amsterdam', address: { line1: 'Damrak 1' } });
  });

  it('a new country must fit the numbers of the location’s users', async () => {
    const hub = partner.client;
    const { branch, extensionsOnly, users } = await aCustomerWithBranch();
    const us = aNewYorkLocation().address;
    const refused = await hub.payloads.updateLocation({ id: branch.id, address: us, timeZone: 'America/New_York' });
    expectUserError(refused, 'INVALID', 'input', 'address', 'countryCode');
    expect(refused.userErrors[0].message).toContain(users.find((u) => u.location.name === 'Utrecht')!.email);
    // A location whose users have no numbers may move country.
    const moved = await hub.updateLocation({ id: extensionsOnly.id, address: us, timeZone: 'America/New_York' });
    expect(moved.address).toMatchObject({ countryCode: 'US', stateOrProvince: 'NY' });
  });

  it('updateLocation dryRun answers as the real call and writes nothing', async () => {
    const hub = partner.client;
    const { customer, branch } = await aCustomerWithBranch();
    const before = await auditCount();
    const preview = await hub.payloads.updateLocation({ id: branch.id, name: 'Preview', dryRun: true });
    expectNoUserErrors(preview);
    expect(preview.location!.name).toBe('Preview');
    expect((await hub.customerLocations(customer.id))!.edges.map((e) => e.node.name)).not.toContain('Preview');
    expect(await auditCount()).toBe(before);
  });

  it('removeLocation: never the headquarters, never while users are there (with their count); an empty one goes with its Setup Assist requests', async () => {
    const hub = partner.client;
    const { customer, branch } = await aCustomerWithBranch();
    const hq = customer.headquarters;
    expectUserErrors(await hub.payloads.removeLocation({ id: hq.id }), [['NOT_ALLOWED', 'input', 'id'], ['IN_USE', 'input', 'id']]);
    const inUse = await hub.payloads.removeLocation({ id: branch.id });
    expectUserError(inUse, 'IN_USE', 'input', 'id');
    expect(inUse.userErrors[0].message).toContain('1 user(s)');

    const spare = (await hub.setupCustomer({ customerId: customer.id, locations: [anAmsterdamLocation({ name: unique('Spare ') })] })).locations[0];
    await hub.requestSetupAssist({ customerId: customer.id, locationId: spare.id, contactName: 'Eva', contactEmail: 'eva@devries.example' });
    const before = await auditCount();
    const preview = await hub.payloads.removeLocation({ id: spare.id, dryRun: true });
    expect(preview).toEqual({ removedLocationId: spare.id, userErrors: [] });
    expect(await auditCount()).toBe(before);
    expect(await hub.removeLocation(spare.id)).toBe(spare.id);
    expect(await auditCount()).toBe(before + 1);
    expect((await hub.customerLocations(customer.id))!.edges.map((e) => e.node.id)).not.toContain(spare.id);
    expect(await hub.setupAssistRequests(customer.id)).toEqual([]);
    expectUserError(await hub.payloads.removeLocation({ id: spare.id }), 'NOT_FOUND', 'input', 'id');
  });

  it('answers NOT_FOUND for another partner’s location or user, and FORBIDDEN to a read-only admin', async () => {
    const theirs = await other.client.createCustomer(aCustomerInput((await other.client.createTemplate(aTemplateInput(other))).id));
    const [theirAdmin] = (await other.client.customerUsers(theirs.id))!.edges.map((e) => e.node);
    for (const id of [theirs.headquarters.id, AN_UNKNOWN_ID, 'nope']) {
      expectUserError(await partner.client.payloads.updateLocation({ id, name: 'Mine' }), 'NOT_FOUND', 'input', 'id');
      expectUserError(await partner.client.payloads.removeLocation({ id }), 'NOT_FOUND', 'input', 'id');
    }
    for (const userId of [theirAdmin.id, AN_UNKNOWN_ID, 'nope']) {
      expectUserError(await partner.client.payloads.resendInvitation({ userId }), 'NOT_FOUND', 'input', 'userId');
    }
    expect((await other.client.customer(theirs.id))!.headquarters.name).toBe(theirs.headquarters.name);
    expect((await other.client.customerOutbox(theirs.id))!.totalCount).toBe(1);

    const readOnly = await fixture.server.app.services.partners.createAdmin({ partnerId: other.partnerId, email: `ro${Date.now()}@p.example`, role: 'READ_ONLY' as never });
    for (const query of [
      `mutation { updateLocation(input: { id: "${theirs.headquarters.id}", name: "x" }) { location { id } } }`,
      `mutation { removeLocation(input: { id: "${theirs.headquarters.id}" }) { removedLocationId } }`,
      `mutation { resendInvitation(input: { userId: "${theirAdmin.id}" }) { message { id } } }`,
    ]) {
      const response = await fixture.server.post({ query }, { token: readOnly.token });
      expect(response.status).toBe(403);
      expect(response.body.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await other.client.customerOutbox(theirs.id))!.totalCount).toBe(1);
  });

  it('resendInvitation: the admin invitation or the welcome email again, but never a second while one is unsent', async () => {
    const hub = partner.client;
    const { customer, users } = await aCustomerWithBranch();
    const outbox = async () => (await hub.customerOutbox(customer.id, { first: 100 }))!.edges.map((e) => e.node);
    const [invitation] = (await outbox()).filter((m) => m.kind === 'ADMIN_INVITATION');
    const admin = (await hub.customerUsers(customer.id, { first: 100 }))!.edges.map((e) => e.node).find((u) => u.email === customer.adminEmail)!;
    const before = await auditCount();

    // The invitation is still PENDING (no SMTP here): that one is the answer, nothing is written.
    const same = await hub.resendInvitation(admin.id);
    expect(same.id).toBe(invitation.id);
    expect(await auditCount()).toBe(before);

    await fixture.server.app.db.write((tx) => tx.update(OutboxMessage, { id: invitation.id }, { status: 'SENT' as never, sentAt: new Date() }));
    const again = await hub.resendInvitation(admin.id);
    expect(again).toMatchObject({ kind: 'ADMIN_INVITATION', to: customer.adminEmail, status: 'PENDING' });
    expect(again.id).not.toBe(invitation.id);
    expect(again.subject).toBe(invitation.subject);
    expect(await auditCount()).toBe(before + 1);
    expect((await hub.resendInvitation(admin.id)).id).toBe(again.id);

    const user = users[0];
    const [welcome] = (await outbox()).filter((m) => m.kind === 'WELCOME' && m.to === user.email);
    await fixture.server.app.db.write((tx) => tx.update(OutboxMessage, { id: welcome.id }, { status: 'FAILED' as never }));
    const resent = await hub.resendInvitation(user.id);
    expect(resent).toMatchObject({ kind: 'WELCOME', to: user.email, status: 'PENDING', subject: welcome.subject });
    expect((await outbox()).filter((m) => m.to === user.email).map((m) => m.status).sort()).toEqual(['FAILED', 'PENDING']);
  });

  it('resendInvitation sent five times at once queues one email (PostgreSQL: the user row is locked)', async () => {
    const hub = partner.client;
    const { customer, users } = await aCustomerWithBranch();
    const user = users[0];
    const welcome = (await hub.customerOutbox(customer.id, { first: 100 }))!.edges.map((e) => e.node).find((m) => m.to === user.email)!;
    await fixture.server.app.db.write((tx) => tx.update(OutboxMessage, { id: welcome.id }, { status: 'SENT' as never, sentAt: new Date() }));
    const answers = await Promise.all(Array.from({ length: 5 }, () => hub.resendInvitation(user.id)));
    expect(new Set(answers.map((m) => m.id)).size).toBe(1);
    const pending = (await hub.customerOutbox(customer.id, { first: 100 }))!.edges.map((e) => e.node).filter((m) => m.to === user.email && m.status === 'PENDING');
    expect(pending.map((m) => m.id)).toEqual([answers[0].id]);
  });
});
