import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError } from '../sdk/src/index';
import { PartnerAdminRole } from '../server/src/partners/partner-admin.entity';
import { expectUserError, expectUserErrors } from './support/expect-user-error';
import { aCustomerInput, aTemplateInput, aUser } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

describe('tenancy: partner B sees and uses nothing of partner A', () => {
  let server: TestServer;
  let a: TestPartner;
  let b: TestPartner;
  let aTemplate: { id: string; provisioningId: string };
  let aCustomer: { id: string; adminEmail: string };
  let bTemplateId: string;

  const fixture = useTestServer({ partners: ['Partner A', 'Partner B'] });
  beforeAll(async () => {
    server = fixture.server;
    [a, b] = fixture.partners;
    aTemplate = await a.client.createTemplate(aTemplateInput(a));
    aCustomer = await a.client.createCustomer(aCustomerInput(aTemplate.id, { externalId: 'shared-crm-id' }));
    await a.client.setupCustomer({ customerId: aCustomer.id, users: [aUser()] });
    bTemplateId = (await b.client.createTemplate(aTemplateInput(b))).id;
  });

  it('templates: A’s are null by id and provisioning ID and absent from B’s list', async () => {
    expect(await b.client.template(aTemplate.id)).toBeNull();
    expect(await b.client.templateByProvisioningId(aTemplate.provisioningId)).toBeNull();
    const list = await b.client.templates({ first: 100 });
    expect(list.totalCount).toBe(1);
    expect(list.edges.map((e) => e.node.id)).toEqual([bTemplateId]);
  });

  it('createCustomer: A’s template id or provisioning ID is NOT_FOUND for B', async () => {
    expectUserError(await b.client.payloads.createCustomer(aCustomerInput(aTemplate.id)), 'NOT_FOUND', 'input', 'templateId');
    expectUserError(await b.client.payloads.createCustomer(aCustomerInput('', { templateId: undefined, provisioningId: aTemplate.provisioningId })),
      'NOT_FOUND', 'input', 'provisioningId');
    expect((await a.client.template(aTemplate.id))!.customerCount).toBe(1);
  });

  it('createTemplate: A’s admin and subscription are NOT_FOUND for B', async () => {
    const payload = await b.client.payloads.createTemplate(aTemplateInput(b, { serviceProviderAdminId: a.adminId, subscriptionId: a.subscriptionIds[0] }));
    expectUserErrors(payload, [['NOT_FOUND', 'input', 'serviceProviderAdminId'], ['NOT_FOUND', 'input', 'subscriptionId']]);
    expect(payload.template).toBeNull();
  });

  it('customers: A’s is null by id, absent from B’s list and its filters, and its users are out of reach', async () => {
    expect(await b.client.customer(aCustomer.id)).toBeNull();
    expect(await b.client.customerUsers(aCustomer.id)).toBeNull();
    expect(await b.client.customerLocations(aCustomer.id)).toBeNull();
    expect((await b.client.customers()).totalCount).toBe(0);
    expect((await b.client.customers({ filter: { externalId: 'shared-crm-id' } })).totalCount).toBe(0);
    expect((await b.client.customers({ filter: { search: aCustomer.adminEmail } })).totalCount).toBe(0);
    expect((await b.client.customers({ filter: { templateId: aTemplate.id } })).totalCount).toBe(0);
    expect((await a.client.customers()).totalCount).toBe(1);
  });

  it('setupCustomer: A’s customer is NOT_FOUND for B and nothing is written to it', async () => {
    const payload = await b.client.payloads.setupCustomer({ customerId: aCustomer.id, users: [aUser()] });
    expectUserError(payload, 'NOT_FOUND', 'input', 'customerId');
    expect(payload.customer).toBeNull();
    expect((await a.client.customerUsers(aCustomer.id))!.totalCount).toBe(2);
  });

  it('viewer shows only B’s own admins and subscriptions', async () => {
    const viewer = await b.client.viewer();
    expect(viewer.partner.admins.map((x) => x.id)).toEqual([b.adminId]);
    expect(viewer.partner.subscriptions.map((x) => x.id)).toEqual(b.subscriptionIds);
  });
});

describe('authentication', () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  const query = { query: '{ viewer { id } }' };

  it.each([
    ['no Authorization header', {}],
    ['an unknown token', { token: 'wsp_unknown_token_0000000000000000' }],
    ['an empty bearer', { headers: { authorization: 'Bearer ' } }],
    ['another scheme', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }],
  ])('refuses %s with UNAUTHENTICATED (401)', async (_label, options) => {
    for (const body of [query, { query: 'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } } }', variables: { input: aTemplateInput(partner) } }]) {
      const response = await server.post(body, options);
      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(response.body.data ?? null).toBeNull();
    }
  });

  it('accepts a valid token and the SDK surfaces a bad one as GraphQLRequestError', async () => {
    const ok = await server.post(query, { token: partner.token });
    expect(ok.status).toBe(200);
    expect(ok.body.data.viewer.id).toBe(partner.adminId);
    const error = await createClient({ url: server.url, token: `${partner.token}x` }).viewer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('a READ_ONLY admin may query but gets FORBIDDEN (403) on every mutation, writing nothing', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const { token } = await server.app.services.partners.createAdmin({
      partnerId: partner.partnerId, email: `reader.${Date.now()}@partner.example`, role: PartnerAdminRole.READ_ONLY,
    });
    const reader = server.client(token);
    expect((await reader.viewer()).role).toBe('READ_ONLY');
    expect((await reader.template(template.id))!.id).toBe(template.id);
    const attempts: Array<() => Promise<unknown>> = [
      () => reader.createTemplate(aTemplateInput(partner)),
      () => reader.createCustomer(aCustomerInput(template.id)),
      () => reader.setupCustomer({ customerId: template.id, users: [aUser()] }),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphQLRequestError);
      expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    }
    expect((await partner.client.templates()).totalCount).toBe(1);
    expect((await partner.client.customers()).totalCount).toBe(0);
  });

  it('an unauthenticated mutation writes nothing', async () => {
    const before = (await partner.client.templates()).totalCount;
    await server.post({ query: 'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } } }', variables: { input: aTemplateInput(partner) } });
    expect((await partner.client.templates()).totalCount).toBe(before);
  });
});
