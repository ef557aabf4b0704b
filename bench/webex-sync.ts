import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 = require('better-sqlite3');
import { startWebexStandIn } from '../test/support/webex-stand-in';
import { customerInput, nlLocation } from './fixtures';
import { printTable, round, startServerProcess } from './support';

export interface WebexBenchResult {
  users: number;
  /** From setupCustomer's answer until every user is PROVISIONED at the stand-in. */
  secondsToProvisioned: number;
  usersPerSecond: number;
  /** The server process's CPU time over that window, per user (the connector's own overhead: requests, state writes, polling). */
  serverCpuMsPerUser: number;
  requestsToCisco: number;
  duplicateCreates: number;
  contractViolations: number;
  settings: Record<string, string>;
}

const CLI = path.join(__dirname, '..', 'server', 'src', 'cli', 'main.js');
/** Cisco's published spec, beside the repository (`dist/bench` → the repository root → `../shared`). */
const SPEC_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'webex-openapi');

async function gql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const response = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json() as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  const payload = Object.values(body.data)[0] as any;
  if (payload?.userErrors?.length) throw new Error(JSON.stringify(payload.userErrors).slice(0, 1000));
  return payload;
}

/**
 * How long `users` users take to reach PROVISIONED against the Webex stand-in (no injected faults,
 * answers as fast as loopback allows), and the server's CPU time per user over that time. One
 * server process (production mode, SQLite file); its state is read from the database file, so
 * watching costs the server nothing.
 */
export async function benchWebexSync(users: number): Promise<WebexBenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'provisioning-bench-webex-'));
  const cisco = await startWebexStandIn({ provisioningPolls: 1, specDir: SPEC_DIR });
  const dbFile = path.join(dir, 'webex.sqlite');
  const settings = {
    WEBEX_API_URL: cisco.url, WEBEX_TOKEN_KEY: 'bench-webex-token-key-0123456789abcdef',
    WEBEX_CLIENT_ID: cisco.clientId, WEBEX_CLIENT_SECRET: cisco.clientSecret,
    WEBEX_POLL_INTERVAL_MS: '100', WEBEX_WORKER_INTERVAL_MS: '100',
  };
  const server = await startServerProcess({ dbFile, env: settings });
  try {
    const partner = JSON.parse(execFileSync(process.execPath, [CLI, 'create-partner', '--name', 'Bench Webex', '--admin-email', 'noc@bench-webex.example', '--subscription', 'Sub100452'],
      { env: { ...process.env, DATABASE_URL: `sqlite:${dbFile}`, LOG_LEVEL: 'warn' }, encoding: 'utf8' }));
    const tokens = cisco.issueToken({ label: 'bench' });
    await gql(server.url, partner.token, 'mutation ($i: ConnectWebexInput!) { connectWebex(input: $i) { userErrors { code message } } }',
      { i: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken } });
    cisco.registerProvisioningId('bench-provisioning-id');
    const template = await gql(server.url, partner.token, 'mutation ($i: CreateTemplateInput!) { createTemplate(input: $i) { template { id } userErrors { code message } } }',
      { i: { name: 'Bench Webex', countryCode: 'NL', serviceProviderAdminId: partner.adminId, subscriptionId: partner.subscriptionIds[0], brandName: 'Bench', webexProvisioningId: 'bench-provisioning-id' } });
    const customer = await gql(server.url, partner.token, 'mutation ($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id adminEmail } userErrors { code message } } }',
      { i: { ...customerInput(template.template.id, 1), package: 'WEBEX_SUITE' } });
    const customerId: string = customer.customer.id;
    const db = new BetterSqlite3(dbFile, { readonly: true });
    const status = db.prepare('SELECT status FROM webex_sync WHERE id = ?').pluck();
    const provisioned = db.prepare(`SELECT COUNT(*) FROM webex_sync WHERE "customerId" = ? AND kind = 'USER' AND status = 'PROVISIONED'`).pluck();
    const failed = db.prepare(`SELECT COUNT(*) FROM webex_sync WHERE "customerId" = ? AND status = 'FAILED'`).pluck();
    const waitUntil = async (done: () => boolean, what: string) => {
      const deadline = performance.now() + 600_000;
      while (!done()) {
        if (failed.get(customerId) as number > 0) throw new Error(`bench: an object FAILED while waiting for ${what}`);
        if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      await waitUntil(() => status.get(customerId) === 'PROVISIONED', 'the customer');
      const rows = [{ firstName: 'Admin', lastName: 'Bench', email: customer.customer.adminEmail, package: 'WEBEX_SUITE', extension: '1000' }];
      for (let i = 0; i < users - 1; i++) {
        rows.push(i % 4 === 3
          ? { firstName: `First${i}`, lastName: `Last${i}`, email: `user${i}@bench-webex.example`, package: 'WEBEX_MEETINGS' } as never
          : { firstName: `First${i}`, lastName: `Last${i}`, email: `user${i}@bench-webex.example`, package: 'WEBEX_CALLING', extension: String(10_000 + i) });
      }
      await gql(server.url, partner.token, 'mutation ($i: SetupCustomerInput!) { setupCustomer(input: $i) { userErrors { code field message } } }',
        { i: { customerId, locations: [nlLocation('Second office', 1)], users: rows } });
      const cpuBefore = server.cpuMs();
      const started = performance.now();
      await waitUntil(() => (provisioned.get(customerId) as number) >= users, `${users} users`);
      const seconds = (performance.now() - started) / 1000;
      const cpuMs = server.cpuMs() - cpuBefore;
      return {
        users, secondsToProvisioned: round(seconds), usersPerSecond: round(users / seconds, 0), serverCpuMsPerUser: round(cpuMs / users, 3),
        requestsToCisco: cisco.requests.length, duplicateCreates: cisco.duplicateCreates(), contractViolations: cisco.contractViolations.length,
        settings: { WEBEX_CONCURRENCY: process.env.WEBEX_CONCURRENCY ?? '4 (default)', WEBEX_POLL_INTERVAL_MS: settings.WEBEX_POLL_INTERVAL_MS, database: 'SQLite file' },
      };
    } finally {
      db.close();
    }
  } finally {
    await server.stop();
    await cisco.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printWebexBench(result: WebexBenchResult): void {
  printTable(`Webex sync (${result.users} users against the stand-in, no faults; one server process)`, ['figure', 'value'], [
    ['time to PROVISIONED (s)', result.secondsToProvisioned],
    ['users per second', result.usersPerSecond],
    ['server CPU ms per user', result.serverCpuMsPerUser.toFixed(3)],
    ['requests to Cisco', result.requestsToCisco],
    ['duplicate creates', result.duplicateCreates],
    ['contract violations', result.contractViolations],
  ]);
}

if (require.main === module) {
  benchWebexSync(Number(process.env.BENCH_WEBEX_USERS ?? 1000)).then((result) => {
    printWebexBench(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }, (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
