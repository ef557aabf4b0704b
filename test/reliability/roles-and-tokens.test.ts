import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import {
  getNamedType, GraphQLEnumType, GraphQLInputObjectType, GraphQLInputType, GraphQLList, GraphQLNonNull, parse,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError } from '../../sdk/src/index';
import { loadConfig } from '../../server/src/config';
import { addressKey } from '../../server/src/http/rate-limit';
import { buildAppSchema } from '../../server/src/schema';
import { startTestServer, type TestServer } from '../support/test-server';
import { useTestServer } from '../support/fixture';
import { watchStatements } from './support';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The CLI as an operator runs it: its exit code, stdout and stderr. Asynchronous, so the server in
 * this process keeps serving (a blocked event loop makes keep-alive sockets race).
 */
function cli(databaseUrl: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist/server/src/cli/main.js'), ...args], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl }, encoding: 'utf8',
      // A hung CLI is killed (status null fails the test) rather than left running.
      timeout: 45_000, killSignal: 'SIGKILL',
    }, (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
  });
}

/** stdout is exactly one line of JSON; returns it parsed. */
function oneJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.split('\n');
  expect(lines, stdout).toHaveLength(2);
  expect(lines[1]).toBe('');
  return JSON.parse(lines[0]);
}

/** A syntactically valid value for a required input (the role check comes before the input is read). */
function minimal(type: GraphQLInputType): unknown {
  if (type instanceof GraphQLNonNull) return minimal(type.ofType);
  if (type instanceof GraphQLList) return [minimal(type.ofType)];
  if (type instanceof GraphQLEnumType) return type.getValues()[0].value;
  if (type instanceof GraphQLInputObjectType) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => f.type instanceof GraphQLNonNull).map((f) => [f.name, minimal(f.type)]));
  }
  const name = getNamedType(type).name;
  return name === 'Int' || name === 'Float' ? 1 : name === 'Boolean' ? false : '0190a0b0-0000-7000-8000-000000000000';
}

describe('roles, tokens and the CLI (§8, §10)', () => {
  let server: TestServer;
  let databaseUrl: string;

  const fixture = useTestServer({ partners: 0 });
  beforeAll(() => {
    server = fixture.server;
    // The server's database, SQLite file or PostgreSQL, as DATABASE_URL for the CLI.
    databaseUrl = server.databaseUrl;
  });

  it('create-partner, create-admin, create-token and revoke-token print one JSON line; a revoked token is refused at once', async () => {
    const partner = await cli(databaseUrl, 'create-partner', '--name', 'CLI Partner', '--admin-email', 'owner@cli.example', '--subscription', 'Sub1', '--subscription', 'Sub2');
    expect(partner.status, partner.stderr).toBe(0);
    const created = oneJsonLine(partner.stdout);
    expect(Object.keys(created).sort()).toEqual(['adminId', 'partnerId', 'subscriptionIds', 'token']);
    expect(created.subscriptionIds).toHaveLength(2);

    const admin = await cli(databaseUrl, 'create-admin', '--partner-id', String(created.partnerId), '--email', 'reader@cli.example', '--role', 'READ_ONLY');
    expect(admin.status, admin.stderr).toBe(0);
    const reader = oneJsonLine(admin.stdout);
    expect(Object.keys(reader).sort()).toEqual(['adminId', 'token']);
    const full = oneJsonLine((await cli(databaseUrl, 'create-admin', '--partner-id', String(created.partnerId), '--email', 'second@cli.example', '--role', 'FULL_ADMIN')).stdout);

    const token = await cli(databaseUrl, 'create-token', '--admin-id', String(reader.adminId));
    expect(token.status).toBe(0);
    const second = oneJsonLine(token.stdout);
    expect(Object.keys(second)).toEqual(['token']);

    // Every token works against the running server (same database).
    const viewer = await createClient({ url: server.url, token: String(second.token) }).viewer();
    expect(viewer).toMatchObject({ id: reader.adminId, role: 'READ_ONLY' });
    expect((await createClient({ url: server.url, token: String(full.token) }).viewer()).role).toBe('FULL_ADMIN');

    const revoke = await cli(databaseUrl, 'revoke-token', '--token', String(second.token));
    expect(revoke.status).toBe(0);
    expect(oneJsonLine(revoke.stdout)).toEqual({ revoked: true });
    const after = await server.post({ query: '{ viewer { id } }' }, { token: String(second.token) });
    expect(after.status).toBe(401);
    expect(after.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // The admin's other token still works.
    expect((await server.post({ query: '{ viewer { id } }' }, { token: String(reader.token) })).status).toBe(200);

    // Operator mistakes: exit code 2, nothing on stdout, the reason on stderr.
    for (const args of [
      ['no-such-command'], ['create-admin', '--partner-id', String(created.partnerId), '--email', 'x@cli.example', '--role', 'OWNER'],
      ['create-token', '--admin-id', 'not-an-id'], ['revoke-token', '--token', String(second.token)], ['create-partner', '--name', 'X'],
    ]) {
      const failed = await cli(databaseUrl, ...args);
      expect(failed.status, args.join(' ')).toBe(2);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toMatch(/\S/);
    }
    console.log('[cli] create-partner/create-admin/create-token/revoke-token: one JSON line each, exit 0; 5 operator mistakes exit 2 with empty stdout; revoked token → 401 on the next request');
  });

  it('a READ_ONLY admin gets FORBIDDEN (403) on every mutation of the schema and can query', async () => {
    const owner = await server.newPartner();
    const admin = await cli(databaseUrl, 'create-admin', '--partner-id', owner.partnerId, '--email', 'ro@roles.example', '--role', 'READ_ONLY');
    const reader = oneJsonLine(admin.stdout);
    const schema = await buildAppSchema();
    const mutations = Object.values(schema.getMutationType()!.getFields());
    const auditBefore = await owner.client.request<{ auditEvents: { totalCount: number } }>(parse('{ auditEvents { totalCount } }'));
    for (const field of mutations) {
      const required = field.args.filter((a) => a.type instanceof GraphQLNonNull);
      const declarations = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
      const query = `mutation${declarations ? `(${declarations})` : ''} { ${field.name}${required.length ? `(${required.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''} { __typename } }`;
      const response = await server.post({ query, variables: Object.fromEntries(required.map((a) => [a.name, minimal(a.type)])) }, { token: String(reader.token) });
      expect(response.status, `${field.name}: ${JSON.stringify(response.body)}`).toBe(403);
      expect(response.body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(response.body.data ?? null).toBeNull();
    }
    const auditAfter = await owner.client.request<{ auditEvents: { totalCount: number } }>(parse('{ auditEvents { totalCount } }'));
    expect(auditAfter.auditEvents.totalCount).toBe(auditBefore.auditEvents.totalCount);
    const hub = createClient({ url: server.url, token: String(reader.token) });
    expect((await hub.viewer()).role).toBe('READ_ONLY');
    expect(await hub.customers()).toMatchObject({ totalCount: 0 });
    expect((await hub.packages()).length).toBeGreaterThan(0);
    const error = await hub.createTemplate({ name: 'x', countryCode: 'NL', brandName: 'x', serviceProviderAdminId: owner.adminId, subscriptionId: owner.subscriptionIds[0] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    console.log(`[roles] READ_ONLY token: ${mutations.length} mutations from the schema (${mutations.map((m) => m.name).join(', ')}) → 403 FORBIDDEN, nothing written; queries 200`);
  });

  it('the rate limit: RATE_LIMITED (429, Retry-After) past the burst, per token; off with RATE_LIMIT_PER_SECOND=0', async () => {
    const burst = 5;
    const limited = await startTestServer({ ...pick(loadConfig({ RATE_LIMIT_BURST: String(burst), RATE_LIMIT_PER_SECOND: '1' })) });
    try {
      const one = await limited.newPartner();
      const two = await limited.newPartner();
      const ask = (token: string) => limited.post({ query: '{ viewer { id } }' }, { token });
      for (let i = 0; i < burst; i++) expect((await ask(one.token)).status).toBe(200);
      const refused = await ask(one.token);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect((await ask(two.token)).status).toBe(200); // another token has its own bucket
      // Through the SDK, a typed error: with its retries off, since by default it waits the
      // Retry-After and asks again (test/sdk-retries.test.ts), and then the refilled bucket answers.
      const sdkError = await createClient({ url: limited.url, token: one.token, maxRetries: 0 }).viewer().catch((e: unknown) => e);
      expect(sdkError).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterSeconds: 1 });
    } finally {
      await limited.stop();
    }
    const off = await startTestServer({ ...pick(loadConfig({ RATE_LIMIT_BURST: '1', RATE_LIMIT_PER_SECOND: '0' })) });
    try {
      const partner = await off.newPartner();
      const statuses = await Promise.all(Array.from({ length: 30 }, () => off.post({ query: '{ viewer { id } }' }, { token: partner.token })));
      expect(statuses.every((r) => r.status === 200)).toBe(true);
    } finally {
      await off.stop();
    }
    console.log(`[rate-limit] burst ${burst}: request ${burst + 1} → 429 RATE_LIMITED with Retry-After, a second token unaffected; RATE_LIMIT_PER_SECOND=0 (burst 1): 30/30 answered 200`);
  });

  it('failed authentications are charged to the client address: made-up tokens past the burst get 429 before any lookup; valid tokens keep their own bucket', async () => {
    const burst = 5;
    // A refill slow enough (one unit per 100 s) that no unit comes back while the test runs.
    const limited = await startTestServer({ rateLimitBurst: burst, rateLimitPerSecond: 0.01 });
    const watcher = await watchStatements(limited.app);
    const viewer = { query: '{ viewer { id } }' };
    const madeUp = (() => { let n = 0; return () => `wpt_made-up-${++n}-${Date.now()}`; })();
    try {
      const portal = await limited.newPartner();
      const attacker = '127.0.0.2';
      expect((await postFrom(limited.url, attacker, viewer, portal.token)).status).toBe(200);

      // Made-up tokens: one lookup each while the address has budget, then 429 with no lookup.
      watcher.clear();
      for (let i = 0; i < burst; i++) {
        const r = await postFrom(limited.url, attacker, viewer, madeUp());
        expect(r.status, JSON.stringify(r.body)).toBe(401);
        expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
      expect(watcher.seen).toHaveLength(burst);
      watcher.clear();
      const flood = 50;
      for (let i = 0; i < flood; i++) {
        const r = await postFrom(limited.url, attacker, viewer, madeUp());
        expect(r.status, JSON.stringify(r.body)).toBe(429);
        expect(r.body.errors[0].extensions.code).toBe('RATE_LIMITED');
        expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      const tokenless = await postFrom(limited.url, attacker, viewer);
      expect(tokenless.status).toBe(429);
      expect(watcher.seen.map((s) => s.sql)).toEqual([]); // no token lookup, no SQL at all

      // The valid token from the same address is still served, from its own bucket (with its lookup).
      watcher.clear();
      const valid = await postFrom(limited.url, attacker, viewer, portal.token);
      expect(valid.status, JSON.stringify(valid.body)).toBe(200);
      expect(valid.body.data.viewer.id).toBe(portal.adminId);
      expect(watcher.seen.length).toBeGreaterThan(0);
      // Another address has its own budget.
      expect((await postFrom(limited.url, '127.0.0.3', viewer, madeUp())).status).toBe(401);

      // A portal backend: more admins than the address's burst behind one address, all served.
      const backend = '127.0.0.4';
      const admins = await Promise.all(Array.from({ length: burst + 3 }, () => limited.newPartner()));
      for (const admin of admins) expect((await postFrom(limited.url, backend, viewer, admin.token)).status).toBe(200);
      for (const admin of admins) expect((await postFrom(limited.url, backend, viewer, admin.token)).status).toBe(200);

      // Concurrent made-up tokens from a fresh address: exactly `burst` lookups, however many arrive at once.
      watcher.clear();
      const burstAtOnce = await Promise.all(Array.from({ length: 4 * burst }, () => postFrom(limited.url, '127.0.0.5', viewer, madeUp())));
      expect(burstAtOnce.filter((r) => r.status === 401)).toHaveLength(burst);
      expect(burstAtOnce.filter((r) => r.status === 429)).toHaveLength(3 * burst);
      expect(watcher.seen).toHaveLength(burst);

      // A token revoked after it authenticated: answered 401, charged to its address, then refused unseen.
      const revoked = await limited.newPartner();
      const revokedFrom = '127.0.0.6';
      expect((await postFrom(limited.url, revokedFrom, viewer, revoked.token)).status).toBe(200);
      await limited.app.services.partners.revokeToken(revoked.token);
      for (let i = 0; i < burst; i++) expect((await postFrom(limited.url, revokedFrom, viewer, revoked.token)).status).toBe(401);
      watcher.clear();
      expect((await postFrom(limited.url, revokedFrom, viewer, revoked.token)).status).toBe(429);
      expect(watcher.seen).toEqual([]);
    } finally {
      watcher.stop();
      await limited.stop();
    }

    // The buckets are bounded: with room for two of each kind, the least recently used is forgotten.
    const bounded = await startTestServer({ rateLimitBurst: 2, rateLimitPerSecond: 0.01, rateLimitMaxBuckets: 2 });
    try {
      const first = '127.0.0.7';
      for (let i = 0; i < 2; i++) expect((await postFrom(bounded.url, first, viewer, madeUp())).status).toBe(401);
      expect((await postFrom(bounded.url, first, viewer, madeUp())).status).toBe(429);
      for (const other of ['127.0.0.8', '127.0.0.9']) expect((await postFrom(bounded.url, other, viewer)).status).toBe(401);
      expect((await postFrom(bounded.url, first, viewer, madeUp())).status).toBe(401); // its bucket was evicted
      const [one, two, three] = [await bounded.newPartner(), await bounded.newPartner(), await bounded.newPartner()];
      const from = '127.0.0.10';
      for (let i = 0; i < 2; i++) expect((await postFrom(bounded.url, from, viewer, one.token)).status).toBe(200);
      expect((await postFrom(bounded.url, from, viewer, one.token)).status).toBe(429);
      for (const admin of [two, three]) expect((await postFrom(bounded.url, from, viewer, admin.token)).status).toBe(200);
      expect((await postFrom(bounded.url, from, viewer, one.token)).status).toBe(200); // its bucket was evicted
    } finally {
      await bounded.stop();
    }
    console.log(`[rate-limit] burst ${burst} per address for failed authentications: ${burst} made-up tokens → 401 after ${burst} token lookups, `
      + `the next 50 and a token-less request → 429 RATE_LIMITED with Retry-After and 0 SQL; the valid token from the same address → 200; `
      + `${burst + 3} valid tokens behind one address → 200 twice each; ${4 * burst} made-up tokens at once → ${burst} lookups, ${3 * burst} × 429; `
      + 'a revoked token is charged and then refused unseen; with 2 buckets per kind the least recently used address and token are forgotten');
  });

  it('an IPv6 client is one address per /64 (a bucket per IPv6 address would give it 2^64 buckets); IPv4 and IPv4-mapped as is', () => {
    const sameSubscriber = ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::9', '2001:0DB8:0001:0002:ffff::', '2001:db8:1:2::1%eth0'].map(addressKey);
    expect(new Set(sameSubscriber).size).toBe(1);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(sameSubscriber[0]);
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('10.1.2.4')).not.toBe('10.1.2.3');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

/**
 * POST from a given local address: every 127.0.0.0/8 address reaches the loopback server, so one
 * test plays several clients. No keep-alive, so each request is its own connection from that address.
 */
function postFrom(url: string, localAddress: string, body: unknown, token?: string): Promise<{ status: number; retryAfter: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = http.request(url, {
      method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'] as string | undefined, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(payload);
  });
}

function pick(config: ReturnType<typeof loadConfig>) {
  return { rateLimitBurst: config.rateLimitBurst, rateLimitPerSecond: config.rateLimitPerSecond };
}
