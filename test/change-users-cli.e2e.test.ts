import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aMeetingsUser, anAmsterdamNumber, aTemplateInput, aUser } from './support/factories';
import { useTestServer } from './support/fixture';

/** `npm run cli -- update-users | remove-users`: one call per file, errors on their CSV line and column, exit codes, one JSON line. */
const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const fixture = useTestServer();

function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? newest(full) : statSync(full).mtimeMs;
  }));
}

/** The CLI runs from dist/ (as `npm run cli` does): compile only when a source is newer than the build. */
async function ensureBuilt(): Promise<void> {
  const built = path.join(root, 'dist/server/src/cli/change-users.js');
  // The CSV reader (packages/csv-users) is a package the CLI requires at run time: the global setup builds it.
  const sources = newest(path.join(root, 'server/src'));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}

async function cli(command: string, ...args: string[]) {
  const env = { ...process.env, DATABASE_URL: fixture.server.databaseUrl, LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await run('node', ['dist/server/src/cli/main.js', command, ...args], { cwd: root, env, timeout: 45_000, killSignal: 'SIGKILL' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run cli -- update-users / remove-users', () => {
  let templateId: string;
  beforeAll(async () => {
    await ensureBuilt();
    templateId = (await fixture.partner.client.createTemplate(aTemplateInput(fixture.partner))).id;
  }, 120_000);

  async function aCustomer() {
    const hub = fixture.partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
    const { users } = await hub.setupCustomer({ customerId: customer.id, users: [
      aUser({ package: 'WEBEX_SUITE', extension: '2001' }), aUser({ package: 'WEBEX_SUITE', extension: '2002' }), aMeetingsUser(),
    ] });
    const admin = (await hub.customerUsers(customer.id, { filter: { search: customer.adminEmail } }))!.edges[0].node;
    return { customer, users, admin };
  }

  const usersOf = async (customerId: string) =>
    new Map((await fixture.partner.client.customerUsers(customerId, { first: 100 }))!.edges.map((e) => [e.node.id, e.node]));

  const write = (name: string, lines: string[]) => {
    const file = path.join(fixture.server.dir, name);
    writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };

  it('update-users: a dry run, then the call; empty cells keep, "-" clears, two users swap numbers', async () => {
    const { customer, users: [eva, piet] } = await aCustomer();
    const file = write('changes.csv', [
      'User ID,First Name,Phone,Ext',
      `${eva.id},Evelien,${piet.phoneNumber},`,
      `${piet.id},,${eva.phoneNumber},-`,
    ]);
    const dry = await cli('update-users', '--customer-id', customer.id, '--file', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ rows: 2, updated: 0, dryRun: true, errors: [] });
    expect((await usersOf(customer.id)).get(eva.id)!.firstName).toBe(eva.firstName);

    const real = await cli('update-users', '--customer-id', customer.id, '--file', file);
    expect(real.code).toBe(0);
    expect(real.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(real.stdout)).toEqual({ rows: 2, updated: 2, dryRun: false, errors: [] });
    const after = await usersOf(customer.id);
    expect(after.get(eva.id)).toMatchObject({ firstName: 'Evelien', phoneNumber: piet.phoneNumber, extension: '2001' });
    expect(after.get(piet.id)).toMatchObject({ firstName: piet.firstName, phoneNumber: eva.phoneNumber, extension: null });
  });

  it('update-users: every error on its exact line and column, exit 1, nothing written', async () => {
    const { customer, users: [eva, piet, meetings] } = await aCustomer();
    const file = write('bad-changes.csv', [
      'id,email,package,phoneNumber',
      `${eva.id},eva-new@devries.example,,`,
      '',
      `${piet.id},not-an-address,,`,
      `${meetings.id},,WEBEX_CALLING,${anAmsterdamNumber()}`,
      `${meetings.id},,NO_SUCH_PACKAGE,`,
      'nobody,,,',
    ]);
    const result = await cli('update-users', '--customer-id', customer.id, '--file', file);
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout);
    expect(output.updated).toBe(0);
    expect(output.errors.map((e: { line: number; column: string; code: string }) => [e.line, e.column, e.code])).toEqual([
      [4, 'email', 'INVALID'], [6, 'package', 'INVALID'], [7, 'id', 'NOT_FOUND'],
    ]);
    expect((await usersOf(customer.id)).get(eva.id)!.email).toBe(eva.email);

    const noId = await cli('update-users', '--customer-id', customer.id, '--file', write('no-id.csv', ['email', 'x@devries.example']));
    expect(noId.code).toBe(1);
    expect(JSON.parse(noId.stdout).errors).toEqual([expect.objectContaining({ line: 1, column: 'id', code: 'REQUIRED' })]);

    const unknown = await cli('update-users', '--customer-id', 'nope', '--file', file);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('no customer with id nope');
  });

  it('remove-users: refuses the full administrator on its line, then removes the others', async () => {
    const { customer, users: [eva, piet], admin } = await aCustomer();
    const bad = await cli('remove-users', '--customer-id', customer.id, '--file', write('remove-bad.csv', ['userId', eva.id, admin.id]));
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ rows: 2, removed: 0, dryRun: false, errors: [expect.objectContaining({ line: 3, column: 'userId', code: 'NOT_ALLOWED' })] });
    expect((await usersOf(customer.id)).size).toBe(4);

    const file = write('remove.csv', ['id', eva.id, piet.id]);
    const dry = await cli('remove-users', '--customer-id', customer.id, '--file', file, '--dry-run');
    expect(JSON.parse(dry.stdout)).toEqual({ rows: 2, removed: 0, dryRun: true, errors: [] });
    expect((await usersOf(customer.id)).size).toBe(4);
    const real = await cli('remove-users', '--customer-id', customer.id, '--file', file);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toEqual({ rows: 2, removed: 2, dryRun: false, errors: [] });
    expect([...(await usersOf(customer.id)).keys()]).not.toContain(eva.id);
    const events = await fixture.partner.client.auditEvents({ first: 1 });
    expect(events.edges[0].node.operation).toBe('removeUsers');
  });

  it('--admin-id: the call acts and is audited as that admin of the customer’s partner', async () => {
    const { customer, users: [eva] } = await aCustomer();
    const file = write('rename.csv', ['id,firstName', `${eva.id},Named`]);
    const result = await cli('update-users', '--customer-id', customer.id, '--file', file, '--admin-id', fixture.partner.adminId);
    expect(result.code).toBe(0);
    const [event] = (await fixture.partner.client.auditEvents({ first: 1 })).edges;
    expect(event.node).toMatchObject({ operation: 'updateUsers', admin: { id: fixture.partner.adminId } });
    const unknown = await cli('remove-users', '--customer-id', customer.id, '--file', file, '--admin-id', 'nobody');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no admin with id nobody');
  });
});
