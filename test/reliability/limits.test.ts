import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppSchema } from '../../server/src/schema';
import { MAX_ALIASES, MAX_COST, MAX_DEPTH, measureOperation } from '../../server/src/http/complexity';
import { BODY_LIMIT } from '../../server/src/http/app';
import { MAX_LOCATIONS_PER_SETUP, MAX_USERS_PER_SETUP } from '../../server/src/setup/setup.rules';
import { aNewYorkLocation, aUser } from '../support/factories';
import { startTestServer, type RawResponse, type TestPartner, type TestServer } from '../support/test-server';
import { aCustomer, partnerWithTemplate, rawPost } from './support';

/**
 * Every limit of domain.md §8/§9 at its edge: N passes, N+1 is refused before any SQL runs
 * (x-sql-statements: 0 for thrown refusals; for setupCustomer's LIMIT_EXCEEDED only the token
 * lookup ran, never the customer lookup).
 */
describe('limits (R6)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateId: string;
  const figures: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    ({ partner, templateId } = await partnerWithTemplate(server));
  });
  afterAll(async () => {
    console.log(`[limits] ${figures.join('; ')}`);
    await server.stop();
  });

  const ask = (query: string, variables?: Record<string, unknown>) => server.post({ query, variables }, { token: partner.token });
  const statements = (r: RawResponse) => Number(r.headers.get('x-sql-statements'));

  function expectRefused(r: RawResponse, code: string, status = 400) {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.errors[0].extensions.code).toBe(code);
    expect(r.body.data ?? null).toBeNull();
    expect(statements(r)).toBe(0);
  }
  function expectPassed(r: RawResponse) {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(statements(r)).toBeGreaterThan(0);
  }

  /** viewer { partner { admins { partner { … id } } } } with `depth` levels of fields. */
  function deepQuery(depth: number): string {
    const names = ['viewer'];
    while (names.length < depth - 1) names.push(names.length % 2 === 1 ? 'partner' : 'admins');
    let body = 'id';
    for (const name of names.reverse()) body = `${name} { ${body} }`;
    return `{ ${body} }`;
  }

  /** The same depth, every level hidden in its own fragment. */
  function deepFragments(depth: number): string {
    const fragments: string[] = [];
    // level 1 is viewer (PartnerAdmin); then partner (Partner), admins (PartnerAdmin), …
    const levels = depth - 2; // fields between viewer and the innermost id
    for (let i = 0; i < levels; i++) {
      const on = i % 2 === 0 ? 'PartnerAdmin' : 'Partner';
      const field = i % 2 === 0 ? 'partner' : 'admins';
      const inner = i === levels - 1 ? 'id' : `...F${i + 1}`;
      fragments.push(`fragment F${i} on ${on} { ${field} { ${inner} } }`);
    }
    return `{ viewer { ...F0 } } ${fragments.join(' ')}`;
  }

  it(`depth: ${MAX_DEPTH} passes, ${MAX_DEPTH + 1} is refused, also when hidden in fragments or inline fragments`, async () => {
    expectPassed(await ask(deepQuery(MAX_DEPTH)));
    expectRefused(await ask(deepQuery(MAX_DEPTH + 1)), 'QUERY_TOO_COMPLEX');
    expectPassed(await ask(deepFragments(MAX_DEPTH)));
    expectRefused(await ask(deepFragments(MAX_DEPTH + 1)), 'QUERY_TOO_COMPLEX');
    const inline = deepQuery(MAX_DEPTH + 1).replace(/\{ partner \{/g, '{ ... on PartnerAdmin { partner {').replace(/\}/g, '}') ;
    const balanced = inline + '}'.repeat((inline.match(/\{/g)!.length) - (inline.match(/\}/g)!.length));
    expectRefused(await ask(balanced), 'QUERY_TOO_COMPLEX');
    figures.push(`depth ${MAX_DEPTH} ok / ${MAX_DEPTH + 1} QUERY_TOO_COMPLEX, 0 SQL`);
  });

  it('recursive fragments are refused (validation), never loop', async () => {
    const started = Date.now();
    const r = await ask('{ viewer { ...A } } fragment A on PartnerAdmin { partner { admins { ...A } } }');
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(statements(r)).toBe(0);
    const mutual = await ask('{ viewer { ...A } } fragment A on PartnerAdmin { partner { ...B } } fragment B on Partner { admins { ...A } }');
    expect(mutual.status).toBe(400);
    expect(statements(mutual)).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    figures.push('recursive fragments 400 GRAPHQL_VALIDATION_FAILED');
  });

  it(`aliases: ${MAX_ALIASES} pass, ${MAX_ALIASES + 1} are refused, also as alias batching of one field`, async () => {
    const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
    expectPassed(await ask(`{ viewer { ${aliases(MAX_ALIASES, 'id')} } }`));
    expectRefused(await ask(`{ viewer { ${aliases(MAX_ALIASES + 1, 'id')} } }`), 'QUERY_TOO_COMPLEX');
    const customer = await aCustomer(partner, templateId);
    expectPassed(await ask(`{ ${aliases(MAX_ALIASES, `customer(id: "${customer.id}") { id }`)} }`));
    expectRefused(await ask(`{ ${aliases(MAX_ALIASES + 1, `customer(id: "${customer.id}") { id }`)} }`), 'QUERY_TOO_COMPLEX');
    // Aliases hidden in fragments count too.
    const r = await ask(`{ viewer { ...X } } fragment X on PartnerAdmin { ${aliases(MAX_ALIASES + 1, 'id')} }`);
    expectRefused(r, 'QUERY_TOO_COMPLEX');
    figures.push(`aliases ${MAX_ALIASES} ok / ${MAX_ALIASES + 1} QUERY_TOO_COMPLEX, 0 SQL`);
  });

  it(`cost: exactly ${MAX_COST} passes, ${MAX_COST + 1} is refused`, async () => {
    const schema = await buildAppSchema();
    const costOf = (query: string) => {
      const document = parse(query);
      const operation = document.definitions[0];
      if (operation.kind !== 'OperationDefinition') throw new Error('no operation');
      return measureOperation(schema, document, operation, {}).cost;
    };
    // customers(100) × users(100): each field in a user node costs 10,000, in a customer node 100, on viewer 1.
    const withCost = (target: number) => {
      const base = 1 + 100 + 100 + 100 + 100 * 100 + 100 * 100; // customers, edges, node, users, edges, node
      const userFields = Math.floor((target - base - 1) / 10_000);
      let rest = target - base - userFields * 10_000;
      const customerFields = Math.floor((rest - 2) / 100);
      rest -= customerFields * 100;
      const viewerFields = rest - 1;
      return `{ customers(first: 100) { edges { node { ${'id '.repeat(customerFields)} users(first: 100) { edges { node { ${'id '.repeat(userFields)}} } } } } }`
        + ` viewer { ${'id '.repeat(viewerFields)}} }`;
    };
    expect(costOf(withCost(MAX_COST))).toBe(MAX_COST);
    expect(costOf(withCost(MAX_COST + 1))).toBe(MAX_COST + 1);
    expectPassed(await ask(withCost(MAX_COST)));
    expectRefused(await ask(withCost(MAX_COST + 1)), 'QUERY_TOO_COMPLEX');
    figures.push(`cost ${MAX_COST} ok / ${MAX_COST + 1} QUERY_TOO_COMPLEX, 0 SQL`);
  });

  it('first: 1 and 100 pass, 0 and 101 are BAD_USER_INPUT (literal, variable, nested) before any SQL', async () => {
    expectPassed(await ask('{ customers(first: 100) { totalCount } }'));
    expectPassed(await ask('{ customers(first: 1) { totalCount } }'));
    expectRefused(await ask('{ customers(first: 101) { totalCount } }'), 'BAD_USER_INPUT');
    expectRefused(await ask('{ customers(first: 0) { totalCount } }'), 'BAD_USER_INPUT');
    expectRefused(await ask('query($n: Int) { customers(first: $n) { totalCount } }', { n: 101 }), 'BAD_USER_INPUT');
    expectRefused(await ask('{ customers { edges { node { users(first: 101) { totalCount } } } } }'), 'BAD_USER_INPUT');
    expectRefused(await ask('{ auditEvents(first: -1) { totalCount } }'), 'BAD_USER_INPUT');
    figures.push('first 100 ok / 101 BAD_USER_INPUT, 0 SQL');
  });

  it('JSON array batching is refused (400) before any SQL', async () => {
    const r = await server.post([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }], { token: partner.token });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('"viewer"');
    expect(Number(r.headers.get('x-sql-statements') ?? 0)).toBe(0);
    figures.push('array batch 400');
  });

  it(`setupCustomer: ${MAX_USERS_PER_SETUP} users pass, ${MAX_USERS_PER_SETUP + 1} are LIMIT_EXCEEDED before the customer lookup`, async () => {
    const users = (n: number) => Array.from({ length: n }, (_, i) => aUser({ phoneNumber: null, extension: String(10_000 + i) }));
    const setup = `mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) {
      users { id } userErrors { code field message } } }`;
    const over = await aCustomer(partner, templateId);
    const refused = await ask(setup, { input: { customerId: over.id, users: users(MAX_USERS_PER_SETUP + 1) } });
    expect(refused.status).toBe(200);
    expect(refused.body.data.setupCustomer.userErrors).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: ['input', 'users'] })]);
    expect(statements(refused)).toBe(1); // the token lookup only
    // Not even a customer of another partner is looked up first: a random id gets the same answer.
    const stranger = await ask(setup, { input: { customerId: '0190a0b0-0000-7000-8000-000000000000', users: users(MAX_USERS_PER_SETUP + 1) } });
    expect(stranger.body.data.setupCustomer.userErrors[0].code).toBe('LIMIT_EXCEEDED');

    const customer = await aCustomer(partner, templateId);
    const started = Date.now();
    const accepted = await ask(setup, { input: { customerId: customer.id, users: users(MAX_USERS_PER_SETUP) } });
    expect(accepted.body.data.setupCustomer.userErrors).toEqual([]);
    expect(accepted.body.data.setupCustomer.users).toHaveLength(MAX_USERS_PER_SETUP);
    figures.push(`users ${MAX_USERS_PER_SETUP} ok (${Date.now() - started} ms) / ${MAX_USERS_PER_SETUP + 1} LIMIT_EXCEEDED, 1 SQL (token)`);
  });

  it(`setupCustomer: ${MAX_LOCATIONS_PER_SETUP} locations pass, ${MAX_LOCATIONS_PER_SETUP + 1} are LIMIT_EXCEEDED before the customer lookup`, async () => {
    const locations = (n: number) => Array.from({ length: n }, (_, i) => aNewYorkLocation({ name: `Site ${i}` }));
    const setup = `mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) {
      locations { id } userErrors { code field message } } }`;
    const customer = await aCustomer(partner, templateId);
    const refused = await ask(setup, { input: { customerId: customer.id, locations: locations(MAX_LOCATIONS_PER_SETUP + 1) } });
    expect(refused.body.data.setupCustomer.userErrors).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: ['input', 'locations'] })]);
    expect(statements(refused)).toBe(1);
    const accepted = await ask(setup, { input: { customerId: customer.id, locations: locations(MAX_LOCATIONS_PER_SETUP) } });
    expect(accepted.body.data.setupCustomer.userErrors).toEqual([]);
    expect(accepted.body.data.setupCustomer.locations).toHaveLength(MAX_LOCATIONS_PER_SETUP);
    figures.push(`locations ${MAX_LOCATIONS_PER_SETUP} ok / ${MAX_LOCATIONS_PER_SETUP + 1} LIMIT_EXCEEDED, 1 SQL (token)`);
  });

  it(`request body: exactly ${BODY_LIMIT} is accepted, one byte more is 413 PAYLOAD_TOO_LARGE as a JSON GraphQL error`, async () => {
    const limit = 8 * 1024 * 1024;
    const bodyOf = (size: number) => {
      const head = '{"query":"{ __typename }","variables":{"pad":"';
      const tail = '"}}';
      return head + 'x'.repeat(size - head.length - tail.length) + tail;
    };
    expect(Buffer.byteLength(bodyOf(limit))).toBe(limit);
    const ok = await rawPost(server.url, bodyOf(limit));
    expect(ok.status, ok.text.slice(0, 200)).toBe(200);
    expect(ok.json.data.__typename).toBe('Query');
    const tooLarge = await rawPost(server.url, bodyOf(limit + 1));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(tooLarge.headers.get('x-sql-statements')).toBeNull(); // refused before GraphQL (and SQL) started
    figures.push(`body ${limit} B ok / ${limit + 1} B 413 PAYLOAD_TOO_LARGE`);
  });
});
