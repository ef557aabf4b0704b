import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..');

/**
 * What a user writes after `npm install @wholesale-provisioning/sdk`: plain ESM JavaScript, no
 * TypeScript, no test harness. It prints one JSON line for the test to check.
 */
const CONSUMER_SCRIPT = `
import { createClient, importUsersFromCsv, ProvisioningError, GraphQLRequestError } from '@wholesale-provisioning/sdk';

const hub = createClient({ url: process.env.HUB_URL, token: process.env.HUB_TOKEN });
const { partner } = await hub.viewer();
const template = await hub.createTemplate({
  name: 'Packaged SDK ' + Date.now(), countryCode: 'NL', brandName: 'Acme Telecom',
  serviceProviderAdminId: partner.admins[0].id, subscriptionId: partner.subscriptions[0].id,
});
const customer = await hub.createCustomer({
  provisioningId: template.provisioningId, companyName: 'Bakkerij de Vries', adminEmail: 'IT@devries-pkg.example',
  package: 'WEBEX_CALLING', supportedLocationConfirmed: true,
  headquarters: { name: 'Amsterdam', timeZone: 'Europe/Amsterdam',
    address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'NL' } },
});
const setup = await hub.setupCustomer({ customerId: customer.id, users: [
  { firstName: 'Eva', lastName: 'de Vries', email: 'eva@devries-pkg.example', package: 'WEBEX_CALLING', phoneNumber: '+31 (20) 794-8000' },
] });

let refused = null;
try {
  await hub.setupCustomer({ customerId: customer.id, users: [
    { firstName: '', lastName: 'X', email: 'eva@devries-pkg.example', package: 'WEBEX_MEETINGS', phoneNumber: '+31 20 794 8001' },
  ] });
} catch (error) {
  refused = {
    isProvisioningError: error instanceof ProvisioningError, name: error.name, operation: error.operation,
    userErrors: error.userErrors.map((e) => e.code + ':' + e.field.join('.')).sort(),
  };
}

// csv-parse's browser build, as the packaged SDK loads it in plain Node
const csv = await importUsersFromCsv(hub, customer.id,
  'First Name,Last Name,Email,Package,Phone,Notes\\r\\nJoost,Bakker,joost@devries-pkg.example,WEBEX_CALLING,+31 20 794 8002,"two\\r\\nlines"\\r\\n'
  + 'Anna,Bakker,anna@devries-pkg.example,WEBEX_CALLING,+31 20 794 8003,\\r\\n');
const malformed = await importUsersFromCsv(hub, customer.id, 'firstName,lastName,email,package\\nAnn,"Open,ann@devries-pkg.example,WEBEX_CALLING\\n');

let unauthenticated = null;
try {
  await createClient({ url: process.env.HUB_URL, token: 'not-a-token' }).viewer();
} catch (error) {
  unauthenticated = { isGraphQLRequestError: error instanceof GraphQLRequestError, code: error.code, status: error.status };
}

console.log(JSON.stringify({
  provisioningId: template.provisioningId,
  customer: { id: customer.id, adminEmail: customer.adminEmail, status: customer.status, templateId: customer.template.id },
  templateId: template.id,
  setup: { status: setup.customer.status, users: setup.users.map((u) => ({ email: u.email, phoneNumber: u.phoneNumber })) },
  refused,
  csv: { imported: csv.imported, errors: csv.errors },
  malformed: malformed.errors.map((e) => [e.line, e.column, e.code]),
  unauthenticated,
}));
`;

describe('the SDK as a user installs it (npm pack → npm install → plain .mjs)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let dir: string;

  const fixture = useTestServer();
  beforeAll(async () => {
    server = fixture.server;
    partner = fixture.partner;
    // Outside the repository, so nothing resolves through the workspace's node_modules.
    dir = mkdtempSync(path.join(tmpdir(), 'sdk-consumer-'));
    // prepack builds the SDK (tsc) before packing.
    await run('npm', ['pack', '--workspace', 'sdk', '--pack-destination', dir, '--silent'], { cwd: repoRoot, timeout: 120_000 });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no .tgz in ${dir}`);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }));
    await run('npm', ['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, timeout: 120_000 });
    writeFileSync(path.join(dir, 'provision.mjs'), CONSUMER_SCRIPT);
  }, 240_000);

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('packs only the built files and a package.json that resolves without the repository', async () => {
    const { stdout } = await run('npm', ['ls', '--json', '--all'], { cwd: dir });
    const tree = JSON.parse(stdout);
    expect(Object.keys(tree.dependencies)).toEqual(['@wholesale-provisioning/sdk']);
    expect(tree.dependencies['@wholesale-provisioning/sdk'].dependencies.graphql.version).toMatch(/^16\./);
    expect(tree.dependencies['@wholesale-provisioning/sdk'].dependencies['csv-parse'].version).toMatch(/^7\./);
    const files = readdirSync(path.join(dir, 'node_modules', '@wholesale-provisioning', 'sdk', 'dist'));
    expect(files).toContain('index.js');
    expect(files).toContain('index.d.ts');
    expect(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
    // No source maps: they would point at src/*.ts, which the package does not ship.
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    // package.json's "files" lists README.md: the package's own page ships with it
    expect(readdirSync(path.join(dir, 'node_modules', '@wholesale-provisioning', 'sdk'))).toContain('README.md');
  });

  it('runs createTemplate → createCustomer → setupCustomer from a plain .mjs script and surfaces user errors', async () => {
    // async: the server answering the script runs in this process, so the event loop must stay free
    const { stdout } = await run(process.execPath, ['provision.mjs'], {
      cwd: dir, timeout: 60_000, env: { ...process.env, HUB_URL: server.url, HUB_TOKEN: partner.token },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.provisioningId).toMatch(/^[A-Za-z0-9_-]{12,}$/);
    expect(result.customer).toMatchObject({ adminEmail: 'it@devries-pkg.example', status: 'PENDING_SETUP', templateId: result.templateId });
    expect(result.setup).toEqual({ status: 'ACTIVE', users: [{ email: 'eva@devries-pkg.example', phoneNumber: '+31207948000' }] });
    expect(result.refused).toEqual({
      isProvisioningError: true, name: 'ProvisioningError', operation: 'setupCustomer',
      userErrors: ['NOT_ALLOWED:input.users.0.package', 'NOT_ALLOWED:input.users.0.phoneNumber', 'REQUIRED:input.users.0.firstName', 'TAKEN:input.users.0.email'],
    });
    expect(result.csv).toEqual({ imported: 2, errors: [] });
    expect(result.malformed).toEqual([[2, 'lastName', 'INVALID']]);
    expect(result.unauthenticated).toEqual({ isGraphQLRequestError: true, code: 'UNAUTHENTICATED', status: 401 });

    // the script's writes are real: the customer is there for the partner
    const customer = await partner.client.customer(result.customer.id);
    expect(customer).toMatchObject({ status: 'ACTIVE', template: { provisioningId: result.provisioningId } });
    const users = (await partner.client.customerUsers(result.customer.id, { first: 10 }))!.edges.map((e) => e.node.email).sort();
    expect(users).toEqual(['anna@devries-pkg.example', 'eva@devries-pkg.example', 'it@devries-pkg.example', 'joost@devries-pkg.example']);
  });
});
