import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aUser } from './support/factories';
import { createScratchDatabase, type ScratchDatabase } from './support/postgres';
import { startTestServer, type TestServer } from './support/test-server';
import { startWebexStandIn, type WebexStandIn } from './support/webex-stand-in';
import { allProvisioned, connectedPartner, createCustomer, customerSync, setupCustomer, waitFor, webexEnv, type WebexHarness } from './support/webex-harness';

/**
 * app.stop() (SIGTERM) lets the request in flight finish and hands the job's claim back at once:
 * with a lease far longer than the test may wait (10 minutes), the next process goes on at once.
 */
describe('stopping a server in the middle of a sync', () => {
  let cisco: WebexStandIn;
  let databaseUrl: string;
  let dir: string;
  let scratch: ScratchDatabase | null = null;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    cisco = await startWebexStandIn({ provisioningPolls: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'webex-stop-'));
    databaseUrl = `sqlite:${path.join(dir, 'db.sqlite')}`;
    if (process.env.TEST_DATABASE_URL) {
      scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL);
      databaseUrl = scratch.url;
    }
  });
  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    await cisco?.stop();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(): Promise<WebexHarness> {
    const server = await startTestServer({}, { ...webexEnv(cisco, { WEBEX_LEASE_MS: '600000' }), DATABASE_URL: databaseUrl });
    servers.push(server);
    return { cisco, server, stop: () => server.stop() };
  }

  it('finishes the request in flight, releases the claim, and the next process finishes the sync without a duplicate', async () => {
    const first = await start();
    const { partner, templateId } = await connectedPartner(first);
    const customer = await createCustomer(first, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    await waitFor(() => customerSync(first, partner, customer.id), (s) => s.customer.status === 'PROVISIONED', 'the customer');
    cisco.setDelay(200);
    const users = [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }];
    for (let i = 0; i < 30; i++) users.push(aUser());
    await setupCustomer(first, partner, { customerId: customer.id, users });
    const posts = () => cisco.requests.filter((r) => r.method === 'POST' && r.path === '/wholesale/subscribers');
    await waitFor(async () => posts().length, (n) => n >= 2, 'users to be sent');
    await first.server.stop();
    // Every request the stopping process sent was answered: none was cut off.
    expect(posts().filter((r) => r.status === 0)).toEqual([]);
    const sentBeforeStop = posts().length;
    expect(sentBeforeStop).toBeLessThan(31);
    cisco.setDelay(0);

    const second = await start();
    // Far within the 10-minute lease: only a released claim lets the second process go on.
    const state = await waitFor(() => customerSync(second, partner, customer.id), allProvisioned, 'the sync to finish in the next process', 30_000);
    expect(state.users).toHaveLength(31);
    expect(cisco.duplicateCreates()).toBe(0);
  });
});
