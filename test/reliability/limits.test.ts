import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAppSchema } from '../../server/src/schema';
import { hashToken } from '../../server/src/partners/api-token.secret';
import { MAX_PAGE_SIZE } from '../../server/src/graphql/connection';
import { MAX_ALIASES, MAX_COST, MAX_DEPTH, measureOperation } from '../../server/src/http/complexity';
import { BODY_LIMIT } from '../../server/src/http/app';
import { MAX_LOCATIONS_PER_SETUP, MAX_USERS_PER_SETUP } from '../../server/src/setup/setup.rules';
import { aNewYorkLocation, aUser } from '../support/factories';
import { type RawResponse, type TestPartner, type TestServer } from '../support/test-server';
import { useTestServer } from '../support/fixture';
import { aCustomer, partnerWithTemplate, rawPost, type SeenStatement, watchStatements } from './support';

/**
 * The limits as domain.md §8/§9 and the README state them, written out here rather than taken
 * from the code: a constant lowered (or raised) in the code must turn this suite red.
 */
const CONTRACT = {
  depth: 10,
  aliases: 30,
  cost: 100_000,
  first: 100,
  users: 10_000,
  locations: 1_000,
  /** 8 MB = 8 × 1024 × 1024 bytes. */
  bodyBytes: 8_388_608,
} as const;

/**
 * Every limit of domain.md §8/§9 at its edge: N passes, N+1 is refused before any SQL runs.
 * "No SQL" is checked twice: the x-sql-statements header must be present and 0, and a hook on the
 * server's TypeORM logger (which sees every statement, also of requests refused before GraphQL
 * sets any header) must have seen none. setupCustomer's LIMIT_EXCEEDED is a userError in the
 * payload, which only an authenticated caller gets: exactly one statement runs, the token lookup,
 * and no transaction commits.
 */
describe('limits (R6)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateId: string;
  let watcher: Awaited<ReturnType<typeof watchStatements>>;
  /** The SQL of the token lookup, from a request that runs nothing else (an unknown token, 401). */
  let tokenLookupSql: string;
  const figures: string[] = [];

  const fixture = useTestServer({ partners: 0 });
  beforeAll(async () => {
    server = fixture.server;
    ({ partner, templateId } = await partnerWithTemplate(server));
    watcher = await watchStatements(server.app);
    const unknown = await sqlOf(() => server.post({ query: '{ viewer { id } }' }, { token: 'wpt_not-a-real-token' }));
    expect(unknown.response.status).toBe(401);
    expect(unknown.sql).toHaveLength(1);
    expect(unknown.sql[0].parameters).toContain(hashToken('wpt_not-a-real-token'));
    tokenLookupSql = unknown.sql[0].sql;
  });
  afterAll(async () => {
    console.log(`[limits] ${figures.join('; ')}`);
    watcher?.stop();
  });

  /** Runs one request alone and returns it with the statements the server ran meanwhile. */
  async function sqlOf<T>(send: () => Promise<T>): Promise<{ response: T; sql: SeenStatement[] }> {
    watcher.clear();
    const response = await send();
    return { response, sql: [...watcher.seen] };
  }

  const ask = (query: string, variables?: Record<string, unknown>) => server.post({ query, variables }, { token: partner.token });
  const statements = (r: RawResponse) => {
    const header = r.headers.get('x-sql-statements');
    expect(header, 'x-sql-statements header').not.toBeNull();
    return Number(header);
  };

  async function expectRefused(send: () => Promise<RawResponse>, code: string, status = 400) {
    const { response: r, sql } = await sqlOf(send);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.errors[0].extensions.code).toBe(code);
    expect(r.body.data ?? null).toBeNull();
    expect(statements(r)).toBe(0);
    expect(sql.map((s) => s.sql)).toEqual([]);
  }
  async function expectPassed(send: () => Promise<RawResponse>) {
    const { response: r, sql } = await sqlOf(send);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(statements(r)).toBeGreaterThan(0);
    // The hook and the header agree, so "0 seen" on a refusal is not a dead hook.
    expect(sql.length).toBe(statements(r));
  }

  /** Exactly one statement, the caller's token lookup (the same SQL as for an unknown token, with this token's hash), and no commit. */
  function expectOnlyTokenLookup({ response, sql }: { response: RawResponse; sql: SeenStatement[] }) {
    expect(statements(response)).toBe(1);
    expect(response.headers.get('x-sql-commits')).toBe('0');
    expect(sql).toHaveLength(1);
    expect(sql[0].sql).toBe(tokenLookupSql);
    expect(sql[0].parameters).toContain(hashToken(partner.token));
  }

  it('the code\'s limits are the contract\'s (domain.md §8/§9)', () => {
    expect(MAX_DEPTH).toBe(CONTRACT.depth);
    expect(MAX_ALIASES).toBe(CONTRACT.aliases);
    expect(MAX_COST).toBe(CONTRACT.cost);
    expect(MAX_PAGE_SIZE).toBe(CONTRACT.first);
    expect(MAX_USERS_PER_SETUP).toBe(CONTRACT.users);
    expect(MAX_LOCATIONS_PER_SETUP).toBe(CONTRACT.locations);
    expect(BODY_LIMIT).toBe('8mb'); // express's "mb" is 1024 × 1024 bytes; the edge itself is tested over HTTP below
  });

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

  it(`depth: ${CONTRACT.depth} passes, ${CONTRACT.depth + 1} is refused, also when hidden in fragments or inline fragments`, async () => {
    await expectPassed(() => ask(deepQuery(CONTRACT.depth)));
    await expectRefused(() => ask(deepQuery(CONTRACT.depth + 1)), 'QUERY_TOO_COMPLEX');
    await expectPassed(() => ask(deepFragments(CONTRACT.depth)));
    await expectRefused(() => ask(deepFragments(CONTRACT.depth + 1)), 'QUERY_TOO_COMPLEX');
    const inline = deepQuery(CONTRACT.depth + 1).replace(/\{ partner \{/g, '{ ... on PartnerAdmin { partner {').replace(/\}/g, '}') ;
    const balanced = inline + '}'.repeat((inline.match(/\{/g)!.length) - (inline.match(/\}/g)!.length));
    await expectRefused(() => ask(balanced), 'QUERY_TOO_COMPLEX');
    figures.push(`depth ${CONTRACT.depth} ok / ${CONTRACT.depth + 1} QUERY_TOO_COMPLEX, 0 SQL`);
  });

  it('recursive fragments are refused (validation), never loop', async () => {
    const started = Date.now();
    await expectRefused(() => ask('{ viewer { ...A } } fragment A on PartnerAdmin { partner { admins { ...A } } }'), 'GRAPHQL_VALIDATION_FAILED');
    await expectRefused(() => ask('{ viewer { ...A } } fragment A on PartnerAdmin { partner { ...B } } fragment B on Partner { admins { ...A } }'),
      'GRAPHQL_VALIDATION_FAILED');
    expect(Date.now() - started).toBeLessThan(5_000);
    figures.push('recursive fragments 400 GRAPHQL_VALIDATION_FAILED');
  });

  it(`aliases: ${CONTRACT.aliases} pass, ${CONTRACT.aliases + 1} are refused, also as alias batching of one field`, async () => {
    const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
    await expectPassed(() => ask(`{ viewer { ${aliases(CONTRACT.aliases, 'id')} } }`));
    await expectRefused(() => ask(`{ viewer { ${aliases(CONTRACT.aliases + 1, 'id')} } }`), 'QUERY_TOO_COMPLEX');
    const customer = await aCustomer(partner, templateId);
    await expectPassed(() => ask(`{ ${aliases(CONTRACT.aliases, `customer(id: "${customer.id}") { id }`)} }`));
    await expectRefused(() => ask(`{ ${aliases(CONTRACT.aliases + 1, `customer(id: "${customer.id}") { id }`)} }`), 'QUERY_TOO_COMPLEX');
    // Aliases hidden in fragments count too.
    await expectRefused(() => ask(`{ viewer { ...X } } fragment X on PartnerAdmin { ${aliases(CONTRACT.aliases + 1, 'id')} }`), 'QUERY_TOO_COMPLEX');
    figures.push(`aliases ${CONTRACT.aliases} ok / ${CONTRACT.aliases + 1} QUERY_TOO_COMPLEX, 0 SQL`);
  });

  it(`cost: exactly ${CONTRACT.cost} passes, ${CONTRACT.cost + 1} is refused`, async () => {
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
    expect(costOf(withCost(CONTRACT.cost))).toBe(CONTRACT.cost);
    expect(costOf(withCost(CONTRACT.cost + 1))).toBe(CONTRACT.cost + 1);
    await expectPassed(() => ask(withCost(CONTRACT.cost)));
    await expectRefused(() => ask(withCost(CONTRACT.cost + 1)), 'QUERY_TOO_COMPLEX');
    figures.push(`cost ${CONTRACT.cost} ok / ${CONTRACT.cost + 1} QUERY_TOO_COMPLEX, 0 SQL`);
  });

  it(`first: 1 and ${CONTRACT.first} pass, 0 and ${CONTRACT.first + 1} are BAD_USER_INPUT (literal, variable, nested) before any SQL`, async () => {
    const max = CONTRACT.first;
    await expectPassed(() => ask(`{ customers(first: ${max}) { totalCount } }`));
    await expectPassed(() => ask('{ customers(first: 1) { totalCount } }'));
    await expectPassed(() => ask('query($n: Int) { customers(first: $n) { totalCount } }', { n: max }));
    await expectRefused(() => ask(`{ customers(first: ${max + 1}) { totalCount } }`), 'BAD_USER_INPUT');
    await expectRefused(() => ask('{ customers(first: 0) { totalCount } }'), 'BAD_USER_INPUT');
    await expectRefused(() => ask('query($n: Int) { customers(first: $n) { totalCount } }', { n: max + 1 }), 'BAD_USER_INPUT');
    await expectRefused(() => ask(`{ customers { edges { node { users(first: ${max + 1}) { totalCount } } } } }`), 'BAD_USER_INPUT');
    await expectRefused(() => ask('{ auditEvents(first: -1) { totalCount } }'), 'BAD_USER_INPUT');
    figures.push(`first ${max} ok / ${max + 1} BAD_USER_INPUT, 0 SQL`);
  });

  it('JSON array batching is refused (400) before any SQL', async () => {
    // Apollo refuses a batch before any plugin runs, so the response has no x-sql-* header: the
    // logger hook is the proof. Its control: the same operation sent alone runs the token lookup.
    const { response: r, sql } = await sqlOf(() => server.post([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }], { token: partner.token }));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).not.toContain('"viewer"');
    expect(sql.map((s) => s.sql)).toEqual([]);
    const single = await sqlOf(() => server.post({ query: '{ viewer { id } }' }, { token: partner.token }));
    expect(single.response.status).toBe(200);
    expect(single.sql.map((s) => s.sql)).toContain(tokenLookupSql);
    figures.push('array batch 400, 0 SQL (the same operation alone: 200 after the token lookup)');
  });

  it(`setupCustomer: ${CONTRACT.users} users pass, ${CONTRACT.users + 1} are LIMIT_EXCEEDED before the customer lookup`, async () => {
    const users = (n: number) => Array.from({ length: n }, (_, i) => aUser({ phoneNumber: null, extension: String(10_000 + i) }));
    const setup = `mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) {
      users { id } userErrors { code field message } } }`;
    const over = await aCustomer(partner, templateId);
    const refused = await sqlOf(() => ask(setup, { input: { customerId: over.id, users: users(CONTRACT.users + 1) } }));
    expect(refused.response.status).toBe(200);
    expect(refused.response.body.data.setupCustomer.userErrors).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: ['input', 'users'] })]);
    expectOnlyTokenLookup(refused);
    // Not even a customer of another partner is looked up first: a random id gets the same answer.
    const stranger = await sqlOf(() => ask(setup, { input: { customerId: '0190a0b0-0000-7000-8000-000000000000', users: users(CONTRACT.users + 1) } }));
    expect(stranger.response.body.data.setupCustomer.userErrors).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: ['input', 'users'] })]);
    expectOnlyTokenLookup(stranger);

    const customer = await aCustomer(partner, templateId);
    const started = Date.now();
    const accepted = await ask(setup, { input: { customerId: customer.id, users: users(CONTRACT.users) } });
    expect(accepted.body.data.setupCustomer.userErrors).toEqual([]);
    expect(accepted.body.data.setupCustomer.users).toHaveLength(CONTRACT.users);
    figures.push(`users ${CONTRACT.users} ok (${Date.now() - started} ms) / ${CONTRACT.users + 1} LIMIT_EXCEEDED, 1 SQL (the token lookup), 0 commits`);
  });

  it(`setupCustomer: ${CONTRACT.locations} locations pass, ${CONTRACT.locations + 1} are LIMIT_EXCEEDED before the customer lookup`, async () => {
    const locations = (n: number) => Array.from({ length: n }, (_, i) => aNewYorkLocation({ name: `Site ${i}` }));
    const setup = `mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) {
      locations { id } userErrors { code field message } } }`;
    const customer = await aCustomer(partner, templateId);
    const refused = await sqlOf(() => ask(setup, { input: { customerId: customer.id, locations: locations(CONTRACT.locations + 1) } }));
    expect(refused.response.status).toBe(200);
    expect(refused.response.body.data.setupCustomer.userErrors).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', field: ['input', 'locations'] })]);
    expectOnlyTokenLookup(refused);
    const accepted = await ask(setup, { input: { customerId: customer.id, locations: locations(CONTRACT.locations) } });
    expect(accepted.body.data.setupCustomer.userErrors).toEqual([]);
    expect(accepted.body.data.setupCustomer.locations).toHaveLength(CONTRACT.locations);
    figures.push(`locations ${CONTRACT.locations} ok / ${CONTRACT.locations + 1} LIMIT_EXCEEDED, 1 SQL (the token lookup), 0 commits`);
  });

  it(`request body: exactly ${CONTRACT.bodyBytes} bytes are accepted, one byte more is 413 PAYLOAD_TOO_LARGE as a JSON GraphQL error`, async () => {
    const limit = CONTRACT.bodyBytes;
    const bodyOf = (size: number) => {
      const head = '{"query":"{ __typename }","variables":{"pad":"';
      const tail = '"}}';
      return head + 'x'.repeat(size - head.length - tail.length) + tail;
    };
    expect(Buffer.byteLength(bodyOf(limit))).toBe(limit);
    const ok = await rawPost(server.url, bodyOf(limit));
    expect(ok.status, ok.text.slice(0, 200)).toBe(200);
    expect(ok.json.data.__typename).toBe('Query');
    const { response: tooLarge, sql } = await sqlOf(() => rawPost(server.url, bodyOf(limit + 1), { authorization: `Bearer ${partner.token}` }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(tooLarge.headers.get('x-sql-statements')).toBeNull(); // refused before GraphQL started…
    expect(sql.map((s) => s.sql)).toEqual([]); // …and before any SQL, the token lookup included
    figures.push(`body ${limit} B ok / ${limit + 1} B 413 PAYLOAD_TOO_LARGE, 0 SQL`);
  });
});
