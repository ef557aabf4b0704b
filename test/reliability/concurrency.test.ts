import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aUser, unique } from '../support/factories';
import { type RawResponse, type TestPartner, type TestServer } from '../support/test-server';
import { useTestServer } from '../support/fixture';
import { ALL_FAILPOINTS, envInt, FAILPOINTS, partnerWithTemplate, seededRandom } from './support';

const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code field } } }`;
const SETUP = `mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) { users { id } userErrors { code field } } }`;
const USERS_PER_SETUP = envInt('CONCURRENCY_USERS', 1_000);
const SEED = envInt('CONCURRENCY_SEED', 20261124);

type Kind = 'create' | 'create-invalid' | 'create-fault' | 'setup' | 'setup-invalid' | 'setup-fault';
interface Op { kind: Kind; marker: string; customerId?: string; body: unknown; fault: boolean }

/** A second, read-only look at the server's database (SQLite file or PostgreSQL), beside the API. */
interface Reader {
  /** First row of `sql`, whose parameters are written `?` on both engines. */
  row<T>(sql: string, ...params: unknown[]): Promise<T>;
  /** SQLite: the file's own integrity checks (PostgreSQL enforces foreign keys on every statement). */
  sqlite: BetterSqlite3.Database | null;
  close(): Promise<void>;
}

async function openReader(databaseUrl: string): Promise<Reader> {
  if (databaseUrl.startsWith('sqlite:')) {
    const sqlite = new BetterSqlite3(databaseUrl.slice('sqlite:'.length), { readonly: true });
    return { sqlite, row: async (sql, ...params) => sqlite.prepare(sql).get(...params) as never, close: async () => { sqlite.close(); } };
  }
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  return {
    sqlite: null,
    async row(sql, ...params) {
      let n = 0;
      return (await pg.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows[0];
    },
    close: () => pg.end(),
  };
}

/**
 * R1: many mutations at once against one server and one database, some failing validation and
 * some failing inside their transaction, must leave exactly the successful ones' rows.
 */
describe('concurrency (R1)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let templateId: string;
  let reader: Reader;

  const fixture = useTestServer({ partners: 0, overrides: { failpoints: ALL_FAILPOINTS } });
  beforeAll(async () => {
    server = fixture.server;
    ({ partner, templateId } = await partnerWithTemplate(server));
    reader = await openReader(server.databaseUrl);
  });
  afterAll(async () => {
    await reader?.close();
  });

  const send = (op: Op) => server.post(op.body, {
    token: partner.token, headers: op.fault ? { 'x-failpoint': FAILPOINTS.beforeCommit } : {},
  });
  // PostgreSQL answers count(*) as a bigint string.
  const count = async (sql: string, ...params: unknown[]) => Number((await reader.row<{ n: number | string }>(sql, ...params)).n);

  it('50 mixed mutations at once: successes fully written, failures fully absent, only the injected 500s', async () => {
    const random = seededRandom(SEED);
    const mix: Array<[Kind, number]> = [
      ['create', 10], ['create-invalid', 5], ['create-fault', 5], ['setup', 15], ['setup-invalid', 5], ['setup-fault', 10],
    ];
    const setupTargets = 15 + 5 + 10;
    const customers = await Promise.all(Array.from({ length: setupTargets }, () => partner.client.createCustomer(aCustomerInput(templateId))));
    const ops: Op[] = [];
    for (const [kind, n] of mix) {
      for (let i = 0; i < n; i++) {
        const marker = unique(`${kind}-`);
        const fault = kind.endsWith('-fault');
        if (kind.startsWith('create')) {
          const input = aCustomerInput(templateId, { externalId: marker, supportedLocationConfirmed: kind !== 'create-invalid' });
          ops.push({ kind, marker, fault, body: { query: CREATE, variables: { input } } });
        } else {
          const customerId = customers.pop()!.id;
          const users = Array.from({ length: USERS_PER_SETUP }, () => aUser());
          if (kind === 'setup-invalid') users[random.int(users.length)].email = 'not an email';
          ops.push({ kind, marker, fault, customerId, body: { query: SETUP, variables: { input: { customerId, users } } } });
        }
      }
    }
    for (let i = ops.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [ops[i], ops[j]] = [ops[j], ops[i]];
    }
    const auditBefore = await count('SELECT count(*) AS n FROM audit_event');

    const started = Date.now();
    const responses: RawResponse[] = await Promise.all(ops.map(send));
    const elapsed = Date.now() - started;

    let injected = 0;
    ops.forEach((op, i) => {
      const r = responses[i];
      const what = `${op.kind} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
      if (op.fault) {
        injected += 1;
        expect(r.status, what).toBe(500);
        expect(r.body.errors[0].extensions.code, what).toBe('INTERNAL_SERVER_ERROR');
        expect(r.body.errors[0].message, what).toMatch(/Injected fault/);
        return;
      }
      expect(r.status, what).toBe(200);
      expect(r.body.errors, what).toBeUndefined();
      const payload = r.body.data.createCustomer ?? r.body.data.setupCustomer;
      if (op.kind.endsWith('-invalid')) expect(payload.userErrors.length, what).toBeGreaterThan(0);
      else expect(payload.userErrors, what).toEqual([]);
    });

    // The database holds exactly what succeeded.
    for (const op of ops) {
      if (op.kind.startsWith('create')) {
        const rows = await count('SELECT count(*) AS n FROM customer WHERE "externalId" = ?', op.marker);
        expect(rows, `${op.kind} ${op.marker}`).toBe(op.kind === 'create' ? 1 : 0);
      } else {
        const users = await count('SELECT count(*) AS n FROM customer_user WHERE "customerId" = ?', op.customerId);
        const { status } = await reader.row<{ status: string }>('SELECT status FROM customer WHERE id = ?', op.customerId);
        expect(users, `${op.kind} ${op.customerId}`).toBe(op.kind === 'setup' ? USERS_PER_SETUP + 1 : 1);
        expect(status).toBe(op.kind === 'setup' ? 'ACTIVE' : 'PENDING_SETUP');
      }
    }
    const successes = ops.filter((op) => op.kind === 'create' || op.kind === 'setup').length;
    expect(await count('SELECT count(*) AS n FROM audit_event') - auditBefore).toBe(successes);
    if (reader.sqlite) {
      expect(reader.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(reader.sqlite.pragma('foreign_key_check')).toEqual([]);
    }
    // The writer is not wedged by the failed transactions.
    await expect(partner.client.createCustomer(aCustomerInput(templateId))).resolves.toHaveProperty('id');

    console.log(`[concurrency] ${ops.length} mutations at once (${USERS_PER_SETUP} users per setup) in ${elapsed} ms: `
      + `${successes} committed with all rows, ${ops.length - successes - injected} userErrors and ${injected} injected 500s with no rows, `
      + `other 5xx 0, audit events +${successes}`);
  });

  it('two concurrent claims of one phone number, extension, user email or admin email: exactly one wins, the other gets TAKEN', async () => {
    const rounds = envInt('CONCURRENCY_RACE_ROUNDS', 5);
    const results: Record<string, number> = { phoneNumber: 0, extension: 0, email: 0, adminEmail: 0 };
    for (let round = 0; round < rounds; round++) {
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => partner.client.createCustomer(aCustomerInput(templateId))));
      const phone = aUser().phoneNumber!;
      const email = `${unique('race')}@race.example`;
      const adminEmail = `${unique('admin-race')}@race.example`;
      const races: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
        ['phoneNumber',
          () => partner.client.payloads.setupCustomer({ customerId: a.id, users: [aUser({ phoneNumber: phone })] }),
          () => partner.client.payloads.setupCustomer({ customerId: b.id, users: [aUser({ phoneNumber: phone })] })],
        ['extension',
          () => partner.client.payloads.setupCustomer({ customerId: c.id, users: [aUser({ phoneNumber: null, extension: '777' })] }),
          () => partner.client.payloads.setupCustomer({ customerId: c.id, users: [aUser({ phoneNumber: null, extension: '777' })] })],
        ['email',
          () => partner.client.payloads.setupCustomer({ customerId: a.id, users: [aUser({ email })] }),
          () => partner.client.payloads.setupCustomer({ customerId: b.id, users: [aUser({ email })] })],
        ['adminEmail',
          () => partner.client.payloads.createCustomer(aCustomerInput(templateId, { adminEmail })),
          () => partner.client.payloads.createCustomer(aCustomerInput(templateId, { adminEmail }))],
      ];
      for (const [field, first, second] of races) {
        const payloads = (await Promise.all([first(), second()])) as Array<{ userErrors: Array<{ code: string; field: string[] }> }>;
        const winners = payloads.filter((p) => p.userErrors.length === 0);
        const losers = payloads.filter((p) => p.userErrors.length > 0);
        expect(winners, `${field}: ${JSON.stringify(payloads)}`).toHaveLength(1);
        expect(losers[0].userErrors).toEqual([expect.objectContaining({ code: 'TAKEN' })]);
        expect(losers[0].userErrors[0].field.at(-1)).toBe(field);
        results[field] += 1;
      }
    }
    console.log(`[concurrency] races (one winner, one TAKEN): ${Object.entries(results).map(([k, v]) => `${k} ${v}/${rounds}`).join(', ')}`);
  });
});
