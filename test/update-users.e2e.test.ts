import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphQLRequestError, type CustomerUserUpdateInput, type Package } from '../sdk/src/index';
import { UpdateUsersDocument } from '../sdk/src/generated/graphql';
import { OutboxMessage } from '../server/src/outbox/outbox-message.entity';
import { PartnerAdminRole } from '../server/src/partners/partner-admin.entity';
import { expectNoUserErrors, expectUserError, expectUserErrors } from './support/expect-user-error';
import {
  aCustomerInput, aMeetingsUser, anAmsterdamNumber, aNewYorkLocation, aNewYorkNumber, aTemplateInput, aUser, AN_UNKNOWN_ID, unique,
} from './support/factories';
import { useTestServer } from './support/fixture';
import { INSERT_CHUNK_SIZE } from '../server/src/db/bulk-insert';
import { SELECT_IN_CHUNK } from '../server/src/db/select-in';

/** domain.md §12, updateUsers: every rule on the users as they will be, all or nothing, every error at once. */
const fixture = useTestServer({ partners: 2 });

const E164 = (international: string) => international.replace(/[\s.]/g, '');

describe('updateUsers', () => {
  let templateId: string;
  beforeAll(async () => {
    templateId = (await fixture.partner.client.createTemplate(aTemplateInput(fixture.partner))).id;
  });

  /** A customer (package `pkg`) with an Amsterdam HQ, a New York office and three calling users with numbers and extensions. */
  async function aCustomer(pkg: Package = 'WEBEX_SUITE') {
    const hub = fixture.partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: pkg }));
    const newYork = aNewYorkLocation();
    const { users } = await hub.setupCustomer({
      customerId: customer.id, locations: [newYork],
      users: [
        aUser({ package: pkg, extension: '2001' }), aUser({ package: pkg, extension: '2002' }), aUser({ package: pkg, extension: '2003' }),
        aMeetingsUser(),
      ],
    });
    const admin = (await hub.customerUsers(customer.id, { filter: { search: customer.adminEmail } }))!.edges[0].node;
    return { customer, users, admin, newYork: newYork.name };
  }

  const update = (customerId: string, users: CustomerUserUpdateInput[], dryRun = false) =>
    fixture.partner.client.payloads.updateUsers({ customerId, users, dryRun });

  async function stored(customerId: string) {
    const page = await fixture.partner.client.customerUsers(customerId, { first: 100 });
    return new Map(page!.edges.map((e) => [e.node.id, e.node]));
  }

  async function lastAudit() {
    const events = await fixture.partner.client.auditEvents({ first: 1 });
    return { total: events.totalCount, last: events.edges[0]?.node };
  }

  it('changes only the fields given, clears with null, answers the users in input order and writes one audit event', async () => {
    const { customer, users: [eva, piet], newYork } = await aCustomer();
    const newNumber = aNewYorkNumber();
    const payload = await update(customer.id, [
      { id: piet.id, firstName: '  Pieter ', extension: null },
      { id: eva.id, lastName: 'Jansen', email: ' EVA.Jansen@DeVries.example ', locationName: newYork.toUpperCase(), phoneNumber: newNumber },
    ]);
    expectNoUserErrors(payload);
    expect(payload.customer!.id).toBe(customer.id);
    expect(payload.users.map((u) => [u.id, u.firstName, u.lastName, u.email, u.phoneNumber, u.extension, u.location.name])).toEqual([
      [piet.id, 'Pieter', piet.lastName, piet.email, piet.phoneNumber, null, piet.location.name],
      [eva.id, eva.firstName, 'Jansen', 'eva.jansen@devries.example', E164(newNumber), '2001', newYork],
    ]);
    const after = await stored(customer.id);
    expect(after.get(piet.id)).toMatchObject({ firstName: 'Pieter', lastName: piet.lastName, extension: null, phoneNumber: piet.phoneNumber, package: piet.package });
    expect(after.get(eva.id)).toMatchObject({ lastName: 'Jansen', email: 'eva.jansen@devries.example', phoneNumber: E164(newNumber), extension: '2001' });
    const { last } = await lastAudit();
    expect(last).toMatchObject({ operation: 'updateUsers', targetIds: [customer.id, piet.id, eva.id] });
  });

  it('writes no audit event when no user changes', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const before = await lastAudit();
    expectNoUserErrors(await update(customer.id, [{ id: eva.id, firstName: eva.firstName, phoneNumber: eva.phoneNumber }]));
    expect((await lastAudit()).total).toBe(before.total);
  });

  it('lets two users swap numbers, extensions and emails in one call (uniqueness is judged after the call)', async () => {
    const { customer, users: [eva, piet, jan] } = await aCustomer();
    const payload = await update(customer.id, [
      { id: eva.id, phoneNumber: piet.phoneNumber, extension: piet.extension, email: piet.email },
      { id: piet.id, phoneNumber: eva.phoneNumber, extension: eva.extension, email: eva.email },
      // A rotation of three extensions, and a number handed on to a user who had none of these.
      { id: jan.id, extension: '2009' },
    ]);
    expectNoUserErrors(payload);
    const after = await stored(customer.id);
    expect(after.get(eva.id)).toMatchObject({ phoneNumber: piet.phoneNumber, extension: piet.extension, email: piet.email });
    expect(after.get(piet.id)).toMatchObject({ phoneNumber: eva.phoneNumber, extension: eva.extension, email: eva.email });
    expect(after.get(jan.id)!.extension).toBe('2009');

    // A chain: eva takes jan's extension, jan takes a new one.
    expectNoUserErrors(await update(customer.id, [{ id: eva.id, extension: '2009' }, { id: jan.id, extension: '2010' }]));
    expect((await stored(customer.id)).get(eva.id)!.extension).toBe('2009');
  });

  it('refuses values held after the call: TAKEN on the row that takes them', async () => {
    const { customer, users: [eva, piet, jan] } = await aCustomer();
    const other = await aCustomer();
    const payload = await update(customer.id, [
      // held by a user outside the request (another customer's number, this customer's extension, any email)
      { id: eva.id, phoneNumber: other.users[0].phoneNumber, extension: jan.extension, email: other.users[0].email },
      // held by a user of the request who keeps it
      { id: piet.id, phoneNumber: jan.phoneNumber },
      { id: jan.id, firstName: 'Jan' },
    ]);
    expectUserErrors(payload, [
      ['TAKEN', 'input', 'users', 0, 'phoneNumber'], ['TAKEN', 'input', 'users', 0, 'extension'], ['TAKEN', 'input', 'users', 0, 'email'],
      ['TAKEN', 'input', 'users', 1, 'phoneNumber'],
    ]);
    // The same new value in two rows: the later row is refused.
    const number = anAmsterdamNumber();
    const twice = await update(customer.id, [
      { id: eva.id, phoneNumber: number, extension: '3001', email: 'same@devries.example' },
      { id: piet.id, phoneNumber: number, extension: '3001', email: 'SAME@devries.example' },
    ]);
    expectUserErrors(twice, [
      ['TAKEN', 'input', 'users', 1, 'phoneNumber'], ['TAKEN', 'input', 'users', 1, 'extension'], ['TAKEN', 'input', 'users', 1, 'email'],
    ]);
    // An extension is unique per customer only: another customer's extension is free.
    expectNoUserErrors(await update(customer.id, [{ id: eva.id, extension: '2002' }, { id: piet.id, extension: '4002' }]));
    expect((await stored(customer.id)).get(eva.id)!.extension).toBe('2002');
  });

  it('applies the number rules of §5 to the user as it will be', async () => {
    const { customer, users: [eva, piet, jan, meetings] } = await aCustomer();
    const payload = await update(customer.id, [
      // a calling user keeps a number or an extension
      { id: eva.id, phoneNumber: null, extension: null },
      // moved to a package without calling, with what it holds left in place
      { id: piet.id, package: 'WEBEX_MEETINGS', extension: null },
      // a meetings user moved to calling needs a number or an extension
      { id: meetings.id, package: 'WEBEX_CALLING' },
      // a meetings user cannot be given one
      { id: jan.id, package: 'WEBEX_MEETINGS', phoneNumber: null, extension: null },
    ]);
    expectUserErrors(payload, [
      ['REQUIRED', 'input', 'users', 0, 'phoneNumber'],
      ['NOT_ALLOWED', 'input', 'users', 1, 'phoneNumber'],
      ['REQUIRED', 'input', 'users', 2, 'phoneNumber'],
    ]);
    const kept = await update(customer.id, [{ id: piet.id, package: 'WEBEX_MEETINGS' }]);
    expectUserErrors(kept, [['NOT_ALLOWED', 'input', 'users', 0, 'phoneNumber'], ['NOT_ALLOWED', 'input', 'users', 0, 'extension']]);
    const given = await update(customer.id, [{ id: meetings.id, extension: '5001' }]);
    expectUserError(given, 'NOT_ALLOWED', 'input', 'users', 0, 'extension');

    // Done right: one row each.
    expectNoUserErrors(await update(customer.id, [
      { id: eva.id, phoneNumber: null },
      { id: piet.id, package: 'WEBEX_MEETINGS', phoneNumber: null, extension: null },
      { id: meetings.id, package: 'WEBEX_CALLING', extension: '5001' },
    ]));
    const after = await stored(customer.id);
    expect(after.get(eva.id)).toMatchObject({ phoneNumber: null, extension: '2001' });
    expect(after.get(piet.id)).toMatchObject({ package: 'WEBEX_MEETINGS', phoneNumber: null, extension: null });
    expect(after.get(meetings.id)).toMatchObject({ package: 'WEBEX_CALLING', extension: '5001' });
  });

  it('keeps every number valid for the country of the user’s (new) location', async () => {
    const { customer, users: [eva, piet, jan], newYork } = await aCustomer();
    const payload = await update(customer.id, [
      { id: eva.id, phoneNumber: aNewYorkNumber() },
      { id: piet.id, locationName: newYork },
      { id: jan.id, locationName: newYork, phoneNumber: anAmsterdamNumber() },
    ]);
    expectUserErrors(payload, [
      ['INVALID', 'input', 'users', 0, 'phoneNumber'], ['INVALID', 'input', 'users', 1, 'locationName'], ['INVALID', 'input', 'users', 2, 'phoneNumber'],
    ]);
    expect(payload.userErrors[1].message).toContain('US');
    // Moving with a new number of the new country, or without a number, works.
    expectNoUserErrors(await update(customer.id, [
      { id: piet.id, locationName: newYork, phoneNumber: aNewYorkNumber() },
      { id: jan.id, locationName: newYork, phoneNumber: null },
    ]));
    const after = await stored(customer.id);
    expect(after.get(piet.id)!.location.name).toBe(newYork);
    expect(after.get(jan.id)).toMatchObject({ phoneNumber: null, extension: '2003' });
  });

  it('reads a number in the national form of the country of the user’s (new) location (domain.md §14)', async () => {
    const { customer, users: [eva, piet, jan], newYork } = await aCustomer();
    const national = (international: string) => `0${E164(international).slice(3)}`; // +31 20 … → 020…
    const amsterdam = anAmsterdamNumber();
    const manhattan = E164(aNewYorkNumber()).slice(2); // 212…
    const refused = await update(customer.id, [
      // an Amsterdam national number for a user moving to New York
      { id: jan.id, locationName: newYork, phoneNumber: national(anAmsterdamNumber()) },
    ]);
    expectUserError(refused, 'INVALID', 'input', 'users', 0, 'phoneNumber');
    expect(refused.userErrors[0].message).toContain('US');
    expectNoUserErrors(await update(customer.id, [
      { id: eva.id, phoneNumber: national(amsterdam) },
      { id: piet.id, locationName: newYork, phoneNumber: `(${manhattan.slice(0, 3)}) ${manhattan.slice(3, 6)}-${manhattan.slice(6)}` },
    ]));
    const after = await stored(customer.id);
    expect(after.get(eva.id)!.phoneNumber).toBe(E164(amsterdam));
    expect(after.get(piet.id)!.phoneNumber).toBe(`+1${manhattan}`);
  });

  it('refuses unknown, foreign, malformed and repeated ids, unknown locations and fields sent empty, all at once, writing nothing', async () => {
    const { customer, users: [eva, piet] } = await aCustomer();
    const other = await aCustomer();
    const payload = await update(customer.id, [
      { id: AN_UNKNOWN_ID, firstName: 'X' },
      { id: other.users[0].id, firstName: 'X' },
      { id: 'not-an-id', firstName: 'X' },
      { id: eva.id, firstName: 'Eva', locationName: 'Atlantis' },
      { id: eva.id, lastName: 'Twice' },
      { id: piet.id, firstName: null, lastName: ' ', email: null, package: null, locationName: '', phoneNumber: '+31 20', extension: '1' },
    ]);
    expectUserErrors(payload, [
      ['NOT_FOUND', 'input', 'users', 0, 'id'], ['NOT_FOUND', 'input', 'users', 1, 'id'], ['NOT_FOUND', 'input', 'users', 2, 'id'],
      ['NOT_FOUND', 'input', 'users', 3, 'locationName'], ['INVALID', 'input', 'users', 4, 'id'],
      ['REQUIRED', 'input', 'users', 5, 'firstName'], ['REQUIRED', 'input', 'users', 5, 'lastName'], ['REQUIRED', 'input', 'users', 5, 'email'],
      ['REQUIRED', 'input', 'users', 5, 'package'], ['REQUIRED', 'input', 'users', 5, 'locationName'],
      ['INVALID', 'input', 'users', 5, 'phoneNumber'], ['INVALID', 'input', 'users', 5, 'extension'],
    ]);
    expect(payload.users).toEqual([]);
    expect(payload.customer).toBeNull();
    expect((await stored(customer.id)).get(eva.id)!.firstName).toBe(eva.firstName);
    expect((await stored(other.customer.id)).get(other.users[0].id)!.firstName).toBe(other.users[0].firstName);
  });

  it('answers NOT_FOUND for another partner’s customer and FORBIDDEN for a read-only admin', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const stranger = fixture.partners[1].client;
    const foreign = await stranger.payloads.updateUsers({ customerId: customer.id, users: [{ id: eva.id, firstName: 'Mallory' }] });
    expectUserError(foreign, 'NOT_FOUND', 'input', 'customerId');
    const { token } = await fixture.server.app.services.partners.createAdmin({
      partnerId: fixture.partner.partnerId, email: `reader.${unique()}@partner.example`, role: PartnerAdminRole.READ_ONLY,
    });
    const error = await fixture.server.client(token).updateUsers({ customerId: customer.id, users: [{ id: eva.id, firstName: 'Reader' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect((await stored(customer.id)).get(eva.id)!.firstName).toBe(eva.firstName);
  });

  it('lets the full administrator’s email change (adminEmail follows) but holds administrators to the organization’s package', async () => {
    const { customer, users: [eva, piet], admin } = await aCustomer('WEBEX_SUITE');
    const hub = fixture.partner.client;
    await hub.assignCustomerAdminRoles({ customerId: customer.id, assignments: [{ userId: eva.id, roles: ['USER_ADMIN'] }] });
    const refused = await update(customer.id, [
      { id: admin.id, package: 'WEBEX_CALLING' },
      { id: eva.id, package: 'WEBEX_MEETINGS', phoneNumber: null, extension: null },
      // a regular user may go below the organization's package
      { id: piet.id, package: 'WEBEX_CALLING' },
    ]);
    expectUserErrors(refused, [['DOWNGRADE_NOT_ALLOWED', 'input', 'users', 0, 'package'], ['DOWNGRADE_NOT_ALLOWED', 'input', 'users', 1, 'package']]);

    // The admin has no number yet (createCustomer gives none): a change of name and email is not refused for it.
    const email = `${unique('new-admin')}@devries.example`;
    const payload = await update(customer.id, [{ id: admin.id, email: email.toUpperCase(), firstName: 'Anna' }]);
    expectNoUserErrors(payload);
    expect(payload.customer!.adminEmail).toBe(email);
    expect((await hub.customer(customer.id))!.adminEmail).toBe(email);
    // Still the full administrator under the new address: it cannot be downgraded either.
    expectUserError(await update(customer.id, [{ id: admin.id, package: 'WEBEX_VOICE' }]), 'DOWNGRADE_NOT_ALLOWED', 'input', 'users', 0, 'package');
    // The old address is free again; the new one is taken for every other customer's admin.
    const reuse = await hub.payloads.createCustomer(aCustomerInput(templateId, { adminEmail: email }));
    expectUserError(reuse, 'TAKEN', 'input', 'adminEmail');
    expectNoUserErrors(await hub.payloads.createCustomer(aCustomerInput(templateId, { adminEmail: admin.email })));
  });

  it('an unsent invitation or welcome follows a new email (the old one CANCELLED, a new one queued); resendInvitation then answers the new one', async () => {
    const { customer, users: [eva, piet, jan, meetings], admin } = await aCustomer('WEBEX_SUITE');
    const hub = fixture.partner.client;
    // Piet's welcome already went out: it is not repeated (resendInvitation would send it again).
    await fixture.server.app.db.write((tx) => tx.update(OutboxMessage, { customerId: customer.id, to: piet.email }, { status: 'SENT' as never, sentAt: new Date() }));
    const fresh = (name: string) => `${unique(name)}@devries.example`;
    const [adminEmail, evaEmail, pietEmail] = [fresh('anna'), fresh('eva'), fresh('piet')];
    expectNoUserErrors(await update(customer.id, [
      { id: admin.id, email: adminEmail }, { id: eva.id, email: evaEmail }, { id: piet.id, email: pietEmail },
      // Two users swapping addresses: each one's welcome follows its user.
      { id: jan.id, email: meetings.email }, { id: meetings.id, email: jan.email },
    ]));
    const outbox = async () => (await hub.customerOutbox(customer.id, { first: 100 }))!.edges.map((e) => e.node);
    const messages = await outbox();
    expect(messages.map((m) => [m.to, m.kind, m.status]).sort()).toEqual([
      [admin.email, 'ADMIN_INVITATION', 'CANCELLED'], [adminEmail, 'ADMIN_INVITATION', 'PENDING'],
      [eva.email, 'WELCOME', 'CANCELLED'], [evaEmail, 'WELCOME', 'PENDING'],
      [piet.email, 'WELCOME', 'SENT'],
      [jan.email, 'WELCOME', 'CANCELLED'], [jan.email, 'WELCOME', 'PENDING'],
      [meetings.email, 'WELCOME', 'CANCELLED'], [meetings.email, 'WELCOME', 'PENDING'],
    ].sort());
    // The administrator's new invitation is the unsent one resendInvitation answers: no second email.
    const invitation = messages.find((m) => m.to === adminEmail)!;
    expect((await hub.resendInvitation(admin.id)).id).toBe(invitation.id);
    expect((await hub.resendInvitation(eva.id)).id).toBe(messages.find((m) => m.to === evaEmail)!.id);
    expect(await outbox()).toHaveLength(messages.length);
    // A dry run queues and cancels nothing.
    expectNoUserErrors(await update(customer.id, [{ id: eva.id, email: fresh('eva-again') }], true));
    expect((await outbox()).map((m) => [m.id, m.status])).toEqual(messages.map((m) => [m.id, m.status]));
  });

  it('refuses more than 10,000 rows with LIMIT_EXCEEDED before any SQL runs', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const { server, partner } = fixture;
    const rows = Array.from({ length: 10_001 }, () => ({ id: eva.id, firstName: 'Flood' }));
    const baseline = await server.post({ query: '{ packages { package } }' }, { token: partner.token });
    const response = await server.post({ query: print(UpdateUsersDocument), variables: { input: { customerId: customer.id, users: rows } } }, { token: partner.token });
    expect(response.body.data.updateUsers.userErrors.map((e: { code: string; field: string[] }) => `${e.code}:${e.field.join('.')}`))
      .toEqual(['LIMIT_EXCEEDED:input.users']);
    // Only what every request costs (its token): no statement of the mutation itself.
    expect(Number(response.headers.get('x-sql-statements'))).toBe(Number(baseline.headers.get('x-sql-statements')));
  });

  it('a dry run validates and answers without writing', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const before = await lastAudit();
    const payload = await update(customer.id, [{ id: eva.id, firstName: 'Preview' }], true);
    expectNoUserErrors(payload);
    expect(payload.users[0].firstName).toBe('Preview');
    expect((await stored(customer.id)).get(eva.id)!.firstName).toBe(eva.firstName);
    expect((await lastAudit()).total).toBe(before.total);
  });

  it('costs a bounded number of SQL statements: 1,000 rows (a rotation of extensions, moves, renames) against 1 row', async () => {
    const ROWS = 1_000;
    const { server, partner } = fixture;
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const office = aNewYorkLocation({ name: unique('Office ') });
    const { users } = await hub.setupCustomer({
      customerId: customer.id, locations: [office],
      users: Array.from({ length: ROWS }, (_, i) => aUser({ package: 'WEBEX_SUITE', phoneNumber: null, extension: String(10_000 + i) })),
    });
    const statementsOf = async (rows: CustomerUserUpdateInput[]) => {
      const response = await server.post({ query: print(UpdateUsersDocument), variables: { input: { customerId: customer.id, users: rows } } }, { token: partner.token });
      expectNoUserErrors(response.body.data.updateUsers);
      expect(Number(response.headers.get('x-sql-commits'))).toBe(1);
      return Number(response.headers.get('x-sql-statements'));
    };
    const one = await statementsOf([{ id: users[0].id, firstName: 'One', extension: '90000' }]);
    // Every user takes the next one's extension (each value is held until the call is done), moves and is renamed.
    const many = await statementsOf(users.map((u, i) => ({
      id: u.id, firstName: `Row ${i}`, locationName: office.name, extension: i === ROWS - 1 ? '90000' : users[i + 1].extension,
    })));
    console.log(`updateUsers SQL statements: 1 row ${one}, ${ROWS} rows ${many}`);
    // Only the look-ups go in chunks (of 900 ids: the users, the extensions' holders, their Webex
    // sync rows); each write is one statement whatever the rows (SQLite's search index flushes per
    // statement), so the 1,000 rows cost the second chunk of those three look-ups, the one UPDATE
    // that vacates the rotated extensions, and the audit event's row of target ids past its first 100.
    expect(many).toBeLessThanOrEqual(one + 3 * (Math.ceil(ROWS / SELECT_IN_CHUNK) - 1) + 2);
    const [first] = (await hub.customerUsers(customer.id, { filter: { search: users[0].email } }))!.edges;
    expect(first.node).toMatchObject({ firstName: 'Row 0', extension: users[1].extension, location: { name: office.name } });
  });

  it('re-addresses the unsent welcomes of 1,000 users whose email changes with a bounded number of SQL statements', async () => {
    const ROWS = 1_000;
    const { server, partner } = fixture;
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const { users } = await hub.setupCustomer({ customerId: customer.id, users: Array.from({ length: ROWS + 1 }, () => aMeetingsUser()) });
    const statementsOf = async (rows: CustomerUserUpdateInput[]) => {
      const response = await server.post({ query: print(UpdateUsersDocument), variables: { input: { customerId: customer.id, users: rows } } }, { token: partner.token });
      expectNoUserErrors(response.body.data.updateUsers);
      expect(Number(response.headers.get('x-sql-commits'))).toBe(1);
      return Number(response.headers.get('x-sql-statements'));
    };
    const renamed = (u: { id: string }) => ({ id: u.id, email: `${unique('moved')}@devries.example` });
    const first = renamed(users[0]);
    const one = await statementsOf([first]);
    const rows = users.slice(1).map(renamed);
    const many = await statementsOf(rows);
    console.log(`updateUsers with new emails SQL statements: 1 row ${one}, ${ROWS} rows ${many}`);
    // Look-ups go 900 ids a statement, cancels 900 addresses, the new welcomes 500 rows an insert,
    // the row UPDATE is one statement, the audit's ids past its first 100 one row: chunks, never rows.
    expect(many).toBeLessThanOrEqual(one + 3 * (Math.ceil(ROWS / SELECT_IN_CHUNK) - 1) + (Math.ceil(ROWS / 900) - 1)
      + (Math.ceil(ROWS / INSERT_CHUNK_SIZE) - 1) + 2);
    const outbox = await hub.paginate(hub.customerOutbox, customer.id).toArray({ limit: 3 * ROWS + 10 });
    const pending = outbox.filter((m) => m.kind === 'WELCOME' && m.status === 'PENDING').map((m) => m.to);
    expect(pending.sort()).toEqual([first, ...rows].map((r) => r.email).sort());
    expect(outbox.filter((m) => m.kind === 'WELCOME' && m.status === 'CANCELLED')).toHaveLength(ROWS + 1);
  });
});
