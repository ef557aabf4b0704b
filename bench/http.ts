import path from 'node:path';
import { customerInput, BaseDatabase } from './fixtures';
import { copyDatabase, median, startServerProcess } from './support';

// autocannon ships no types; only run() below touches it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface ScenarioFigures {
  reqPerSec: number;
  /** Server CPU time per request: steadier than req/s when other processes share the cores. */
  serverCpuMsPerRequest: number;
  cpuVsTypename: number;
  p50Ms: number;
  p99Ms: number;
  /** Median over rounds of (this scenario's req/s ÷ { __typename }'s req/s in the same round). */
  throughputVsTypename: number;
  p50VsTypename: number;
  p99VsTypename: number;
  rounds: { reqPerSec: number; p50Ms: number; p99Ms: number; serverCpuMsPerRequest: number }[];
}

export interface HttpResult {
  connections: number;
  secondsPerRun: number;
  rounds: number;
  scenarios: Record<string, ScenarioFigures>;
  server: { peakRssMb: number; startupMs: number };
}

const CUSTOMERS_PAGE = `query Customers { customers(first: 20) { edges { node { id companyName status headquarters { id name address { city countryCode } } } } } }`;
const CREATE_CUSTOMER = `mutation CreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id status headquarters { id name } } userErrors { code field message } } }`;

/**
 * P4: autocannon against the real server (rate limit off), three scenarios run round-robin so
 * each round's ratios compare figures taken moments apart.
 */
export async function benchHttp(base: BaseDatabase, dir: string, options: { connections: number; seconds: number; rounds: number }): Promise<HttpResult> {
  const server = await startServerProcess({ dbFile: copyDatabase(base.file, path.join(dir, 'p4.sqlite')) });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${base.token}` };
  let counter = 0;
  const createBody = () => {
    counter += 1;
    return JSON.stringify({ query: CREATE_CUSTOMER, variables: { input: { ...customerInput(base.templateId, 1_000_000 + counter), adminEmail: `p4-${counter}-${process.pid}@bench.example` } } });
  };
  const scenarios: Record<string, () => Record<string, unknown>> = {
    '{ __typename }': () => ({ body: JSON.stringify({ query: '{ __typename }' }) }),
    createCustomer: () => ({ requests: [{ method: 'POST', setupRequest: (request: Record<string, unknown>) => ({ ...request, body: createBody() }) }] }),
    'customers(first: 20)': () => ({ body: JSON.stringify({ query: CUSTOMERS_PAGE }) }),
  };

  // Correctness first: each scenario answers without errors (createCustomer without userErrors).
  for (const [name, make] of Object.entries(scenarios)) {
    const spec = make();
    const body = (spec.body as string | undefined) ?? createBody();
    const response = await fetch(server.url, { method: 'POST', headers, body });
    const json = await response.json() as { errors?: unknown; data?: { createCustomer?: { userErrors: unknown[] } } };
    if (response.status !== 200 || json.errors || json.data?.createCustomer?.userErrors.length) {
      throw new Error(`${name} does not answer cleanly: ${JSON.stringify(json).slice(0, 500)}`);
    }
  }

  const run = (make: () => Record<string, unknown>, seconds: number) => autocannon({
    url: server.url, method: 'POST', headers, connections: options.connections, duration: seconds, ...make(),
  });
  // Warm-up: JIT, statement caches, and at least 20 customers for the list.
  for (const make of Object.values(scenarios)) await run(make, 2);

  const perRound: Record<string, { reqPerSec: number; p50Ms: number; p99Ms: number; serverCpuMsPerRequest: number }[]> = {};
  for (let round = 0; round < options.rounds; round++) {
    const names = Object.keys(scenarios);
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      const cpuBefore = server.cpuMs();
      const result = await run(scenarios[name], options.seconds);
      const serverCpuMsPerRequest = (server.cpuMs() - cpuBefore) / Math.max(result.requests.total, 1);
      (perRound[name] ??= [])[round] = {
        reqPerSec: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, serverCpuMsPerRequest,
      };
      process.stdout.write(`  P4 round ${round + 1} ${name}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, server CPU ${serverCpuMsPerRequest.toFixed(2)} ms/request\n`);
      if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    }
  }
  const peakRssMb = server.peakRssMb();
  await server.stop();

  const baseline = perRound['{ __typename }'];
  const figures: Record<string, ScenarioFigures> = {};
  for (const [name, rounds] of Object.entries(perRound)) {
    figures[name] = {
      reqPerSec: median(rounds.map((r) => r.reqPerSec)),
      p50Ms: median(rounds.map((r) => r.p50Ms)),
      p99Ms: median(rounds.map((r) => r.p99Ms)),
      serverCpuMsPerRequest: median(rounds.map((r) => r.serverCpuMsPerRequest)),
      cpuVsTypename: median(rounds.map((r, i) => r.serverCpuMsPerRequest / baseline[i].serverCpuMsPerRequest)),
      throughputVsTypename: median(rounds.map((r, i) => r.reqPerSec / baseline[i].reqPerSec)),
      p50VsTypename: median(rounds.map((r, i) => r.p50Ms / Math.max(baseline[i].p50Ms, 1))),
      p99VsTypename: median(rounds.map((r, i) => r.p99Ms / Math.max(baseline[i].p99Ms, 1))),
      rounds,
    };
  }
  return { connections: options.connections, secondsPerRun: options.seconds, rounds: options.rounds, scenarios: figures, server: { peakRssMb, startupMs: server.startupMs } };
}

export interface StartupResult {
  repetitions: number;
  serverMs: number[];
  bareNodeMs: number[];
  medianServerMs: number;
  medianBareNodeMs: number;
  ratio: number;
}

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.HOST)`;

/**
 * Start-up: spawn → first 200 of /healthz on a migrated database, against a bare Node HTTP server
 * started the same way (interleaved): the ratio is what the application adds to Node itself.
 */
export async function benchStartup(base: BaseDatabase, dir: string, repetitions: number): Promise<StartupResult> {
  const serverMs: number[] = [];
  const bareNodeMs: number[] = [];
  for (let rep = 0; rep < repetitions; rep++) {
    const bare = await startServerProcess({ script: ['-e', BARE_SERVER] });
    bareNodeMs.push(bare.startupMs);
    await bare.stop();
    const server = await startServerProcess({ dbFile: copyDatabase(base.file, path.join(dir, `startup-${rep}.sqlite`)) });
    serverMs.push(server.startupMs);
    await server.stop();
  }
  return {
    repetitions, serverMs, bareNodeMs, medianServerMs: median(serverMs), medianBareNodeMs: median(bareNodeMs),
    ratio: median(serverMs) / median(bareNodeMs),
  };
}

/**
 * P4 alone (`node dist/bench/http.js` after `npm run build:server`): the createCustomer and
 * customers(first: 20) figures against `{ __typename }` without the rest of `npm run bench`.
 * BENCH_HTTP_SECONDS, BENCH_HTTP_ROUNDS as in bench/run.ts.
 */
if (require.main === module) {
  void (async () => {
    require('reflect-metadata');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const { prepareBase } = await import('./fixtures');
    const { printTable, round } = await import('./support');
    const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'provisioning-bench-http-'));
    try {
      const base = await prepareBase(path.join(dir, 'base.sqlite'), 12);
      const p4 = await benchHttp(base, dir, { connections: 10, seconds: env('BENCH_HTTP_SECONDS', 5), rounds: env('BENCH_HTTP_ROUNDS', 5) });
      printTable(`P4 HTTP (10 connections; medians of ${p4.rounds} rounds × ${p4.secondsPerRun} s)`, ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'req/s vs typename', 'server CPU ms/req', 'CPU vs typename'],
        Object.entries(p4.scenarios).map(([name, s]) => [name, Math.round(s.reqPerSec), s.p50Ms, s.p99Ms, round(s.throughputVsTypename).toFixed(2),
          round(s.serverCpuMsPerRequest, 3).toFixed(3), round(s.cpuVsTypename).toFixed(2)]));
    } catch (error) {
      process.stderr.write(`${(error as Error).stack ?? error}\n`);
      process.exitCode = 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
}
