import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerUser } from '../server/src/customers/customer-user.entity';
import { Customer } from '../server/src/customers/customer.entity';
import { webexSync } from '../server/src/webex/webex-sync';
import { WebexJob, WebexSyncRow } from '../server/src/webex/webex.entities';
import type { Package } from '../sdk/src/index';
import { aCustomerInput, anAmsterdamLocation, anAmsterdamNumber, aTemplateInput, aUser, unique } from './support/factories';
import {
  allProvisioned, allSettled, connectedPartner, createCustomer, customerSync, gql, recordFetches, sentDuringRetryAfter, setupCustomer,
  startWebexHarness, waitFor, type WebexHarness,
} from './support/webex-harness';
import type { TestPartner } from './support/test-server';

// Changes after onboarding carried to Cisco (domain.md §12, last rule), against the stand-in, which
// checks every request body against Cisco's published spec.

let h: WebexHarness;

beforeAll(async () => {
  h = await startWebexHarness();
  if (!h.cisco.contractChecked) console.warn("[webex-lifecycle.test] Cisco's OpenAPI files are missing: request bodies are not checked against the spec.");
});
afterAll(async () => {
  await h?.stop();
});

const MUTATE = {
  updateCustomer: 'mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { id package } userErrors { code field message } } }',
  deleteCustomer: 'mutation ($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedCustomerId userErrors { code field message } } }',
  updateLocation: 'mutation ($input: UpdateLocationInput!) { updateLocation(input: $input) { location { id name } userErrors { code field message } } }',
  removeLocation: 'mutation ($input: RemoveLocationInput!) { removeLocation(input: $input) { removedLocationId userErrors { code field message } } }',
};

async function mutate(partner: TestPartner, name: keyof typeof MUTATE, input: Record<string, unknown>) {
  const data = await gql(h.server, partner.token, MUTATE[name], { input });
  expect(data[name].userErrors).toEqual([]);
  return data[name];
}

/** A connected partner's customer (WEBEX_CALLING unless told) with a spare branch and users, all PROVISIONED at Cisco. */
async function provisioned(pkg: Package = 'WEBEX_CALLING', extraUsers: Record<string, unknown>[] = [aUser(), aUser()]) {
  const { partner, templateId, label } = await connectedPartner(h);
  const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: pkg }));
  const branch = anAmsterdamLocation({ name: unique('Branch ') });
  const users = [{ ...aUser({ package: pkg, ...(pkg === 'WEBEX_MEETINGS' ? { phoneNumber: null } : {}) }), email: customer.adminEmail }, ...extraUsers];
  const setup = await gql(h.server, partner.token, `mutation ($input: SetupCustomerInput!) {
    setupCustomer(input: $input) { locations { id name } users { id email } userErrors { code field message } } }`,
  { input: { customerId: customer.id, locations: [branch], users } });
  expect(setup.setupCustomer.userErrors).toEqual([]);
  const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the customer to settle');
  expect(allProvisioned(state), JSON.stringify(state).slice(0, 2000)).toBe(true);
  const cisco = h.cisco.customerByExternalId(customer.id)!;
  return { partner, templateId, label, customer, cisco, branch: setup.setupCustomer.locations[0], users: setup.setupCustomer.users, state };
}

const requestsOf = (label: string, method: string, path: RegExp) => h.cisco.requests.filter((r) => r.tokenLabel === label && r.method === method && path.test(r.path));

async function syncRows(customerId: string) {
  return h.server.app.db.manager.findBy(WebexSyncRow, { customerId });
}

describe('changes after onboarding reach Webex', () => {
  it('updateCustomer: PUT /wholesale/customers/{id} with the complete package list, then the moved administrator’s PUT /wholesale/subscribers/{id}', async () => {
    const { partner, label, customer, cisco, state } = await provisioned();
    const admin = state.users.find((u: any) => u.email === customer.adminEmail);
    await mutate(partner, 'updateCustomer', { id: customer.id, package: 'WEBEX_SUITE', addOns: ['CISCO_CALLING_PLAN'] });
    await waitFor(async () => h.cisco.subscribers.get(admin.webexId)?.packages, (p) => p?.[0] === 'webex_suite', 'the administrator’s package at Cisco');
    const after = await waitFor(() => customerSync(h, partner, customer.id), (s) => allSettled(s) && s.customer.status === 'PROVISIONED', 'the update to settle');
    expect(h.cisco.customers.get(cisco.id)!.packages).toEqual(['webex_suite', 'cisco_calling_plan']);
    const puts = requestsOf(label, 'PUT', /^\/wholesale\/customers\//);
    expect(puts).toHaveLength(1);
    expect((puts[0].body as any).packages).toEqual(['webex_suite', 'cisco_calling_plan']);
    // Only the administrator moved: the other users keep WEBEX_CALLING, here and at Cisco.
    const subscriberPuts = requestsOf(label, 'PUT', /^\/wholesale\/subscribers\//);
    expect(subscriberPuts.map((r) => r.path)).toEqual([`/wholesale/subscribers/${encodeURIComponent(admin.webexId)}`]);
    expect(subscriberPuts[0].body).toEqual({ packages: ['webex_suite'] });
    expect(after.users.every((u: any) => u.status === 'PROVISIONED')).toBe(true);
    // The PUT went after the customer had settled its update at Cisco (it polls `updating` first).
    expect(h.cisco.requests.indexOf(subscriberPuts[0])).toBeGreaterThan(h.cisco.requests.indexOf(puts[0]));
    expect(h.cisco.contractViolations).toEqual([]);
    // A change that does not touch packages (the name) sends nothing.
    await mutate(partner, 'updateCustomer', { id: customer.id, companyName: 'Renamed BV' });
    expect((await syncRows(customer.id)).filter((r) => r.pendingChange !== null)).toEqual([]);
  });

  it('a downgrade moves the administrator’s subscriber down first, then PUTs the customer (Cisco drops what is missing from the list)', async () => {
    const { partner, label, customer, cisco, state } = await provisioned('WEBEX_SUITE', [aUser({ package: 'WEBEX_CALLING' })]);
    const admin = state.users.find((u: any) => u.email === customer.adminEmail);
    expect(h.cisco.subscribers.get(admin.webexId)!.packages).toEqual(['webex_suite']);
    await mutate(partner, 'updateCustomer', { id: customer.id, package: 'WEBEX_CALLING' });
    await waitFor(async () => h.cisco.customers.get(cisco.id)!.packages, (p) => p[0] === 'webex_calling', 'the new package at Cisco');
    const after = await waitFor(() => customerSync(h, partner, customer.id), (s) => allSettled(s) && s.customer.status === 'PROVISIONED', 'the downgrade to settle');
    expect(after.customer.errors).toEqual([]);
    expect(after.customer.status).toBe('PROVISIONED');
    expect(h.cisco.customers.get(cisco.id)!.packages).toEqual(['webex_calling']);
    expect(h.cisco.subscribers.get(admin.webexId)!.packages).toEqual(['webex_calling']);
    const customerPuts = requestsOf(label, 'PUT', /^\/wholesale\/customers\//);
    const subscriberPuts = requestsOf(label, 'PUT', /^\/wholesale\/subscribers\//);
    expect(customerPuts.map((r) => r.status)).toEqual([202]);
    expect(subscriberPuts.map((r) => [r.path, r.body])).toEqual([[`/wholesale/subscribers/${encodeURIComponent(admin.webexId)}`, { packages: ['webex_calling'] }]]);
    expect(h.cisco.requests.indexOf(customerPuts[0])).toBeGreaterThan(h.cisco.requests.indexOf(subscriberPuts[0]));
    expect((await syncRows(customer.id)).filter((r) => r.pendingChange !== null)).toEqual([]);
    expect(h.cisco.contractViolations).toEqual([]);
  });

  it('updateLocation and removeLocation: PUT and DELETE /locations/{id}; the removed location’s row is forgotten once Cisco deleted it', async () => {
    const { partner, label, customer, cisco, branch, state } = await provisioned();
    const branchAtCisco = state.locations.find((l: any) => l.id === branch.id).webexId;
    const renamed = unique('Renamed ');
    await mutate(partner, 'updateLocation', { id: branch.id, name: renamed, timeZone: 'Europe/Amsterdam', language: 'nl_NL' });
    await waitFor(async () => h.cisco.locations.get(branchAtCisco)?.name, (name) => name === renamed, 'the new name at Cisco');
    const put = requestsOf(label, 'PUT', /^\/locations\//);
    expect(put).toHaveLength(1);
    expect(put[0].query).toEqual({ orgId: cisco.orgId });
    expect(put[0].body).toMatchObject({ name: renamed, timeZone: 'Europe/Amsterdam', preferredLanguage: 'nl_nl', address: { address1: 'Damrak 1', country: 'NL' } });

    await mutate(partner, 'removeLocation', { id: branch.id });
    await waitFor(async () => h.cisco.locations.has(branchAtCisco), (has) => !has, 'the location to be deleted at Cisco');
    await waitFor(() => syncRows(customer.id), (rows) => !rows.some((r) => r.id === branch.id), 'the location’s row to be forgotten');
    expect(requestsOf(label, 'DELETE', /^\/locations\//).map((r) => r.path)).toEqual([`/locations/${encodeURIComponent(branchAtCisco)}`]);
    expect(h.cisco.contractViolations).toEqual([]);
  });

  it('usersChanged (the hook updateUsers calls): meetings → calling carries number, extension and location; a new number of a calling user stays here with a Control Hub note', async () => {
    const meetings = aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null });
    const { partner, label, customer, state } = await provisioned('WEBEX_SUITE', [meetings, aUser({ package: 'WEBEX_CALLING' })]);
    const db = h.server.app.db;
    const stored = await db.manager.findBy(CustomerUser, { customerId: customer.id });
    const meetingsUser = stored.find((u) => u.email === meetings.email)!;
    const callingUser = stored.find((u) => u.package === 'WEBEX_CALLING')!;
    const newNumber = anAmsterdamNumber().replace(/ /g, '');
    await db.write(async (tx) => {
      const row = await tx.findOneByOrFail(Customer, { id: customer.id });
      const changes = [
        { before: meetingsUser, after: Object.assign(new CustomerUser(), meetingsUser, { package: 'WEBEX_CALLING', extension: '4711' }) },
        { before: callingUser, after: Object.assign(new CustomerUser(), callingUser, { phoneNumber: newNumber }) },
      ];
      for (const { after } of changes) await tx.update(CustomerUser, { id: after.id }, { package: after.package, extension: after.extension, phoneNumber: after.phoneNumber });
      await webexSync.usersChanged(tx, row, changes);
    });
    const meetingsAtCisco = state.users.find((u: any) => u.email === meetings.email).webexId;
    await waitFor(async () => h.cisco.subscribers.get(meetingsAtCisco)?.packages, (p) => p?.[0] === 'webex_calling', 'the move to calling at Cisco');
    const hq = state.locations.find((l: any) => l.name === 'Amsterdam HQ');
    const [put] = requestsOf(label, 'PUT', /^\/wholesale\/subscribers\//);
    expect(put.body).toEqual({ packages: ['webex_calling'], provisioningParameters: { extension: '4711', locationId: hq.webexId } });
    expect(requestsOf(label, 'PUT', /^\/wholesale\/subscribers\//)).toHaveLength(1);
    const after = await customerSync(h, partner, customer.id);
    const noted = after.users.find((u: any) => u.email === callingUser.email);
    expect(noted.status).toBe('PROVISIONED');
    expect(noted.errors).toEqual([{ code: 'CONTROL_HUB', description: expect.stringContaining('Control Hub'), trackingId: null }]);
    expect(noted.errors[0].description).toContain(newNumber);
    expect(h.cisco.contractViolations).toEqual([]);
  });

  it('updateUsers and removeUsers through the API: a move to calling is a PUT of the subscriber, a removal its DELETE; a dry run sends nothing', async () => {
    const meetings = aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null });
    const { partner, label, customer, state } = await provisioned('WEBEX_SUITE', [meetings, aUser({ package: 'WEBEX_CALLING' })]);
    const meetingsUser = state.users.find((u: any) => u.email === meetings.email);
    const leaving = state.users.find((u: any) => u.email !== meetings.email && u.email !== customer.adminEmail);
    const change = (dryRun: boolean) => gql(h.server, partner.token, `mutation ($input: UpdateUsersInput!) {
      updateUsers(input: $input) { users { id package } userErrors { code field message } } }`,
    { input: { customerId: customer.id, dryRun, users: [{ id: meetingsUser.id, package: 'WEBEX_CALLING', extension: '4712' }] } });
    expect((await change(true)).updateUsers.userErrors).toEqual([]);
    const remove = (dryRun: boolean) => gql(h.server, partner.token, `mutation ($input: RemoveUsersInput!) {
      removeUsers(input: $input) { removedUserIds userErrors { code field message } } }`, { input: { customerId: customer.id, dryRun, userIds: [leaving.id] } });
    expect((await remove(true)).removeUsers.removedUserIds).toEqual([leaving.id]);
    expect((await syncRows(customer.id)).filter((r) => r.pendingChange !== null), 'dry runs queue nothing').toEqual([]);

    expect((await change(false)).updateUsers.userErrors).toEqual([]);
    expect((await remove(false)).removeUsers.userErrors).toEqual([]);
    await waitFor(async () => h.cisco.subscribers.get(meetingsUser.webexId)?.packages, (p) => p?.[0] === 'webex_calling', 'the move to calling at Cisco');
    await waitFor(async () => h.cisco.subscribers.has(leaving.webexId), (has) => !has, 'the removed user deleted at Cisco');
    const hq = state.locations.find((l: any) => l.name === 'Amsterdam HQ');
    expect(requestsOf(label, 'PUT', /^\/wholesale\/subscribers\//).map((r) => r.body)).toEqual([
      { packages: ['webex_calling'], provisioningParameters: { extension: '4712', locationId: hq.webexId } },
    ]);
    expect(requestsOf(label, 'DELETE', /^\/wholesale\/subscribers\//).map((r) => r.path)).toEqual([`/wholesale/subscribers/${encodeURIComponent(leaving.webexId)}`]);
    expect(h.cisco.contractViolations).toEqual([]);
  });

  it('usersRemoved (the hook removeUsers calls): DELETE /wholesale/subscribers/{id} exactly once across a lost answer', async () => {
    const { label, customer, state } = await provisioned();
    const db = h.server.app.db;
    const [leaving] = await db.manager.findBy(CustomerUser, { customerId: customer.id, email: state.users.find((u: any) => u.email !== customer.adminEmail).email });
    const atCisco = state.users.find((u: any) => u.id === leaving.id).webexId;
    h.cisco.dropResponseAfterCommit({ method: 'DELETE', path: /^\/wholesale\/subscribers\// });
    await db.write(async (tx) => {
      await tx.delete(CustomerUser, { id: leaving.id });
      await webexSync.usersRemoved(tx, (await tx.findOneByOrFail(Customer, { id: customer.id })), [leaving]);
    });
    await waitFor(() => syncRows(customer.id), (rows) => !rows.some((r) => r.id === leaving.id), 'the removed user’s row to be forgotten');
    expect(h.cisco.subscribers.has(atCisco)).toBe(false);
    // The first DELETE was carried out but its answer lost; the second found it gone (404): done, no error.
    const deletes = requestsOf(label, 'DELETE', /^\/wholesale\/subscribers\//);
    expect(deletes.map((r) => [r.path, r.status])).toEqual([[`/wholesale/subscribers/${encodeURIComponent(atCisco)}`, 0], [`/wholesale/subscribers/${encodeURIComponent(atCisco)}`, 404]]);
    expect([...h.cisco.subscribers.values()].filter((s) => s.customerId === h.cisco.customerByExternalId(customer.id)!.id)).toHaveLength(2);
  });

  it('deleteCustomer: DELETE /wholesale/customers/{id} across a lost answer, then every sync row of the customer is gone', async () => {
    const { partner, label, customer, cisco } = await provisioned();
    h.cisco.dropResponseAfterCommit({ method: 'DELETE', path: /^\/wholesale\/customers\// });
    await mutate(partner, 'deleteCustomer', { id: customer.id });
    await waitFor(() => syncRows(customer.id), (rows) => rows.length === 0, 'the customer’s rows to be forgotten');
    expect(h.cisco.customers.get(cisco.id)?.status ?? 'gone').toMatch(/deleting|gone/);
    const deletes = requestsOf(label, 'DELETE', /^\/wholesale\/customers\//);
    expect(deletes.map((r) => r.path)).toEqual([`/wholesale/customers/${cisco.id}`, `/wholesale/customers/${cisco.id}`]);
    expect(deletes[0].status).toBe(0);
    // Its locations and users go with it at Cisco: no DELETE of their own.
    expect(requestsOf(label, 'DELETE', /^\/(locations|wholesale\/subscribers)\//)).toEqual([]);
    expect(h.cisco.contractViolations).toEqual([]);
  });

  it('deleteCustomer refused by Cisco (4xx): FAILED with Cisco’s words; retryWebexSync of the deleted id re-drives that DELETE once, and only for its own partner', async () => {
    const { partner, label, customer, cisco } = await provisioned();
    h.cisco.inject({ method: 'DELETE', path: /^\/wholesale\/customers\//, status: 409 });
    await mutate(partner, 'deleteCustomer', { id: customer.id });
    const failed = await waitFor(() => syncRows(customer.id), (rows) => rows.length === 1 && rows[0].status === 'FAILED', 'the refused DELETE');
    expect(failed[0].errors[0].description).toMatch(/current state/);
    expect(h.cisco.customers.get(cisco.id)!.status).toBe('provisioned');
    const RETRY = `mutation ($input: RetryWebexSyncInput!) { retryWebexSync(input: $input) {
      customer { id } deletedCustomerId webex { status errors { description } } userErrors { code field message } } }`;
    // The partner sees it among its pending removals, with Cisco's words; another partner neither sees nor re-drives it.
    const REMOVALS = '{ viewer { partner { webexRemovals { customerId webex { status errors { description } } } } } }';
    const removals = async (token: string) => (await gql(h.server, token, REMOVALS)).viewer.partner.webexRemovals;
    expect(await removals(partner.token)).toEqual([{ customerId: customer.id, webex: { status: 'FAILED', errors: [{ description: expect.stringMatching(/current state/) }] } }]);
    // The SDK lists them as well (hub.webexRemovals()).
    expect(await h.server.client(partner.token).webexRemovals()).toEqual([{ customerId: customer.id,
      webex: expect.objectContaining({ status: 'FAILED', errors: [expect.objectContaining({ description: expect.stringMatching(/current state/) })] }) }]);
    const stranger = await h.server.newPartner();
    expect(await removals(stranger.token)).toEqual([]);
    const foreign = (await gql(h.server, stranger.token, RETRY, { input: { customerId: customer.id } })).retryWebexSync;
    expect(foreign.userErrors.map((e: any) => [e.code, ...e.field])).toEqual([['NOT_FOUND', 'input', 'customerId']]);
    expect(foreign.deletedCustomerId).toBeNull();

    const retried = (await gql(h.server, partner.token, RETRY, { input: { customerId: customer.id } })).retryWebexSync;
    expect(retried).toEqual({ customer: null, deletedCustomerId: customer.id, webex: { status: 'QUEUED', errors: [] }, userErrors: [] });
    await waitFor(() => syncRows(customer.id), (rows) => rows.length === 0, 'the customer’s rows to be forgotten');
    expect(h.cisco.customers.get(cisco.id)?.status ?? 'gone').toMatch(/deleting|gone/);
    expect(requestsOf(label, 'DELETE', /^\/wholesale\/customers\//).map((r) => [r.path, r.status])).toEqual([
      [`/wholesale/customers/${cisco.id}`, 409], [`/wholesale/customers/${cisco.id}`, 202],
    ]);
    // Once Cisco removed it there is nothing left to see or re-drive.
    expect(await removals(partner.token)).toEqual([]);
    const after = (await gql(h.server, partner.token, RETRY, { input: { customerId: customer.id } })).retryWebexSync;
    expect(after.userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    const audit = await gql(h.server, partner.token, '{ auditEvents(first: 2) { edges { node { operation targetIds } } } }');
    expect(audit.auditEvents.edges.map((e: any) => e.node)).toContainEqual({ operation: 'retryWebexSync', targetIds: [customer.id] });
    expect(h.cisco.contractViolations).toEqual([]);
  });

  it('a removed location or deleted customer whose Cisco id a lost answer hid is looked up (by name, by externalId) and deleted', async () => {
    const { partner, label, customer, cisco, branch, state } = await provisioned();
    // Through the server's own writer: a second connection's write would wait on (or fail against) its lock.
    const forgetCiscoId = (id: string) => h.server.app.db.write((tx) => tx.update(WebexSyncRow, { id }, { webexId: null }));
    const branchAtCisco = state.locations.find((l: any) => l.id === branch.id).webexId;
    // As after a create whose answer was lost: sent (createAttemptedAt), Cisco's id unknown here.
    await forgetCiscoId(branch.id);
    await mutate(partner, 'removeLocation', { id: branch.id });
    await waitFor(async () => h.cisco.locations.has(branchAtCisco), (has) => !has, 'the location to be deleted at Cisco');
    expect(requestsOf(label, 'GET', /^\/locations$/).some((r) => r.query.name === branch.name)).toBe(true);

    await forgetCiscoId(customer.id);
    const lookupsBefore = requestsOf(label, 'GET', /^\/wholesale\/customers$/).length;
    await mutate(partner, 'deleteCustomer', { id: customer.id });
    await waitFor(() => syncRows(customer.id), (rows) => rows.length === 0, 'the customer’s rows to be forgotten');
    const lookups = requestsOf(label, 'GET', /^\/wholesale\/customers$/).slice(lookupsBefore);
    expect(lookups.map((r) => r.query.externalId)).toEqual([customer.id]);
    expect(requestsOf(label, 'DELETE', /^\/wholesale\/customers\//).map((r) => r.path)).toEqual([`/wholesale/customers/${cisco.id}`]);
    expect(h.cisco.contractViolations).toEqual([]);
  });

  it('a PUT Cisco refuses marks that object FAILED with Cisco’s words; its siblings are untouched', async () => {
    const { partner, customer, branch, label } = await provisioned();
    // Cisco refuses a name another location of the organization has (409).
    const [hq] = (await customerSync(h, partner, customer.id)).locations.filter((l: any) => l.id !== branch.id);
    const clash = unique('Clash ');
    h.cisco.locations.get(hq.webexId)!.name = clash;
    await mutate(partner, 'updateLocation', { id: branch.id, name: clash });
    const state = await waitFor(() => customerSync(h, partner, customer.id), (s) => s.locations.some((l: any) => l.id === branch.id && l.status === 'FAILED'), 'the refused PUT');
    const failed = state.locations.find((l: any) => l.id === branch.id);
    expect(failed.errors[0].description).toMatch(/already exists/);
    expect(state.customer.status).toBe('PROVISIONED');
    expect(state.users.every((u: any) => u.status === 'PROVISIONED')).toBe(true);
    expect(requestsOf(label, 'PUT', /^\/locations\//).map((r) => r.status)).toEqual([409]);
  });

  it('an administrator moved from meetings to calling without a number waits at Cisco, saying why; the customer’s PUT goes', async () => {
    const meetingsUser = () => aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null });
    const { partner, label, customer, cisco } = await provisioned('WEBEX_MEETINGS', [meetingsUser()]);
    await mutate(partner, 'updateCustomer', { id: customer.id, package: 'WEBEX_SUITE' });
    await waitFor(async () => h.cisco.customers.get(cisco.id)!.packages, (p) => p[0] === 'webex_suite', 'the new package at Cisco');
    const state = await waitFor(() => customerSync(h, partner, customer.id),
      (s) => s.users.some((u: any) => u.email === customer.adminEmail && u.errors.length > 0), 'the administrator’s note');
    const admin = state.users.find((u: any) => u.email === customer.adminEmail);
    expect(admin.errors[0].description).toMatch(/phone number or an extension/);
    expect(requestsOf(label, 'PUT', /^\/wholesale\/subscribers\//)).toEqual([]);
    expect((await syncRows(customer.id)).find((r) => r.id === admin.id)!.pendingChange).toBe('UPDATE_CALLING');
  });

  it('waits out a 429’s Retry-After before the PUT goes again', async () => {
    const { partner, label, customer, cisco } = await provisioned();
    const recorder = recordFetches(h.cisco.url);
    try {
      h.cisco.inject({ status: 429, retryAfterSeconds: 1, method: 'PUT', path: /^\/wholesale\/customers\// });
      await mutate(partner, 'updateCustomer', { id: customer.id, addOns: ['ATTENDANT_CONSOLE'] });
      await waitFor(async () => h.cisco.customers.get(cisco.id)!.packages, (p) => p.includes('attendant_console'), 'the add-on at Cisco');
    } finally {
      recorder.restore();
    }
    expect(requestsOf(label, 'PUT', /^\/wholesale\/customers\//).map((r) => r.status)).toEqual([429, 202]);
    expect(sentDuringRetryAfter(recorder.sent)).toEqual([]);
    expect(h.cisco.requestsBeforeRetryAfter()).toBe(0);
  });

  it('never sends a create with values read before a change: the object is read again next round', async () => {
    const { partner, customer, label } = await provisioned('WEBEX_SUITE');
    const newcomer = aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null, firstName: 'Before' });
    const db = h.server.app.db;
    // Cisco's fetch, seen from the server (it runs in this process): the round that reads the newcomer
    // creates the new branch first; right before that request leaves, the newcomer is renamed.
    const original = globalThis.fetch;
    let renamed = false;
    globalThis.fetch = (async (input: any, init?: any) => {
      const url = String(typeof input === 'string' ? input : input.url ?? input);
      if (!renamed && init?.method === 'POST' && url.startsWith(`${h.cisco.url}/locations`)) {
        renamed = true;
        await db.write(async (tx) => {
          const before = await tx.findOneByOrFail(CustomerUser, { email: newcomer.email });
          const after = Object.assign(new CustomerUser(), before, { firstName: 'After' });
          await tx.update(CustomerUser, { id: before.id }, { firstName: 'After' });
          await webexSync.usersChanged(tx, await tx.findOneByOrFail(Customer, { id: customer.id }), [{ before, after }]);
        });
      }
      return original(input, init);
    }) as typeof fetch;
    try {
      await setupCustomer(h, partner, { customerId: customer.id, locations: [anAmsterdamLocation({ name: unique('New branch ') })], users: [newcomer] });
      const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the newcomer to settle');
      expect(allProvisioned(state), JSON.stringify(state).slice(0, 2000)).toBe(true);
    } finally {
      globalThis.fetch = original;
    }
    expect(renamed).toBe(true);
    const posts = requestsOf(label, 'POST', /^\/wholesale\/subscribers$/).filter((r) => (r.body as any).email === newcomer.email);
    expect(posts.map((r) => (r.body as any).provisioningParameters.firstName)).toEqual(['After']);
    expect([...h.cisco.subscribers.values()].find((x) => x.email === newcomer.email)!.provisioningParameters.firstName).toBe('After');
  });

  it('sends nothing for a dry run, and nothing for a partner that is not connected', async () => {
    const { partner, label, customer, branch } = await provisioned();
    const before = h.cisco.requests.filter((r) => r.tokenLabel === label).length;
    for (const [name, input] of [
      ['updateCustomer', { id: customer.id, package: 'WEBEX_SUITE' }], ['updateLocation', { id: branch.id, name: 'Dry' }],
      ['removeLocation', { id: branch.id }], ['deleteCustomer', { id: customer.id }],
    ] as const) await mutate(partner, name, { ...input, dryRun: true });
    expect((await syncRows(customer.id)).filter((r) => r.pendingChange !== null)).toEqual([]);
    // A real change afterwards is the only thing carried: the worker had nothing else to do.
    await mutate(partner, 'updateLocation', { id: branch.id, emergencyLocationIdentifier: 'ELIN-9', name: unique('Real ') });
    await waitFor(() => syncRows(customer.id), (rows) => rows.every((r) => r.pendingChange === null), 'the real change to be carried');
    expect(h.cisco.requests.filter((r) => r.tokenLabel === label).slice(before).map((r) => `${r.method} ${r.path.split('/')[1]}`)).toEqual(['PUT locations']);

    const loner = await h.server.newPartner();
    const template = await gql(h.server, loner.token, 'mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } } }',
      { input: { ...aTemplateInput(loner), webexProvisioningId: unique('prov-') } });
    const theirs = await createCustomer(h, loner, aCustomerInput(template.createTemplate.template.id));
    const theirBranch = (await setupCustomer(h, loner, { customerId: theirs.id, locations: [anAmsterdamLocation({ name: 'Spare' })] })).customer;
    expect(theirBranch.id).toBe(theirs.id);
    await mutate(loner, 'updateCustomer', { id: theirs.id, package: 'WEBEX_SUITE' });
    await mutate(loner, 'deleteCustomer', { id: theirs.id });
    expect(await h.server.app.db.manager.countBy(WebexSyncRow, { customerId: theirs.id })).toBe(0);
    expect(await h.server.app.db.manager.countBy(WebexJob, { id: theirs.id })).toBe(0);
  });
});
