import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aLocationIn, anAmsterdamNumber, aNewYorkLocation, aTemplateInput, aUser, unique } from './support/factories';
import {
  allProvisioned, allSettled, connectedPartner, recordFetches, sentDuringRetryAfter, connectWebex, createCustomer, customerSync, gql, setupCustomer, startWebexHarness,
  waitFor, webexTemplate, type WebexHarness,
} from './support/webex-harness';

// The connector against the stand-in for Cisco's API (test/support/webex-stand-in.ts), on SQLite or,
// with TEST_DATABASE_URL, PostgreSQL. Every request body is checked against Cisco's spec by the stand-in.

let h: WebexHarness;

beforeAll(async () => {
  h = await startWebexHarness();
  if (!h.cisco.contractChecked) console.warn("[webex-sync.test] Cisco's OpenAPI files are missing: request bodies are not checked against the spec.");
});
afterAll(async () => {
  await h?.stop();
});

/** 40 users of mixed packages over the headquarters (NL numbers) and a New York location (extensions), plus the full admin. */
function mixedUsers(adminEmail: string, newYork: string) {
  const users: Record<string, unknown>[] = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: adminEmail }];
  for (let i = 0; i < 40; i++) {
    const kind = i % 4;
    if (kind === 0) users.push(aUser({ package: 'WEBEX_CALLING' }));
    else if (kind === 1) users.push(aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null }));
    else if (kind === 2) users.push(aUser({ package: 'WEBEX_SUITE', phoneNumber: null, extension: String(2000 + i), locationName: newYork }));
    else users.push(aUser({ package: 'WEBEX_CALLING_STANDARD', phoneNumber: anAmsterdamNumber() }));
  }
  return users;
}

async function provisionedCustomerWithUsers(partner: any, templateId: string, userCount = 5) {
  const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
  const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }];
  for (let i = 0; i < userCount; i++) users.push(aUser({ package: 'WEBEX_CALLING' }));
  await setupCustomer(h, partner, { customerId: customer.id, users });
  return customer;
}

describe('Webex sync', () => {
  it('carries a customer with two locations and 40 users of mixed packages to Webex: every object PROVISIONED, every request within Cisco’s contract', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    expect(customer.webex.status).toBe('QUEUED');
    const newYork = aNewYorkLocation();
    await setupCustomer(h, partner, { customerId: customer.id, locations: [newYork], users: mixedUsers(customer.adminEmail, newYork.name as string) });

    const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the customer to settle');
    expect(state.userCount).toBe(41);
    expect(state.users).toHaveLength(41);
    expect(allProvisioned(state), JSON.stringify(state).slice(0, 3000)).toBe(true);
    const cisco = h.cisco.customerByExternalId(customer.id)!;
    expect(state.customer.webexId).toBe(cisco.id);
    expect(state.customer.orgId).toBe(cisco.orgId);
    expect(state.customer.webexStatus).toBe('provisioned');
    expect(state.locations.every((l: any) => typeof l.webexId === 'string')).toBe(true);
    expect(new Set(state.users.map((u: any) => u.webexId)).size).toBe(41);
    expect([...h.cisco.subscribers.values()].filter((s) => s.customerId === cisco.id)).toHaveLength(41);
    expect(h.cisco.contractViolations).toEqual([]);
    expect(h.cisco.duplicateCreates()).toBe(0);
    // The headquarters is the location Cisco made from calling.location: found, never created a second time.
    const created = h.cisco.requests.filter((r) => r.method === 'POST' && r.path === '/locations' && r.query.orgId === cisco.orgId);
    expect(created).toHaveLength(1);
  });

  it('waits out 429s and 423s (Retry-After) and retries 503s with backoff: nothing sent with the token before a Retry-After passed, everything ends PROVISIONED', async () => {
    const { partner, templateId, label } = await connectedPartner(h);
    const recorder = recordFetches(h.cisco.url);
    try {
      h.cisco.inject({ status: 429, retryAfterSeconds: 1, times: 2, path: /^\/wholesale\/subscribers$/ });
      h.cisco.inject({ status: 503, times: 3, path: /^\/wholesale\/(customers|subscribers)/ });
      h.cisco.inject({ status: 423, retryAfterSeconds: 1, times: 1, path: /^\/locations/ });
      // Two customers of the partner: two jobs share the token, and so its Retry-After.
      const customers = await Promise.all([provisionedCustomerWithUsers(partner, templateId, 8), provisionedCustomerWithUsers(partner, templateId, 8)]);
      for (const customer of customers) {
        const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the customer to settle');
        expect(allProvisioned(state), JSON.stringify(state).slice(0, 3000)).toBe(true);
      }
    } finally {
      recorder.restore();
    }
    expect(h.cisco.requests.filter((r) => r.tokenLabel === label && [423, 429, 503].includes(r.status)).length).toBe(6);
    // Users go in parallel (WEBEX_CONCURRENCY, 4 here): a request already on its way when another is
    // answered 429 cannot be called back, so the stand-in may count it as early. What the connector
    // controls is what it sends once it knows: nothing, until the Retry-After has passed.
    expect(recorder.sent.filter((r) => r.retryAfter !== null)).toHaveLength(3);
    // It read each one as the headers came (before the body), and sent nothing with the token from then until it passed.
    expect(recorder.sent.filter((r) => r.retryAfter !== null).map((r) => r.knownAt !== null && r.knownAt >= r.answeredAt!)).toEqual([true, true, true]);
    expect(sentDuringRetryAfter(recorder.sent)).toEqual([]);
    expect(h.cisco.duplicateCreates()).toBe(0);
  });

  it('refreshes an access token that expires mid-sync once, and the sync goes on', async () => {
    const { partner, templateId, accessToken } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    await waitFor(() => customerSync(h, partner, customer.id), (s) => s.customer.status === 'PROVISIONED', 'the customer to be provisioned');
    const refreshesBefore = h.cisco.tokenRefreshes;
    h.cisco.expireToken(accessToken);
    const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aUser(), aUser(), aUser()];
    await setupCustomer(h, partner, { customerId: customer.id, users });
    const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');
    expect(allProvisioned(state), JSON.stringify(state).slice(0, 3000)).toBe(true);
    expect(h.cisco.tokenRefreshes - refreshesBefore).toBe(1);
    const connection = await gql(h.server, partner.token, '{ viewer { partner { webexConnection { connected lastError } } } }');
    expect(connection.viewer.partner.webexConnection).toEqual({ connected: true, lastError: null });
  });

  it('marks a user Cisco refuses FAILED with Cisco’s words and trackingId while its siblings are PROVISIONED; retryWebexSync re-drives it', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const refused = aUser();
    h.cisco.markNumberNotInInventory(refused.phoneNumber!.replace(/ /g, ''));
    await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aUser(), refused, aUser()] });
    const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the users to settle');
    const failed = state.users.filter((u: any) => u.status === 'FAILED');
    expect(failed.map((u: any) => u.email)).toEqual([refused.email]);
    expect(failed[0].errors).toHaveLength(1);
    expect(failed[0].errors[0].description).toMatch(/inventory/);
    expect(failed[0].errors[0].trackingId).toEqual(expect.any(String));
    expect(state.users.filter((u: any) => u.status === 'PROVISIONED')).toHaveLength(3);

    const postsBefore = h.cisco.requests.filter((r) => r.method === 'POST' && r.path === '/wholesale/subscribers' && (r.body as any)?.email === refused.email).length;
    const retried = await gql(h.server, partner.token, `mutation ($input: RetryWebexSyncInput!) { retryWebexSync(input: $input) {
      customer { id } userErrors { code field message } } }`, { input: { customerId: customer.id } });
    expect(retried.retryWebexSync.userErrors).toEqual([]);
    await waitFor(() => Promise.resolve(h.cisco.requests.filter((r) => r.method === 'POST' && r.path === '/wholesale/subscribers' && (r.body as any)?.email === refused.email).length),
      (n) => n > postsBefore, 'the refused user to be sent again');
    const again = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the retry to settle');
    expect(again.users.find((u: any) => u.email === refused.email).status).toBe('FAILED');
    expect(h.cisco.duplicateCreates()).toBe(0);
  });

  it('holds a customer pending a Denied Party List review ON_HOLD (webexStatus says why) and goes on once Cisco releases it', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_MEETINGS' }));
    h.cisco.setCustomerOutcome(customer.id, { status: 'pending_rpl_review' });
    const held = await waitFor(() => customerSync(h, partner, customer.id), (s) => s.customer.status === 'ON_HOLD', 'the customer to be held');
    expect(held.customer.webexStatus).toBe('pending_rpl_review');
    expect(held.customer.nextAttemptAt).toEqual(expect.any(String));
    h.cisco.releaseCustomer(customer.id);
    const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the customer to settle');
    expect(allProvisioned(state), JSON.stringify(state).slice(0, 3000)).toBe(true);
  });

  it('holds a user waiting for consent (pending_user_migration) ON_HOLD and marks it PROVISIONED once the user consents', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const migrating = aUser();
    h.cisco.markPendingUserMigration(migrating.email);
    await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, migrating] });
    const held = await waitFor(() => customerSync(h, partner, customer.id),
      (s) => s.users.some((u: any) => u.email === migrating.email && u.status === 'ON_HOLD'), 'the user to be held');
    expect(held.users.find((u: any) => u.email === migrating.email).webexStatus).toBe('pending_user_migration');
    h.cisco.completeUserMigration(migrating.email);
    const state = await waitFor(() => customerSync(h, partner, customer.id), allProvisioned, 'the user to be provisioned');
    expect(state.users.find((u: any) => u.email === migrating.email).webexStatus).toBe('provisioned');
  });

  it('holds the partner’s jobs with lastError when its token is refused even after a refresh, and goes on once it connects again', async () => {
    const { partner, templateId, accessToken, refreshToken } = await connectedPartner(h);
    h.cisco.expireToken(accessToken);
    h.cisco.revokeRefreshToken(refreshToken);
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_MEETINGS' }));
    const held = await waitFor(() => gql(h.server, partner.token, '{ viewer { partner { webexConnection { connected lastError } } } }'),
      (d) => d.viewer.partner.webexConnection.lastError !== null, 'the connection to report the refused token');
    expect(held.viewer.partner.webexConnection.lastError).toMatch(/connectWebex/);
    expect(held.viewer.partner.webexConnection.lastError).not.toContain(accessToken);
    expect((await customerSync(h, partner, customer.id)).customer.status).toBe('QUEUED');
    const fresh = h.cisco.issueToken({ label: unique('again') });
    expect((await connectWebex(h.server, partner, fresh.accessToken, fresh.refreshToken)).connection.lastError).toBeNull();
    await waitFor(() => customerSync(h, partner, customer.id), allProvisioned, 'the customer after reconnecting');
  });

  it('shows Cisco’s background errors: error → FAILED with Cisco’s errorCode and words; provisioned_with_errors goes on with its locations and users', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const broken = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_MEETINGS' }));
    h.cisco.setCustomerOutcome(broken.id, { status: 'error' });
    const failed = await waitFor(() => customerSync(h, partner, broken.id), (st) => !['QUEUED', 'IN_PROGRESS'].includes(st.customer.status), 'the failing customer', 30_000);
    expect(failed.customer.status).toBe('FAILED');
    expect(failed.customer.webexStatus).toBe('error');
    expect(failed.customer.errors).toEqual([{ code: '2560', description: expect.stringMatching(/maintenance/), trackingId: null }]);

    const partial = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    h.cisco.setCustomerOutcome(partial.id, { status: 'provisioned_with_errors', errors: [{ errorCode: 1000, description: 'A package could not be fully provisioned.' }] });
    await setupCustomer(h, partner, { customerId: partial.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: partial.adminEmail }, aUser()] });
    const state = await waitFor(() => customerSync(h, partner, partial.id), allSettled, 'the partly provisioned customer');
    expect(state.customer.status).toBe('PROVISIONED_WITH_ERRORS');
    expect(state.customer.errors).toEqual([{ code: '1000', description: 'A package could not be fully provisioned.', trackingId: null }]);
    expect([...state.locations, ...state.users].every((s: any) => s.status === 'PROVISIONED')).toBe(true);
  });

  it('uses each partner’s token for its own objects only', async () => {
    const a = await connectedPartner(h);
    const b = await connectedPartner(h);
    const [customerA, customerB] = await Promise.all([
      provisionedCustomerWithUsers(a.partner, a.templateId, 3),
      provisionedCustomerWithUsers(b.partner, b.templateId, 3),
    ]);
    await waitFor(() => customerSync(h, a.partner, customerA.id), allProvisioned, 'partner A’s customer');
    await waitFor(() => customerSync(h, b.partner, customerB.id), allProvisioned, 'partner B’s customer');
    expect(h.cisco.crossPartnerAccesses).toEqual([]);
    expect(h.cisco.customerByExternalId(customerA.id)!.tokenLabel).toBe(a.label);
    expect(h.cisco.customerByExternalId(customerB.id)!.tokenLabel).toBe(b.label);
    const orgA = h.cisco.customerByExternalId(customerA.id)!;
    const aRequests = h.cisco.requests.filter((r) => JSON.stringify(r.query).includes(orgA.orgId!) || JSON.stringify(r.body ?? '').includes(orgA.id));
    expect(aRequests.length).toBeGreaterThan(0);
    expect(aRequests.every((r) => r.tokenLabel === a.label)).toBe(true);
  });

  it('never sends a dry run to Cisco', async () => {
    const { partner, templateId } = await connectedPartner(h);
    const dry = await gql(h.server, partner.token, `mutation ($input: CreateCustomerInput!) {
      createCustomer(input: $input) { customer { id webex { status } } userErrors { code } } }`,
    { input: { ...aCustomerInput(templateId), dryRun: true } });
    // The same answer as the real call would give; nothing of it is kept, nothing reaches Cisco.
    expect(dry.createCustomer.customer.webex.status).toBe('QUEUED');
    const real = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_MEETINGS' }));
    // Jobs are taken in id order: once the later, real customer is provisioned, the dry run would have been sent.
    await waitFor(() => customerSync(h, partner, real.id), allProvisioned, 'the real customer');
    const dryId = dry.createCustomer.customer.id;
    expect(h.cisco.requests.filter((r) => JSON.stringify(r.body ?? '').includes(dryId) || JSON.stringify(r.query).includes(dryId))).toEqual([]);
    expect(h.cisco.customerByExternalId(dryId)).toBeUndefined();

    // setupCustomer: the dry run's users and locations answer QUEUED as the real call's do, from the rows it rolled back.
    const setup = async (dryRun: boolean) => (await gql(h.server, partner.token, `mutation ($input: SetupCustomerInput!) {
      setupCustomer(input: $input) { customer { webex { status } } locations { name webex { status } } users { email webex { status } } userErrors { code field message } } }`,
    { input: { customerId: real.id, dryRun, locations: [aLocationIn('NL', { name: 'Dry Branch' })], users: [aUser({ email: 'dry.one@dry.example', package: 'WEBEX_MEETINGS', phoneNumber: null, extension: null })] } })).setupCustomer;
    const drySetup = await setup(true);
    expect(drySetup.userErrors).toEqual([]);
    expect(drySetup.users.map((u: { webex: { status: string } }) => u.webex.status)).toEqual(['QUEUED']);
    expect(drySetup.locations.map((l: { webex: { status: string } }) => l.webex.status)).toEqual(['QUEUED']);
    expect(drySetup).toEqual(await setup(false));
  });

  it('leaves a customer NOT_SYNCED without a connection or without a webexProvisioningId; retryWebexSync queues it once both hold', async () => {
    const partner = await h.server.newPartner();
    const bare = await webexTemplate(h, partner, null);
    const withId = await webexTemplate(h, partner);
    const notConnected = await createCustomer(h, partner, aCustomerInput(withId, { package: 'WEBEX_MEETINGS' }));
    expect(notConnected.webex.status).toBe('NOT_SYNCED');
    const retry = async (customerId: string) => (await gql(h.server, partner.token, `mutation ($input: RetryWebexSyncInput!) {
      retryWebexSync(input: $input) { customer { id webex { status } } userErrors { code field message } } }`, { input: { customerId } })).retryWebexSync;
    const refused = await retry(notConnected.id);
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'NOT_ALLOWED', field: ['input', 'customerId'] })]);
    expect(refused.userErrors[0].message).toMatch(/connectWebex/);

    const tokens = h.cisco.issueToken({ label: unique('late') });
    expect((await connectWebex(h.server, partner, tokens.accessToken, tokens.refreshToken)).userErrors).toEqual([]);
    const noProvisioningId = await createCustomer(h, partner, aCustomerInput(bare, { package: 'WEBEX_MEETINGS' }));
    expect(noProvisioningId.webex.status).toBe('NOT_SYNCED');
    const stillRefused = await retry(noProvisioningId.id);
    expect(stillRefused.userErrors).toEqual([expect.objectContaining({ code: 'NOT_ALLOWED', field: ['input', 'customerId'] })]);
    expect(stillRefused.userErrors[0].message).toMatch(/webexProvisioningId/);

    const queued = await retry(notConnected.id);
    expect(queued.userErrors).toEqual([]);
    expect(queued.customer.webex.status).toBe('QUEUED');
    await waitFor(() => customerSync(h, partner, notConnected.id), allProvisioned, 'the queued customer');
    expect(h.cisco.customerByExternalId(noProvisioningId.id)).toBeUndefined();
  });

  it('looks a create up before sending it again when its answer was lost: no duplicate at Cisco', async () => {
    const { partner, templateId } = await connectedPartner(h);
    h.cisco.dropResponseAfterCommit({ method: 'POST', path: /^\/wholesale\/customers$/, times: 1 });
    h.cisco.dropResponseAfterCommit({ method: 'POST', path: /^\/locations$/, times: 1 });
    h.cisco.dropResponseAfterCommit({ method: 'POST', path: /^\/wholesale\/subscribers$/, times: 3 });
    const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const newYork = aNewYorkLocation();
    await setupCustomer(h, partner, {
      customerId: customer.id, locations: [newYork],
      users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aUser(), aUser(), aUser({ locationName: newYork.name, phoneNumber: null, extension: '4001' })],
    });
    const state = await waitFor(() => customerSync(h, partner, customer.id), allSettled, 'the customer to settle');
    expect(allProvisioned(state), JSON.stringify(state).slice(0, 3000)).toBe(true);
    expect(h.cisco.requests.filter((r) => r.status === 0).length).toBeGreaterThanOrEqual(3);
    expect(h.cisco.duplicates).toEqual([]);
    expect(h.cisco.duplicateCreates()).toBe(0);
  });
});

describe('Webex sync, one request at a time per partner (WEBEX_CONCURRENCY=1)', () => {
  let one: WebexHarness;
  beforeAll(async () => {
    one = await startWebexHarness({}, { WEBEX_CONCURRENCY: '1' });
  });
  afterAll(async () => {
    await one?.stop();
  });

  it('sends no request before a Retry-After passed, as the stand-in counts them (arrivals), through 429s, 423s and 503s', async () => {
    const { partner, templateId } = await connectedPartner(one);
    one.cisco.inject({ status: 429, retryAfterSeconds: 1, times: 2, path: /^\/wholesale\/subscribers$/ });
    one.cisco.inject({ status: 503, times: 2, path: /^\/wholesale\/(customers|subscribers)/ });
    one.cisco.inject({ status: 423, retryAfterSeconds: 1, times: 1, path: /^\/locations/ });
    const customer = await createCustomer(one, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    await setupCustomer(one, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aUser(), aUser(), aUser()] });
    const state = await waitFor(() => customerSync(one, partner, customer.id), allSettled, 'the customer to settle');
    expect(allProvisioned(state), JSON.stringify(state).slice(0, 3000)).toBe(true);
    expect(one.cisco.requests.filter((r) => [423, 429, 503].includes(r.status)).length).toBe(5);
    expect(one.cisco.requestsBeforeRetryAfter()).toBe(0);
    expect(one.cisco.duplicateCreates()).toBe(0);
  });
});

describe('Webex sync through the SDK', () => {
  let s: WebexHarness;
  beforeAll(async () => {
    s = await startWebexHarness();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('connects, creates from a template with a webexProvisioningId, watches the state and re-drives a failure', async () => {
    const partner = await s.server.newPartner();
    const hub = partner.client;
    const tokens = s.cisco.issueToken({ label: unique('sdk') });
    const connection = await hub.connectWebex({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    expect(connection).toEqual({ connected: true, connectedAt: expect.any(String), lastError: null });
    expect(await hub.webexConnection()).toEqual(connection);
    const webexProvisioningId = unique('prov-');
    s.cisco.registerProvisioningId(webexProvisioningId);
    const template = await hub.createTemplate({ ...aTemplateInput(partner), webexProvisioningId });
    expect(template.webexProvisioningId).toBe(webexProvisioningId);
    const customer = await hub.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_SUITE' }));
    const refused = aUser();
    s.cisco.markNumberNotInInventory(refused.phoneNumber!.replace(/ /g, ''));
    await hub.setupCustomer({ customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aUser(), refused] });
    const settled = (sync: any) => [sync.webex, ...sync.locations.edges.map((e: any) => e.node.webex), ...sync.users.edges.map((e: any) => e.node.webex)]
      .every((w: any) => !['QUEUED', 'IN_PROGRESS'].includes(w.status));
    const sync = (await waitFor(() => hub.customerWebexSync(customer.id, { first: 100 }), settled, 'the sync'))!;
    expect(sync.webex.status).toBe('PROVISIONED');
    expect(sync.users.totalCount).toBe(3);
    const failed = sync.users.edges.filter((e) => e.node.webex.status === 'FAILED').map((e) => e.node.email);
    expect(failed).toEqual([refused.email]);
    const webex = await hub.retryWebexSync(customer.id);
    expect(webex.status).toBe('PROVISIONED');
    await expect(hub.retryWebexSync('00000000-0000-7000-8000-000000000000')).rejects.toMatchObject({ userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
  });
});

describe('Webex sync within a per-partner rate (WEBEX_REQUESTS_PER_SECOND=20)', () => {
  let r: WebexHarness;
  beforeAll(async () => {
    r = await startWebexHarness({}, { WEBEX_REQUESTS_PER_SECOND: '20' });
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('never sends more than the rate allows with one partner’s token (one second of burst), whatever the number of users', async () => {
    const { partner, templateId } = await connectedPartner(r);
    const recorder = recordFetches(r.cisco.url);
    try {
      const customer = await createCustomer(r, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
      const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }];
      for (let i = 0; i < 40; i++) users.push(aUser());
      await setupCustomer(r, partner, { customerId: customer.id, users });
      const state = await waitFor(() => customerSync(r, partner, customer.id), allSettled, 'the customer to settle');
      expect(allProvisioned(state)).toBe(true);
    } finally {
      recorder.restore();
    }
    // A bucket of 20 tokens refilled at 20 per second: any window of t ms holds at most 20 + 20·t/1000 requests.
    const times = recorder.sent.filter((s) => s.authorization !== null).map((s) => s.sentAt).sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(40);
    let worst = 0;
    for (let i = 0; i < times.length; i++) {
      for (let j = i; j < times.length; j++) worst = Math.max(worst, (j - i + 1) - (20 + (20 * (times[j] - times[i])) / 1000));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});
