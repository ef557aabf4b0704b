import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError } from '../sdk/src/index';
import { ApiToken } from '../server/src/partners/api-token.entity';
import { aCustomerInput, aTemplateInput, unique } from './support/factories';
import { ROOT } from './support/server-process';
import type { TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const CLI = path.join(ROOT, 'dist/server/src/cli/main.js');

/** The operators' CLI of domain.md §14, run as a process on the test server's database. */
describe('operators’ CLI: admins and tokens', () => {
  let server: TestServer;

  // lastUsedAt is flushed every 5 minutes by default; list-tokens is checked within the test.
  const fixture = useTestServer({ partners: 0, overrides: { tokenUsageFlushMs: 50 } });
  beforeAll(() => {
    server = fixture.server;
  });

  function cli(...args: string[]): Promise<{ code: number; json: any; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], {
        cwd: server.dir, env: { ...process.env, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'warn' }, timeout: 45_000,
      }, (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
        let json: unknown = null;
        try { json = stdout.trim() ? JSON.parse(stdout) : null; } catch { json = null; }
        resolve({ code, json, stdout, stderr });
      });
    });
  }
  const ok = async (...args: string[]) => {
    const result = await cli(...args);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    return result.json;
  };
  const hub = (token: string) => createClient({ url: server.url, token });
  const adminEmails = async (token: string) => (await hub(token).viewer()).partner.admins.map((a) => a.email).sort();

  it('help and --help list every command on stdout; an unknown command or flag exits 2', async () => {
    for (const flag of ['help', '--help']) {
      const { code, stdout } = await cli(flag);
      expect(code).toBe(0);
      for (const command of ['create-partner', 'create-admin', 'list-admins', 'disable-admin', 'create-token', 'list-tokens', 'revoke-token', 'import-users']) {
        expect(stdout).toContain(command);
      }
      expect(stdout).toContain('--display-name');
      expect(stdout).toContain('--expires-in-days');
      expect(stdout).toContain('--token-id');
    }
    expect((await cli('toString')).code).toBe(2);
    const unknownFlag = await cli('list-admins', '--partner', 'x');
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stdout).toBe('');
  });

  it('create-admin takes --display-name and refuses an email the partner already has (exit 2); list-admins lists them', async () => {
    const partner = await ok('create-partner', '--name', unique('Ops '), '--admin-email', 'noc@ops.example');
    const viewer = await ok('create-admin', '--partner-id', partner.partnerId, '--email', 'Viewer@ops.example', '--role', 'READ_ONLY', '--display-name', 'Vera Viewer');
    expect(viewer).toEqual({ adminId: expect.any(String), token: expect.stringMatching(/^wpt_/) });
    const duplicate = await cli('create-admin', '--partner-id', partner.partnerId, '--email', 'viewer@OPS.example', '--role', 'FULL_ADMIN');
    expect(duplicate.code).toBe(2);
    expect(duplicate.stdout).toBe('');
    expect(duplicate.stderr).toContain('already has an admin with email viewer@ops.example');
    // The CLI checks its own flags and names them (the service's rules speak of admins, not flags).
    const badRole = await cli('create-admin', '--partner-id', partner.partnerId, '--email', 'x@ops.example', '--role', 'OWNER');
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of FULL_ADMIN, READ_ONLY (got "OWNER")');
    const reserved = await cli('create-admin', '--partner-id', partner.partnerId, '--email', 'cli-import@system.invalid', '--role', 'FULL_ADMIN');
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('--email: @system.invalid addresses are reserved');
    const notAnEmail = await cli('create-partner', '--name', 'Nope', '--admin-email', 'noc.ops.example');
    expect(notAnEmail.code).toBe(2);
    expect(notAnEmail.stderr).toContain('--admin-email must be an email address (got "noc.ops.example")');

    const { admins } = await ok('list-admins', '--partner-id', partner.partnerId);
    expect(admins).toEqual([
      { id: partner.adminId, email: 'noc@ops.example', displayName: 'noc', role: 'FULL_ADMIN', createdAt: expect.any(String), disabledAt: null },
      { id: viewer.adminId, email: 'viewer@ops.example', displayName: 'Vera Viewer', role: 'READ_ONLY', createdAt: expect.any(String), disabledAt: null },
    ]);
    expect((await hub(viewer.token).viewer()).displayName).toBe('Vera Viewer');
    expect((await cli('list-admins', '--partner-id', 'nope')).code).toBe(2);
  });

  it('disable-admin: its tokens stop working at once, it leaves viewer’s list and cannot be a template’s admin', async () => {
    const partner = await ok('create-partner', '--name', unique('Ops '), '--admin-email', 'noc@ops2.example');
    const leaving = await ok('create-admin', '--partner-id', partner.partnerId, '--email', 'leaving@ops2.example', '--role', 'FULL_ADMIN');
    expect(await adminEmails(partner.token)).toEqual(['leaving@ops2.example', 'noc@ops2.example']);
    expect((await hub(leaving.token).viewer()).email).toBe('leaving@ops2.example');

    expect(await ok('disable-admin', '--admin-id', leaving.adminId)).toEqual({ adminId: leaving.adminId, disabled: true });
    const refused = await hub(leaving.token).viewer().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GraphQLRequestError);
    expect((refused as GraphQLRequestError).code).toBe('UNAUTHENTICATED');
    expect(await adminEmails(partner.token)).toEqual(['noc@ops2.example']);
    const { admins } = await ok('list-admins', '--partner-id', partner.partnerId);
    expect(admins.find((a: { id: string }) => a.id === leaving.adminId).disabledAt).toEqual(expect.any(String));

    const viewer = await hub(partner.token).viewer();
    const template = await hub(partner.token).payloads.createTemplate({
      ...aTemplateInput({ ...partner, client: hub(partner.token) }, { subscriptionId: viewer.partner.subscriptions[0].id }),
      serviceProviderAdminId: leaving.adminId,
    });
    expect(template.userErrors.map((e) => [e.code, e.field.join('.')])).toEqual([['NOT_FOUND', 'input.serviceProviderAdminId']]);
    // No new token for a disabled admin, and disabling again changes nothing.
    expect((await cli('create-token', '--admin-id', leaving.adminId)).code).toBe(2);
    expect(await ok('disable-admin', '--admin-id', leaving.adminId)).toEqual({ adminId: leaving.adminId, disabled: true });
  });

  it('create-token --expires-in-days, list-tokens (never the token) and revoke-token --token-id', async () => {
    const partner = await ok('create-partner', '--name', unique('Ops '), '--admin-email', 'noc@ops3.example');
    const expiring = await ok('create-token', '--admin-id', partner.adminId, '--expires-in-days', '30');
    expect(expiring).toEqual({ token: expect.stringMatching(/^wpt_/), expiresAt: expect.any(String) });
    expect(Object.keys(await ok('create-token', '--admin-id', partner.adminId))).toEqual(['token']); // §10's answer without an expiry
    const days = (Date.parse(expiring.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    for (const bad of ['0', '-1', '1.5', 'soon', '3651']) expect((await cli('create-token', '--admin-id', partner.adminId, '--expires-in-days', bad)).code).toBe(2);

    await hub(expiring.token).viewer(); // used once: lastUsedAt is noted, then written by the background flush
    let listed: any;
    for (let i = 0; i < 100; i += 1) {
      listed = await ok('list-tokens', '--admin-id', partner.adminId);
      expiring.tokenId = listed.tokens.find((t: { expiresAt: string | null }) => t.expiresAt === expiring.expiresAt).id;
      if (listed.tokens.find((t: { id: string }) => t.id === expiring.tokenId).lastUsedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(listed.tokens).toEqual([
      { id: expect.any(String), createdAt: expect.any(String), lastUsedAt: null, expiresAt: null, revokedAt: null },
      { id: expiring.tokenId, createdAt: expect.any(String), lastUsedAt: expect.any(String), expiresAt: expiring.expiresAt, revokedAt: null },
      { id: expect.any(String), createdAt: expect.any(String), lastUsedAt: null, expiresAt: null, revokedAt: null },
    ]);
    const raw = JSON.stringify(listed);
    expect(raw).not.toContain(partner.token);
    expect(raw).not.toContain(expiring.token);
    expect(raw).not.toContain('wpt_');

    // Once its expiry has passed the token no longer works (moved into the past here rather than waited for).
    const shortLived = await ok('create-token', '--admin-id', partner.adminId, '--expires-in-days', '1');
    expect((await hub(shortLived.token).viewer()).email).toBe('noc@ops3.example');
    await server.app.db.write((tx) => tx.update(ApiToken, { expiresAt: new Date(shortLived.expiresAt) }, { expiresAt: new Date(Date.now() - 1000) }));
    await expect(hub(shortLived.token).viewer()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    expect(await ok('revoke-token', '--token-id', expiring.tokenId)).toEqual({ revoked: true });
    await expect(hub(expiring.token).viewer()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await cli('revoke-token', '--token-id', expiring.tokenId)).code).toBe(2); // already revoked
    expect((await cli('revoke-token')).code).toBe(2);
    expect((await cli('revoke-token', '--token', partner.token, '--token-id', expiring.tokenId)).code).toBe(2);
    expect((await hub(partner.token).viewer()).email).toBe('noc@ops3.example');
  });

  it('import-users: the CLI identity is never a listed or nameable admin; --admin-id audits the import as that admin', async () => {
    const partner = await ok('create-partner', '--name', unique('Ops '), '--admin-email', 'noc@ops4.example');
    const client = hub(partner.token);
    const viewer = await client.viewer();
    const template = await client.createTemplate(aTemplateInput({ ...partner, client, subscriptionIds: viewer.partner.subscriptions.map((s) => s.id) }));
    const customer = await client.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_MEETINGS' }));
    const csv = (name: string) => {
      const file = path.join(server.dir, `${unique(name)}.csv`);
      writeFileSync(file, `firstName,lastName,email,package\nAnn,${name},${unique(name)}@ops4.example,WEBEX_MEETINGS\n`);
      return file;
    };

    // Without --admin-id: the CLI's system identity writes and is named in the audit trail…
    expect((await ok('import-users', '--customer-id', customer.id, '--file', csv('system'))).imported).toBe(1);
    const systemEvent = (await client.auditEvents({ first: 1 })).edges[0].node;
    expect(systemEvent).toMatchObject({ operation: 'setupCustomer', admin: { email: 'cli-import@system.invalid' } });
    // …but is no admin of the partner: not listed, not nameable on a template, not given tokens.
    expect(await adminEmails(partner.token)).toEqual(['noc@ops4.example']);
    const { admins } = await ok('list-admins', '--partner-id', partner.partnerId);
    expect(admins.map((a: { email: string }) => a.email)).toEqual(['noc@ops4.example']);
    const naming = await client.payloads.createTemplate(aTemplateInput({ ...partner, client, subscriptionIds: viewer.partner.subscriptions.map((s) => s.id) }, {
      serviceProviderAdminId: systemEvent.admin.id,
    }));
    expect(naming.userErrors.map((e) => [e.code, e.field.join('.')])).toEqual([['NOT_FOUND', 'input.serviceProviderAdminId']]);
    expect((await cli('create-token', '--admin-id', systemEvent.admin.id)).code).toBe(2);

    // With --admin-id: audited as that admin; another partner's, a READ_ONLY or a disabled admin is refused (exit 2).
    const operator = await ok('create-admin', '--partner-id', partner.partnerId, '--email', 'ops@ops4.example', '--role', 'FULL_ADMIN');
    expect((await ok('import-users', '--customer-id', customer.id, '--file', csv('named'), '--admin-id', operator.adminId)).imported).toBe(1);
    expect((await client.auditEvents({ first: 1 })).edges[0].node).toMatchObject({ operation: 'setupCustomer', admin: { id: operator.adminId } });
    const readOnly = await ok('create-admin', '--partner-id', partner.partnerId, '--email', 'ro@ops4.example', '--role', 'READ_ONLY');
    const stranger = await ok('create-partner', '--name', unique('Other '), '--admin-email', 'noc@other4.example');
    for (const adminId of [readOnly.adminId, stranger.adminId, systemEvent.admin.id, 'nope']) {
      const refused = await cli('import-users', '--customer-id', customer.id, '--file', csv('refused'), '--admin-id', adminId);
      expect(refused.code, adminId).toBe(2);
      expect(refused.stdout).toBe('');
    }
    await ok('disable-admin', '--admin-id', operator.adminId);
    expect((await cli('import-users', '--customer-id', customer.id, '--file', csv('disabled'), '--admin-id', operator.adminId)).code).toBe(2);
    expect((await client.customerUsers(customer.id))!.totalCount).toBe(3);
  }, 120_000);
});
