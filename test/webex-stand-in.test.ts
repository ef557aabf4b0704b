import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadWebexContract } from './support/webex-contract';
import { startWebexStandIn, type WebexStandIn } from './support/webex-stand-in';

// The stand-in for Cisco's Webex APIs is what every connector test trusts, so it is proven here on its
// own, with raw HTTP: what Cisco answers, what Cisco refuses, and what the stand-in counts.

const PROVISIONING_ID = 'prov-template-1';
const contractChecked = loadWebexContract().contractChecked;
if (!contractChecked) {
  console.warn("[webex-stand-in.test] Cisco's OpenAPI files are missing (../shared/webex-openapi): the contract tests are skipped.");
}

let cisco: WebexStandIn;
let token: string;

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(method: string, path: string, body?: unknown, bearer: string | null = token): Promise<Answer> {
  const response = await fetch(`${cisco.url}${path}`, {
    method,
    headers: { ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const address = { addressLine1: '1 Main Street', city: 'Austin', stateOrProvince: 'TX', zipOrPostalCode: '78701', country: 'US' };

function customerBody(externalId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  // A fresh copy each time, with no object shared between two places: tests add fields to nested objects.
  return JSON.parse(JSON.stringify({
    provisioningId: PROVISIONING_ID,
    packages: ['webex_calling'],
    externalId,
    address,
    customerInfo: { name: 'Acme Corp', primaryEmail: 'admin@acme.example', language: 'en' },
    provisioningParameters: {
      calling: { location: { name: 'Headquarters', address, timezone: 'America/Chicago', language: 'en_us' } },
    },
    ...overrides,
  }));
}

/** Creates a customer and polls it until it settles; returns Cisco's customer id and orgId. */
async function provisionedCustomer(externalId: string): Promise<{ id: string; orgId: string }> {
  const created = await call('POST', '/wholesale/customers', customerBody(externalId));
  expect(created.status).toBe(202);
  const id = (created.body.url as string).split('/').at(-1)!;
  for (let i = 0; i < 10; i++) {
    const got = await call('GET', `/wholesale/customers/${id}`);
    if (got.body.status === 'provisioned') return { id, orgId: got.body.orgId };
  }
  throw new Error('never provisioned');
}

async function headquarters(orgId: string): Promise<string> {
  const found = await call('GET', `/locations?orgId=${encodeURIComponent(orgId)}&name=Headquarters`);
  expect(found.body.items).toHaveLength(1);
  return found.body.items[0].id;
}

function expectWebexError(answer: Answer, status: number, pattern: RegExp): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ message: expect.any(String), trackingId: expect.any(String) });
  expect(answer.body.errors.length).toBeGreaterThan(0);
  expect([answer.body.message, ...answer.body.errors.map((e: { description: string }) => e.description)].join(' ')).toMatch(pattern);
}

beforeEach(async () => {
  cisco = await startWebexStandIn({ provisioningPolls: 2 });
  cisco.registerProvisioningId(PROVISIONING_ID);
  token = cisco.issueToken({ label: 'partner-a' }).accessToken;
});

afterEach(async () => {
  await cisco.stop();
  // Every answer the stand-in gave in the test matched Cisco's published response schemas.
  expect(cisco.responseViolations).toEqual([]);
});

describe('customers', () => {
  it('answers 202 with Location and { url }, polls provisioning → provisioned with orgId, and the org gets its headquarters location', async () => {
    const created = await call('POST', '/wholesale/customers', customerBody('ours-1'));
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(created.body.url);
    expect(created.body.url.startsWith(`${cisco.url}/wholesale/customers/`)).toBe(true);
    const id = created.body.url.split('/').at(-1);

    const statuses: string[] = [];
    let last: any;
    for (let i = 0; i < 3; i++) {
      last = (await call('GET', `/wholesale/customers/${id}`)).body;
      statuses.push(last.status);
    }
    expect(statuses).toEqual(['provisioning', 'provisioning', 'provisioned']);
    expect(last).toMatchObject({ id, externalId: 'ours-1', orgId: expect.any(String), packages: ['webex_calling'] });

    const listed = await call('GET', '/wholesale/customers?externalId=ours-1');
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await call('GET', '/wholesale/customers?externalId=nobody')).body.items).toEqual([]);

    const locations = await call('GET', `/locations?orgId=${encodeURIComponent(last.orgId)}&name=Headquarters`);
    expect(locations.status).toBe(200);
    expect(locations.body.items).toEqual([
      expect.objectContaining({
        name: 'Headquarters',
        orgId: last.orgId,
        timeZone: 'America/Chicago',
        preferredLanguage: 'en_us',
        address: expect.objectContaining({ address1: '1 Main Street', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US' }),
      }),
    ]);
    expect(cisco.customerByExternalId('ours-1')?.tokenLabel).toBe('partner-a');
    expect(cisco.requests.every((r) => r.tokenLabel === 'partner-a')).toBe(true);
    // What the stand-in itself costs, for a bench that runs it in the process it measures.
    expect(cisco.handlerCpuMs).toBeGreaterThan(0);
  });

  it('has no orgId while provisioning', async () => {
    const created = await call('POST', '/wholesale/customers', customerBody('ours-2'));
    const got = await call('GET', new URL(created.body.url).pathname.slice(3));
    expect(got.body.status).toBe('provisioning');
    expect(got.body.orgId).toBeUndefined();
  });

  it.each([
    ['an unknown provisioningId', { provisioningId: 'not-registered' }, /provisioningId/],
    ['a % in the name', { customerInfo: { name: '100% Acme', primaryEmail: 'a@acme.example' } }, /%/],
    ['a calling package without calling.location', { provisioningParameters: undefined }, /calling\.location/],
    ['a new customer without customerInfo', { customerInfo: undefined }, /customerInfo/],
    ['an address line over 50 characters', { address: { ...address, addressLine1: 'x'.repeat(51) } }, /50/],
  ])('refuses %s with 400, a Webex error body and a trackingId', async (_name, overrides, pattern) => {
    const refused = await call('POST', '/wholesale/customers', customerBody('ours-r', overrides));
    expectWebexError(refused, 400, pattern);
    expect(cisco.customers.size).toBe(0);
  });

  it('refuses missing required fields (checked by the stand-in itself, not only by the contract)', async () => {
    const body = customerBody('ours-m');
    delete body.externalId;
    expectWebexError(await call('POST', '/wholesale/customers', body), 400, /externalId/);
    const noCity = customerBody('ours-m', { address: { addressLine1: 'x', country: 'US' } });
    expectWebexError(await call('POST', '/wholesale/customers', noCity), 400, /city/);
  });

  it('accepts a customer without calling packages and without provisioningParameters (no location is made)', async () => {
    const created = await call('POST', '/wholesale/customers', customerBody('ours-m2', { packages: ['webex_meetings'], provisioningParameters: undefined }));
    expect(created.status).toBe(202);
    const id = created.body.url.split('/').at(-1);
    for (let i = 0; i < 3; i++) await call('GET', `/wholesale/customers/${id}`);
    expect(cisco.customers.get(id)?.status).toBe('provisioned');
    expect(cisco.locations.size).toBe(0);
  });

  it('holds a customer in pending_rpl_review until released', async () => {
    cisco.setCustomerOutcome('held', { status: 'pending_rpl_review' });
    const id = (await call('POST', '/wholesale/customers', customerBody('held'))).body.url.split('/').at(-1);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push((await call('GET', `/wholesale/customers/${id}`)).body.status);
    expect(seen).toEqual(['provisioning', 'provisioning', 'pending_rpl_review', 'pending_rpl_review', 'pending_rpl_review']);
    cisco.releaseCustomer('held');
    const released = await call('GET', `/wholesale/customers/${id}`);
    expect(released.body).toMatchObject({ status: 'provisioned', orgId: expect.any(String) });
  });

  it('releases a held customer by itself after releaseAfterPolls', async () => {
    cisco.setCustomerOutcome('held2', { status: 'pending_rpl_review', releaseAfterPolls: 1 });
    const id = (await call('POST', '/wholesale/customers', customerBody('held2'))).body.url.split('/').at(-1);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) seen.push((await call('GET', `/wholesale/customers/${id}`)).body.status);
    expect(seen).toEqual(['provisioning', 'provisioning', 'pending_rpl_review', 'pending_rpl_review', 'provisioned']);
  });

  it('ends in error or provisioned_with_errors with errors[] { errorCode, description }', async () => {
    cisco.setCustomerOutcome('bad', { status: 'error', errors: [{ errorCode: 2560, description: 'maintenance' }] });
    cisco.setCustomerOutcome('meh', { status: 'provisioned_with_errors', errors: [{ errorCode: 7, description: 'partly' }] });
    const bad = (await call('POST', '/wholesale/customers', customerBody('bad'))).body.url.split('/').at(-1);
    const meh = (await call('POST', '/wholesale/customers', customerBody('meh'))).body.url.split('/').at(-1);
    let b: any;
    let m: any;
    for (let i = 0; i < 3; i++) {
      b = (await call('GET', `/wholesale/customers/${bad}`)).body;
      m = (await call('GET', `/wholesale/customers/${meh}`)).body;
    }
    expect(b).toMatchObject({ status: 'error', errors: [{ errorCode: 2560, description: 'maintenance' }] });
    expect(b.orgId).toBeUndefined();
    expect(m).toMatchObject({ status: 'provisioned_with_errors', orgId: expect.any(String), errors: [{ errorCode: 7, description: 'partly' }] });
  });

  it('re-drives a customer in error with a PUT of the full package list: it provisions again', async () => {
    cisco.setCustomerOutcome('redo', { status: 'error' });
    const id = (await call('POST', '/wholesale/customers', customerBody('redo'))).body.url.split('/').at(-1);
    for (let i = 0; i < 3; i++) await call('GET', `/wholesale/customers/${id}`);
    expect(cisco.customers.get(id)).toMatchObject({ status: 'error', errors: [expect.objectContaining({ errorCode: 2560 })] });
    cisco.setCustomerOutcome('redo', { status: 'provisioned' });
    const body = customerBody('redo');
    delete body.provisioningId;
    delete body.customerInfo;
    expect((await call('PUT', `/wholesale/customers/${id}`, body)).status).toBe(202);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push((await call('GET', `/wholesale/customers/${id}`)).body.status);
    expect(seen).toEqual(['provisioning', 'provisioning', 'provisioned']);
    expect(cisco.locations.size).toBe(1);
  });

  it('PUT answers 202 and goes through updating; DELETE answers 202, goes through deleting, and then the customer and its locations are gone', async () => {
    const { id } = await provisionedCustomer('ours-u');
    const body = customerBody('ours-u', { packages: ['webex_suite'] });
    delete body.provisioningId;
    delete body.customerInfo;
    const put = await call('PUT', `/wholesale/customers/${id}`, body);
    expect(put.status).toBe(202);
    expect(put.headers.get('location')).toBe(put.body.url);
    expect((await call('GET', `/wholesale/customers/${id}`)).body.status).toBe('updating');
    expect(cisco.customers.get(id)?.packages).toEqual(['webex_suite']);
    for (let i = 0; i < 2; i++) await call('GET', `/wholesale/customers/${id}`);
    expect(cisco.customers.get(id)?.status).toBe('provisioned');
    const del = await call('DELETE', `/wholesale/customers/${id}`);
    expect(del.status).toBe(202);
    expect((await call('GET', `/wholesale/customers?externalId=ours-u`)).body.items[0].status).toBe('deleting');
    expect((await call('GET', `/wholesale/customers/${id}`)).body.status).toBe('deleting');
    expect((await call('DELETE', `/wholesale/customers/${id}`)).status).toBe(202);
    expect((await call('GET', `/wholesale/customers/${id}`)).body.status).toBe('deleting');
    expect((await call('GET', `/wholesale/customers/${id}`)).status).toBe(404);
    expect(cisco.customers.size).toBe(0);
    expect(cisco.locations.size).toBe(0);
  });
});

describe('locations', () => {
  it('creates a location with 201 { id }, finds it by org and name, updates and deletes it', async () => {
    const { orgId } = await provisionedCustomer('ours-l');
    const body = {
      name: 'Branch',
      timeZone: 'America/Chicago',
      preferredLanguage: 'en_us',
      announcementLanguage: 'en_us',
      address: { address1: '2 Side Street', city: 'Dallas', state: 'TX', postalCode: '75201', country: 'US' },
    };
    const created = await call('POST', `/locations?orgId=${encodeURIComponent(orgId)}`, body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String) });
    const found = await call('GET', `/locations?orgId=${encodeURIComponent(orgId)}&name=Branch`);
    expect(found.body.items).toEqual([expect.objectContaining({ id: created.body.id, name: 'Branch', orgId })]);

    const again = await call('POST', `/locations?orgId=${encodeURIComponent(orgId)}`, body);
    expectWebexError(again, 409, /already exists/);
    expect(cisco.duplicateCreates()).toBe(1);

    expect((await call('PUT', `/locations/${created.body.id}`, { name: 'Branch 2' })).status).toBe(204);
    expect((await call('GET', `/locations/${created.body.id}`)).body.name).toBe('Branch 2');
    expect((await call('DELETE', `/locations/${created.body.id}`)).status).toBe(204);
    expect((await call('GET', `/locations/${created.body.id}`)).status).toBe(404);
  });

  it('refuses a location for an unknown org and one without address.state or postalCode', async () => {
    const { orgId } = await provisionedCustomer('ours-l2');
    const body = {
      name: 'Branch',
      timeZone: 'Europe/Berlin',
      preferredLanguage: 'de_de',
      announcementLanguage: 'de_de',
      address: { address1: 'Hauptstraße 1', city: 'Berlin', state: 'BE', postalCode: '10115', country: 'DE' },
    };
    expectWebexError(await call('POST', '/locations?orgId=nope', body), 400, /nope/);
    const { state: _s, ...noState } = body.address;
    expectWebexError(await call('POST', `/locations?orgId=${encodeURIComponent(orgId)}`, { ...body, address: noState }), 400, /state/);
    const { postalCode: _p, ...noPostal } = body.address;
    expectWebexError(await call('POST', `/locations?orgId=${encodeURIComponent(orgId)}`, { ...body, address: noPostal }), 400, /postalCode/);
  });
});

describe('subscribers', () => {
  async function setup(): Promise<{ customerId: string; locationId: string }> {
    const { id, orgId } = await provisionedCustomer('ours-s');
    return { customerId: id, locationId: await headquarters(orgId) };
  }

  const subscriber = (customerId: string, locationId: string, email: string, params: Record<string, unknown> = {}) => ({
    customerId,
    email,
    packages: ['webex_calling'],
    provisioningParameters: { firstName: 'Ann', lastName: 'Lee', primaryPhoneNumber: '+15125550100', extension: '100', locationId, ...params },
  });

  it('provisions with 200 { id, personId, status: provisioned } and finds it by customerId and email', async () => {
    const { customerId, locationId } = await setup();
    const created = await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'ann@acme.example'));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: expect.any(String), personId: expect.any(String), status: 'provisioned', customerId, email: 'ann@acme.example' });
    expect(created.headers.get('location')).toBe(`${cisco.url}/wholesale/subscribers/${created.body.id}`);
    const found = await call('GET', `/wholesale/subscribers?customerId=${encodeURIComponent(customerId)}&email=ann%40acme.example`);
    expect(found.body.items.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
    expect((await call('GET', `/wholesale/subscribers/${created.body.id}`)).body.status).toBe('provisioned');
    const put = await call('PUT', `/wholesale/subscribers/${created.body.id}`, { packages: ['webex_suite'] });
    expect(put.status).toBe(200);
    expect(put.body.packages).toEqual(['webex_suite']);
    expect((await call('DELETE', `/wholesale/subscribers/${created.body.id}`)).status).toBe(204);
    expect((await call('GET', `/wholesale/subscribers/${created.body.id}`)).status).toBe(404);
  });

  it('answers 202 pending_user_migration (no personId) for a marked email, until the migration completes', async () => {
    const { customerId, locationId } = await setup();
    cisco.markPendingUserMigration('free@acme.example');
    const created = await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'free@acme.example'));
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('pending_user_migration');
    expect(created.body.personId).toBeUndefined();
    cisco.completeUserMigration('free@acme.example');
    expect((await call('GET', `/wholesale/subscribers/${created.body.id}`)).body).toMatchObject({ status: 'provisioned', personId: expect.any(String) });
  });

  it('refuses a number not in the location inventory, an unknown customer or location, calling without number or extension, and a taken email', async () => {
    const { customerId, locationId } = await setup();
    cisco.markNumberNotInInventory('+15125550199');
    expectWebexError(await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'a@acme.example', { primaryPhoneNumber: '+15125550199' })), 400, /inventory/);
    expectWebexError(await call('POST', '/wholesale/subscribers', subscriber('unknown-customer', locationId, 'b@acme.example')), 400, /unknown-customer/);
    expectWebexError(await call('POST', '/wholesale/subscribers', subscriber(customerId, 'unknown-location', 'c@acme.example')), 400, /unknown-location/);
    expectWebexError(
      await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'd@acme.example', { primaryPhoneNumber: undefined, extension: undefined })),
      400,
      /phone number, extension/,
    );
    expect(cisco.subscribers.size).toBe(0);
    expect((await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'e@acme.example'))).status).toBe(200);
    expectWebexError(await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'e@acme.example', { primaryPhoneNumber: '+15125550101', extension: '101' })), 400, /already associated/);
    expect(cisco.subscribers.size).toBe(1);
    expectWebexError(await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'f@acme.example', { primaryPhoneNumber: '+15125550100', extension: '102' })), 400, /already assigned/);
    expectWebexError(await call('POST', '/wholesale/subscribers', subscriber(customerId, locationId, 'g@acme.example', { primaryPhoneNumber: '+15125550103', extension: '100' })), 400, /extension 100 is already assigned/);
    expect(cisco.subscribers.size).toBe(1);
    expect(cisco.duplicateCreates()).toBe(1);
    expect(cisco.duplicates).toEqual([`subscriber customerId=${customerId} email=e@acme.example`]);
  });

  it('accepts a meetings-only subscriber without number or extension', async () => {
    const { customerId } = await setup();
    const created = await call('POST', '/wholesale/subscribers', { customerId, email: 'm@acme.example', packages: ['webex_meetings'], provisioningParameters: { firstName: 'M', lastName: 'N' } });
    expect(created.status).toBe(200);
  });
});

describe('tokens', () => {
  it('answers 401 with a Webex error body for no token, an unknown one and an expired one', async () => {
    expectWebexError(await call('GET', '/wholesale/customers', undefined, null), 401, /access token/);
    expectWebexError(await call('GET', '/wholesale/customers', undefined, 'made-up'), 401, /access token/);
    const short = cisco.issueToken({ label: 'partner-a', expiresInMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expectWebexError(await call('GET', '/wholesale/customers', undefined, short.accessToken), 401, /access token/);
    cisco.expireToken(token);
    expectWebexError(await call('GET', '/wholesale/customers'), 401, /access token/);
  });

  it('refreshes with the client credentials and the refresh token; refuses wrong ones', async () => {
    const { accessToken, refreshToken } = cisco.issueToken({ label: 'partner-b' });
    cisco.expireToken(accessToken);
    const form = (fields: Record<string, string>) =>
      fetch(`${cisco.url}/access_token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
    const good = { grant_type: 'refresh_token', client_id: cisco.clientId, client_secret: cisco.clientSecret, refresh_token: refreshToken };

    expect((await form({ ...good, client_secret: 'wrong' })).status).toBe(401);
    expect((await form({ ...good, refresh_token: 'wrong' })).status).toBe(400);
    expect((await form({ ...good, grant_type: 'password' })).status).toBe(400);
    expect(cisco.tokenRefreshes).toBe(0);

    const refreshed = await form(good);
    expect(refreshed.status).toBe(200);
    const answer = (await refreshed.json()) as Record<string, unknown>;
    expect(answer).toEqual({ access_token: expect.any(String), expires_in: expect.any(Number), refresh_token: expect.any(String), refresh_token_expires_in: expect.any(Number) });
    expect(cisco.tokenRefreshes).toBe(1);
    expect(cisco.requests.filter((r) => r.path === '/access_token').map((r) => r.tokenLabel)).toEqual(['partner-b', null, 'partner-b', 'partner-b']);
    const ok = await call('GET', '/wholesale/customers', undefined, answer.access_token as string);
    expect(ok.status).toBe(200);
    expect(cisco.requests.at(-1)?.tokenLabel).toBe('partner-b');

    cisco.revokeRefreshToken(refreshToken);
    expect((await form(good)).status).toBe(400);
  });

  it("records the partner of every request and object, and never shows partner B partner A's objects", async () => {
    const { id, orgId } = await provisionedCustomer('ours-t');
    const other = cisco.issueToken({ label: 'partner-b' }).accessToken;
    expect((await call('GET', `/wholesale/customers/${id}`, undefined, other)).status).toBe(404);
    expect((await call('GET', '/wholesale/customers?externalId=ours-t', undefined, other)).body.items).toEqual([]);
    expect((await call('GET', `/locations?orgId=${encodeURIComponent(orgId)}`, undefined, other)).status).toBe(403);
    expect((await call('GET', `/wholesale/subscribers?customerId=${encodeURIComponent(id)}`, undefined, other)).body.items).toEqual([]);
    const hq = { name: 'Headquarters', timeZone: 'UTC', preferredLanguage: 'en_us', announcementLanguage: 'en_us', address: { address1: 'a', city: 'c', state: 'TX', postalCode: '1', country: 'US' } };
    expect((await call('POST', `/locations?orgId=${encodeURIComponent(orgId)}`, hq, other)).status).toBe(403);
    expect(cisco.crossPartnerAccesses.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /wholesale/customers/${id}`,
      'GET /wholesale/customers',
      'GET /locations',
      'GET /wholesale/subscribers',
      'POST /locations',
    ]);
    expect(cisco.crossPartnerAccesses.every((r) => r.tokenLabel === 'partner-b')).toBe(true);
    expect(cisco.customers.get(id)?.tokenLabel).toBe('partner-a');
    expect(cisco.locations.size).toBe(1);
    expect([...cisco.locations.values()][0]?.tokenLabel).toBe('partner-a');
  });
});

describe('faults', () => {
  it('answers an injected 429 with Retry-After and counts requests made with that partner before it passed', async () => {
    cisco.inject({ method: 'GET', path: /^\/wholesale\/customers$/, status: 429, retryAfterSeconds: 1, times: 1 });
    const limited = await call('GET', '/wholesale/customers');
    expectWebexError(limited, 429, /Too Many Requests/);
    expect(limited.headers.get('retry-after')).toBe('1');
    // Too early (another path, same partner): counted.
    expect((await call('GET', '/wholesale/subscribers')).status).toBe(200);
    expect(cisco.requestsBeforeRetryAfter()).toBe(1);
    expect(cisco.retryAfterViolations[0]).toMatchObject({ request: { path: '/wholesale/subscribers' }, sameConnection: expect.any(Boolean) });
    expect(cisco.retryAfterViolations[0]!.msEarly).toBeGreaterThan(0);
    // Another partner is not held by partner A's Retry-After.
    await call('GET', '/wholesale/customers', undefined, cisco.issueToken({ label: 'partner-b' }).accessToken);
    expect(cisco.requestsBeforeRetryAfter()).toBe(1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await call('GET', '/wholesale/customers')).status).toBe(200);
    expect(cisco.requestsBeforeRetryAfter()).toBe(1);
  });

  it('keeps the longer Retry-After when a shorter one is given while it runs', async () => {
    cisco.inject({ status: 429, retryAfterSeconds: 30 });
    cisco.inject({ status: 429, retryAfterSeconds: 0 });
    expect((await call('GET', '/wholesale/customers')).headers.get('retry-after')).toBe('30');
    expect((await call('GET', '/wholesale/customers')).headers.get('retry-after')).toBe('0');
    await call('GET', '/wholesale/customers');
    // The second and the third came inside the first's 30 seconds.
    expect(cisco.requestsBeforeRetryAfter()).toBe(2);
  });

  it('injects 5xx and 423 for a number of matching requests only, before any effect', async () => {
    cisco.inject({ method: 'POST', path: /^\/wholesale\/customers$/, status: 503, times: 2 });
    cisco.inject({ method: 'GET', status: 423, retryAfterSeconds: 0 });
    expectWebexError(await call('POST', '/wholesale/customers', customerBody('f1')), 503, /Try again later/);
    expectWebexError(await call('POST', '/wholesale/customers', customerBody('f1')), 503, /Try again later/);
    expect(cisco.customers.size).toBe(0);
    expect(cisco.duplicateCreates()).toBe(0);
    expect((await call('POST', '/wholesale/customers', customerBody('f1'))).status).toBe(202);
    const locked = await call('GET', '/wholesale/customers');
    expect(locked.status).toBe(423);
    expect(locked.headers.get('retry-after')).toBe('0');
    expect((await call('GET', '/wholesale/customers')).status).toBe(200);
  });

  it('loses the answer after committing the create: the client sees a network error, the customer exists, a blind re-send is a duplicate', async () => {
    cisco.dropResponseAfterCommit({ method: 'POST', path: /^\/wholesale\/customers$/ });
    await expect(call('POST', '/wholesale/customers', customerBody('lost'))).rejects.toThrow();
    expect(cisco.customerByExternalId('lost')).toBeDefined();
    expect(cisco.requests.at(-1)?.status).toBe(0);
    // The right recovery: look it up by externalId.
    const found = await call('GET', '/wholesale/customers?externalId=lost');
    expect(found.body.items).toHaveLength(1);
    expect(cisco.duplicateCreates()).toBe(0);
    // The wrong one: send it again.
    expect((await call('POST', '/wholesale/customers', customerBody('lost'))).status).toBe(202);
    expect(cisco.duplicateCreates()).toBe(1);
  });

  it('answers 429 with Retry-After past the rateLimit, per partner, and counts requests that came too early', async () => {
    await cisco.stop();
    cisco = await startWebexStandIn({ rateLimit: { requests: 3, windowMs: 60_000 } });
    token = cisco.issueToken({ label: 'partner-a' }).accessToken;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('GET', '/wholesale/customers')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call('GET', '/wholesale/customers');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(cisco.rateLimited).toBe(2);
    expect(cisco.requestsBeforeRetryAfter()).toBe(1);
    // Partner B has its own budget.
    expect((await call('GET', '/wholesale/customers', undefined, cisco.issueToken({ label: 'partner-b' }).accessToken)).status).toBe(200);
  });

  it('measures how many requests of one partner were in flight at once', async () => {
    // Long enough that the three are surely all held at once on a busy machine.
    cisco.setDelay(300);
    await Promise.all([1, 2, 3].map(() => call('GET', '/wholesale/customers')));
    await call('GET', '/wholesale/customers');
    expect(cisco.maxConcurrentRequests('partner-a')).toBe(3);
    expect(cisco.maxConcurrentRequests('partner-b')).toBe(0);
  });

  it('refuses a JSON body sent as another media type (415), and a token request that is not form-encoded', async () => {
    const wrong = await fetch(`${cisco.url}/wholesale/customers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
      body: JSON.stringify(customerBody('media')),
    });
    expect(wrong.status).toBe(415);
    const json = await fetch(`${cisco.url}/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', client_id: cisco.clientId, client_secret: cisco.clientSecret, refresh_token: 'x' }),
    });
    expect(json.status).toBe(415);
    expect(cisco.customers.size).toBe(0);
  });

  it('keeps an outage up (times: Infinity) until clearFaults, and tells a listener about every handled request', async () => {
    const seen: string[] = [];
    const off = cisco.onRequest((r) => {
      seen.push(`${r.method} ${r.path} ${r.status}`);
      // Acting at an exact point: the token expires right after the first customer list.
      if (seen.length === 1) cisco.expireToken(token);
    });
    cisco.inject({ method: 'POST', status: 503, times: Infinity });
    expect((await call('GET', '/wholesale/customers')).status).toBe(200);
    expect((await call('GET', '/wholesale/customers')).status).toBe(401);
    token = cisco.issueToken({ label: 'partner-a' }).accessToken;
    for (let i = 0; i < 3; i++) expect((await call('POST', '/wholesale/customers', customerBody('outage'))).status).toBe(503);
    cisco.clearFaults();
    expect((await call('POST', '/wholesale/customers', customerBody('outage'))).status).toBe(202);
    off();
    await call('GET', '/wholesale/customers');
    expect(seen).toEqual([
      'GET /wholesale/customers 200',
      'GET /wholesale/customers 401',
      'POST /wholesale/customers 503',
      'POST /wholesale/customers 503',
      'POST /wholesale/customers 503',
      'POST /wholesale/customers 202',
    ]);
  });

  it('resets the connection without performing the request (dropConnection)', async () => {
    cisco.dropConnection({ method: 'POST', path: /^\/wholesale\/customers$/ });
    await expect(call('POST', '/wholesale/customers', customerBody('reset'))).rejects.toThrow();
    expect(cisco.customers.size).toBe(0);
    expect((await call('POST', '/wholesale/customers', customerBody('reset'))).status).toBe(202);
    expect(cisco.duplicateCreates()).toBe(0);
  });

  it('performs a delayed create even when the client gave up waiting (injectDelay)', async () => {
    cisco.injectDelay({ method: 'POST', path: /^\/wholesale\/customers$/, ms: 1_000 });
    const controller = new AbortController();
    const sent = fetch(`${cisco.url}/wholesale/customers`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(customerBody('slow')),
      signal: controller.signal,
    });
    // The client gives up once the request has fully arrived (as a client timeout would).
    while (cisco.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(sent).rejects.toThrow();
    expect(cisco.customerByExternalId('slow')).toBeUndefined();
    while (!cisco.customerByExternalId('slow')) await new Promise((r) => setTimeout(r, 10));
    expect(cisco.requests).toHaveLength(1);
  });

  it('never performs a delayed request once stopped', async () => {
    cisco.injectDelay({ method: 'POST', ms: 100 });
    const sent = call('POST', '/wholesale/customers', customerBody('after-stop')).catch(() => 'reset');
    while (cisco.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await cisco.stop();
    expect(await sent).toBe('reset');
    await new Promise((r) => setTimeout(r, 200));
    expect(cisco.customers.size).toBe(0);
  });

  it('holds every answer back with the delay option', async () => {
    cisco.setDelay(300);
    const pending = call('GET', '/wholesale/customers');
    while (cisco.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    // Arrived and recorded, not answered yet (the stand-in runs in this process, so nothing races it).
    expect(cisco.requests[0]?.status).toBe(0);
    expect((await pending).status).toBe(200);
    expect(cisco.requests[0]?.status).toBe(200);
  });
});

describe('without the spec folder', () => {
  it('says so once, exposes contractChecked: false and checks nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const missing = path.join(tmpdir(), `no-webex-spec-${randomUUID()}`);
      const unchecked = await startWebexStandIn({ specDir: missing });
      try {
        expect(unchecked.contractChecked).toBe(false);
        expect(loadWebexContract(missing).check({ method: 'POST', path: '/nowhere', body: { any: 1 } })).toEqual([]);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]?.[0])).toMatch(/NOT checked against Cisco's spec \(contractChecked: false\)/);
        // The stand-in's own refusals still hold without the spec.
        unchecked.registerProvisioningId(PROVISIONING_ID);
        const t = unchecked.issueToken({ label: 'p' }).accessToken;
        const res = await fetch(`${unchecked.url}/wholesale/customers`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(customerBody('x', { customerInfo: { name: '50% off', primaryEmail: 'a@b.example' } })),
        });
        expect(res.status).toBe(400);
      } finally {
        await unchecked.stop();
      }
    } finally {
      warn.mockRestore();
    }
  });
});

describe.skipIf(!contractChecked)("contract: requests checked against Cisco's spec", () => {
  it('refuses a field the spec does not name, nested too, with 400 and records the violation', async () => {
    const body = customerBody('c1');
    (body.address as Record<string, unknown>).dataRegion = 'EU';
    const refused = await call('POST', '/wholesale/customers', body);
    expectWebexError(refused, 400, /address\/dataRegion is not a field/);
    expect(cisco.contractViolations).toEqual(["POST /wholesale/customers: body/address/dataRegion is not a field of Cisco's spec"]);
    expect(cisco.customers.size).toBe(0);

    const deep = customerBody('c1');
    ((deep.provisioningParameters as any).calling.location as Record<string, unknown>).mainNumber = '+15125550100';
    expectWebexError(await call('POST', '/wholesale/customers', deep), 400, /calling\/location\/mainNumber/);
  });

  it('refuses a wrong type and a value outside an enum', async () => {
    const refused = await call('POST', '/wholesale/customers', customerBody('c2', { externalId: 42 }));
    expectWebexError(refused, 400, /externalId must be string/);
    const badPackage = await call('POST', '/wholesale/customers', customerBody('c2', { packages: ['WEBEX_CALLING'] }));
    expectWebexError(badPackage, 400, /packages\/0 must be equal to one of the allowed values/);
    expect(cisco.contractViolations).toHaveLength(2);
  });

  it('refuses an unknown field in a subscriber\'s provisioningParameters, an undeclared query parameter and a mistyped one', async () => {
    const { id } = await provisionedCustomer('c3');
    const body = { customerId: id, email: 'x@acme.example', packages: ['webex_meetings'], provisioningParameters: { firstName: 'X', department: 'Sales' } };
    expectWebexError(await call('POST', '/wholesale/subscribers', body), 400, /provisioningParameters\/department/);
    expectWebexError(await call('GET', '/wholesale/subscribers?customerId=x&pageSize=5'), 400, /pageSize/);
    expectWebexError(await call('GET', '/wholesale/subscribers?max=lots'), 400, /max/);
    expect(cisco.contractViolations).toHaveLength(3);
  });

  it("checks answers against Cisco's response schemas, unknown fields included (the stand-in's self-check)", () => {
    const c = loadWebexContract();
    expect(c.checkResponse({ method: 'GET', path: '/wholesale/customers/x', status: 200, body: { id: 'x', status: 'provisioned', tier: 'gold' } })).toEqual([
      "GET /wholesale/customers/x → 200: answer/tier is not a field of Cisco's spec",
    ]);
    expect(c.checkResponse({ method: 'GET', path: '/wholesale/subscribers/x', status: 200, body: { id: 'x', status: 'active' } })).toEqual([
      'GET /wholesale/subscribers/x → 200: answer/status must be equal to one of the allowed values',
    ]);
    // The spec's GET /locations answer is the workspace-location shape (facts file §12): not held to it.
    expect(c.checkResponse({ method: 'GET', path: '/locations', status: 200, body: { items: [{ id: 'l', name: 'HQ' }] } })).toEqual([]);
  });

  it('checks the Locations API body against the POST /locations schema (state and postalCode required)', async () => {
    const c = loadWebexContract();
    const violations = c.check({
      method: 'POST',
      path: '/locations',
      query: { orgId: 'o' },
      body: { name: 'B', timeZone: 'UTC', preferredLanguage: 'en_us', announcementLanguage: 'en_us', address: { address1: 'a', city: 'c', country: 'US', zip: '1' } },
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        "POST /locations: body/address must have required property 'state'",
        "POST /locations: body/address must have required property 'postalCode'",
        "POST /locations: body/address/zip is not a field of Cisco's spec",
      ]),
    );
    expect(c.check({ method: 'POST', path: '/wholesale/customers/validate' })).toEqual(["POST /wholesale/customers/validate: no such operation in Cisco's spec"]);
    expect(c.operationOf('GET', '/wholesale/customers/abc')).toBe('/wholesale/customers/{customerId}');
  });

  it('accepts every request the happy paths above send', async () => {
    const { customerId, locationId } = await (async () => {
      const { id, orgId } = await provisionedCustomer('c4');
      return { customerId: id, locationId: await headquarters(orgId) };
    })();
    await call('POST', '/wholesale/subscribers', { customerId, email: 'ok@acme.example', packages: ['webex_calling'], provisioningParameters: { firstName: 'O', lastName: 'K', extension: '200', locationId } });
    expect(cisco.contractViolations).toEqual([]);
    expect(cisco.requests.every((r) => r.status >= 200 && r.status < 300)).toBe(true);
  });
});
