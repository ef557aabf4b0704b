import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ProvisioningClient } from '../sdk/src/index';
import { aCustomerInput, aTemplateInput, aUser, unique } from './support/factories';
import { createScratchDatabase, onPostgres, type ScratchDatabase } from './support/postgres';
import { startWebexStandIn, type WebexStandIn } from './support/webex-stand-in';
import { waitFor, webexEnv } from './support/webex-harness';
import { killApiProcess, startApiProcess, stopAllApiProcesses, stopApiProcess } from './support/api-processes';

/**
 * The connector in real server processes (`node dist/server/src/main.js`, built by the global
 * setup): SIGKILLed in the middle of a sync and right after createCustomer answered, then
 * restarted; and two processes sharing the jobs of one PostgreSQL database. Cisco (the stand-in)
 * must never see an object created twice, and every object must end PROVISIONED.
 */
const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/server/src/cli/main.js');

interface Database { url: string; drop(): Promise<void> }

async function freshDatabase(): Promise<Database> {
  if (process.env.TEST_DATABASE_URL) {
    const scratch: ScratchDatabase = await createScratchDatabase(process.env.TEST_DATABASE_URL);
    return { url: scratch.url, drop: () => scratch.drop() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'webex-processes-'));
  return { url: `sqlite:${path.join(dir, 'db.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

function processEnv(cisco: WebexStandIn, databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...webexEnv(cisco, { WEBEX_LEASE_MS: '3000', WEBEX_REQUEST_TIMEOUT_MS: '1000' }),
    DATABASE_URL: databaseUrl, NODE_ENV: 'test', RATE_LIMIT_PER_SECOND: '0', LOG_LEVEL: 'warn',
  };
}

/** A partner (CLI), connected to the stand-in, and a template with a registered Provisioning ID. */
async function partnerWithTemplate(cisco: WebexStandIn, url: string, databaseUrl: string) {
  const created = JSON.parse(execFileSync(process.execPath, [CLI, 'create-partner', '--name', unique('Crash '), '--admin-email', `${unique('noc')}@partner.example`, '--subscription', 'Sub100452'],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, encoding: 'utf8' }));
  const hub = createClient({ url, token: created.token });
  const tokens = cisco.issueToken({ label: unique('crash') });
  await hub.connectWebex(tokens);
  const webexProvisioningId = unique('prov-');
  cisco.registerProvisioningId(webexProvisioningId);
  const template = await hub.createTemplate({ ...aTemplateInput({ ...created, client: hub }), webexProvisioningId });
  return { token: created.token as string, templateId: template.id };
}

/** Every object of the customer with its sync status, all pages of users. */
async function statuses(hub: ProvisioningClient, customerId: string): Promise<string[]> {
  const all: string[] = [];
  let after: string | undefined;
  for (;;) {
    const sync = (await hub.customerWebexSync(customerId, { first: 100, after }))!;
    if (!after) all.push(sync.webex.status, ...sync.locations.edges.map((e) => e.node.webex.status));
    all.push(...sync.users.edges.map((e) => e.node.webex.status));
    if (!sync.users.pageInfo.hasNextPage) return all;
    after = sync.users.pageInfo.endCursor!;
  }
}

const everyProvisioned = (list: string[]) => list.length > 0 && list.every((s) => s === 'PROVISIONED');

describe('Webex sync across kill -9 of the server process', () => {
  let cisco: WebexStandIn;
  let db: Database;
  let current: ChildProcess | null = null;

  beforeAll(async () => {
    cisco = await startWebexStandIn({ provisioningPolls: 1 });
    db = await freshDatabase();
  });
  afterEach(async () => {
    if (current) await stopApiProcess(current);
    current = null;
  });
  afterAll(async () => {
    await stopAllApiProcesses();
    await cisco?.stop();
    await db?.drop();
  });

  async function start() {
    const started = await startApiProcess(processEnv(cisco, db.url));
    current = started.child;
    return started;
  }

  it('killed in the middle of a 150-user sync, restarted: no duplicate at Cisco, every object PROVISIONED', async () => {
    const first = await start();
    const { token, templateId } = await partnerWithTemplate(cisco, first.url, db.url);
    let hub = createClient({ url: first.url, token });
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }];
    for (let i = 0; i < 150; i++) users.push(i % 3 === 0 ? aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null }) : aUser());
    // Slower answers: the kill lands with requests in flight (created at Cisco, their answers lost).
    cisco.setDelay(15);
    await hub.setupCustomer({ customerId: customer.id, users });
    const posts = () => cisco.requests.filter((r) => r.method === 'POST' && r.path === '/wholesale/subscribers').length;
    await waitFor(async () => posts(), (n) => n >= 40, '40 subscribers to be sent');
    await killApiProcess(first.child);
    cisco.setDelay(0);
    const inFlight = cisco.requests.filter((r) => r.status === 0 && r.method === 'POST').length;

    const second = await start();
    hub = createClient({ url: second.url, token });
    const final = await waitFor(() => statuses(hub, customer.id), everyProvisioned, 'every object to be PROVISIONED after the restart', 120_000);
    expect(final).toHaveLength(1 + 1 + 151);
    expect(cisco.duplicates).toEqual([]);
    expect(cisco.duplicateCreates()).toBe(0);
    const ciscoCustomer = cisco.customerByExternalId(customer.id)!;
    expect([...cisco.subscribers.values()].filter((s) => s.customerId === ciscoCustomer.id)).toHaveLength(151);
    expect(cisco.contractViolations).toEqual([]);
    // Reported, not asserted: how many creates were in flight at the kill (their answers lost).
    console.log(`[webex-processes] kill mid-sync: ${posts()} subscriber POSTs in all, ${inFlight} request(s) unanswered at the kill`);
  }, 300_000);

  it('killed right after createCustomer answered, and while Cisco was creating the customer: restarted, the customer is created once', async () => {
    const first = await start();
    const { token, templateId } = await partnerWithTemplate(cisco, first.url, db.url);
    let hub = createClient({ url: first.url, token });
    const right = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_MEETINGS' }));
    await killApiProcess(first.child);

    const second = await start();
    hub = createClient({ url: second.url, token });
    // Cisco takes its time with the next customer: the process dies while the create is on its way.
    cisco.setDelay(300);
    const slow = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_MEETINGS' }));
    await waitFor(async () => cisco.requests.some((r) => r.method === 'POST' && r.path === '/wholesale/customers' && (r.body as any)?.externalId === slow.id),
      (sent) => sent, 'the create of the second customer to be sent', 60_000);
    await killApiProcess(second.child);
    cisco.setDelay(0);

    const third = await start();
    hub = createClient({ url: third.url, token });
    await waitFor(() => statuses(hub, right.id), everyProvisioned, 'the first customer', 120_000);
    await waitFor(() => statuses(hub, slow.id), everyProvisioned, 'the second customer', 120_000);
    expect(cisco.duplicates).toEqual([]);
    expect(cisco.duplicateCreates()).toBe(0);
    expect([...cisco.customers.values()].filter((c) => c.externalId === slow.id)).toHaveLength(1);
    expect([...cisco.customers.values()].filter((c) => c.externalId === right.id)).toHaveLength(1);
  }, 300_000);
});

describe.runIf(onPostgres)('Webex sync shared by two API processes on one PostgreSQL database', () => {
  let cisco: WebexStandIn;
  let db: Database;

  beforeAll(async () => {
    cisco = await startWebexStandIn({ provisioningPolls: 1 });
    db = await freshDatabase();
  });
  afterAll(async () => {
    await stopAllApiProcesses();
    await cisco?.stop();
    await db?.drop();
  });

  it('both processes drain the jobs; no object is created twice at Cisco and every one ends PROVISIONED', async () => {
    const a = await startApiProcess(processEnv(cisco, db.url));
    const b = await startApiProcess(processEnv(cisco, db.url));
    const { token, templateId } = await partnerWithTemplate(cisco, a.url, db.url);
    const hubs = [createClient({ url: a.url, token }), createClient({ url: b.url, token })];
    cisco.setDelay(5);
    const customers = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const hub = hubs[i % 2];
      const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
      const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }];
      for (let j = 0; j < 20; j++) users.push(aUser());
      await hub.setupCustomer({ customerId: customer.id, users });
      return customer;
    }));
    for (const customer of customers) {
      await waitFor(() => statuses(hubs[0], customer.id), everyProvisioned, `customer ${customer.id}`, 120_000);
    }
    expect(cisco.duplicates).toEqual([]);
    expect(cisco.duplicateCreates()).toBe(0);
    expect(cisco.subscribers.size).toBe(8 * 21);
  }, 300_000);
});
