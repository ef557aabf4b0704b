import { beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../sdk/src/index';
import { PartnerAdminRole } from '../../server/src/partners/partner-admin.entity';
import { aCustomerInput, aTemplateInput, aUser } from '../support/factories';
import { type TestPartner, type TestServer } from '../support/test-server';
import { useTestServer } from '../support/fixture';
import { ALL_FAILPOINTS, FAILPOINTS } from './support';

/**
 * §8 Audit: every successful mutation records who, what and when in its own transaction; failed,
 * dry-run and faulted mutations record nothing; each partner sees its own trail, newest first.
 */
describe('audit trail', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;

  const fixture = useTestServer({ partners: 2, overrides: { failpoints: ALL_FAILPOINTS } });
  beforeAll(() => {
    server = fixture.server;
    [partner, other] = fixture.partners;
  });

  it('records each successful mutation with its admin, operation, target ids and time; nothing for failures, dry runs or faults', async () => {
    const hub = partner.client;
    const second = await server.app.services.partners.createAdmin({
      partnerId: partner.partnerId, email: `second.${Date.now()}@audit.example`, role: PartnerAdminRole.FULL_ADMIN,
    });
    const secondHub = createClient({ url: server.url, token: second.token });
    const count = async () => (await hub.auditEvents({ first: 1 })).totalCount;
    expect(await count()).toBe(0);

    const before = Date.now();
    const template = await hub.createTemplate(aTemplateInput(partner));
    const customer = await secondHub.createCustomer(aCustomerInput(template.id));
    const setup = await hub.setupCustomer({ customerId: customer.id, users: [aUser(), aUser()] });
    expect(await count()).toBe(3);

    // Failures of every kind leave no event.
    const invalid = await hub.payloads.createCustomer(aCustomerInput(template.id, { supportedLocationConfirmed: false }));
    expect(invalid.userErrors.length).toBeGreaterThan(0);
    const dryTemplate = await hub.payloads.createTemplate({ ...aTemplateInput(partner), dryRun: true });
    expect(dryTemplate.template).not.toBeNull();
    await hub.payloads.createCustomer({ ...aCustomerInput(template.id), dryRun: true });
    await hub.payloads.setupCustomer({ customerId: customer.id, users: [aUser()], dryRun: true });
    const faulted = await server.post({
      query: 'mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) { userErrors { code } } }',
      variables: { input: { customerId: customer.id, users: [aUser()] } },
    }, { token: partner.token, headers: { 'x-failpoint': FAILPOINTS.beforeCommit } });
    expect(faulted.status).toBe(500); // the fault struck after the audit insert, inside the transaction
    expect(await count()).toBe(3);

    const page = await hub.auditEvents({ first: 10 });
    expect(page.edges.map((e) => e.node.operation)).toEqual(['setupCustomer', 'createCustomer', 'createTemplate']);
    const [setupEvent, createEvent, templateEvent] = page.edges.map((e) => e.node);
    expect(templateEvent).toMatchObject({ admin: { id: partner.adminId }, targetIds: [template.id] });
    expect(createEvent.admin.id).toBe(second.adminId);
    expect(createEvent.targetIds).toContain(customer.id);
    expect(createEvent.targetIds).toContain(customer.headquarters.id);
    expect(setupEvent.targetIds).toEqual(expect.arrayContaining([customer.id, ...setup.users.map((u) => u.id)]));
    for (const { node } of page.edges) {
      expect(Date.parse(node.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(node.at)).toBeLessThanOrEqual(Date.now() + 1000);
    }

    // Pagination: newest first, page by page, with no gaps or repeats.
    const first = await hub.auditEvents({ first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await hub.auditEvents({ first: 2, after: first.pageInfo.endCursor! });
    expect([...first.edges, ...rest.edges].map((e) => e.node.id)).toEqual(page.edges.map((e) => e.node.id));
    expect(rest.pageInfo.hasNextPage).toBe(false);

    // The other partner sees none of it, and its own events stay its own.
    expect((await other.client.auditEvents()).totalCount).toBe(0);
    await other.client.createTemplate(aTemplateInput(other));
    const others = await other.client.auditEvents();
    expect(others.totalCount).toBe(1);
    expect(others.edges[0].node.admin.id).toBe(other.adminId);
    expect(await count()).toBe(3);
    console.log('[audit] 3 successful mutations → 3 events (admin, operation, targetIds, at), newest first; '
      + 'a userError, 3 dry runs and an injected fault after the audit insert → 0 events; another partner sees 0 of them');
  });
});
