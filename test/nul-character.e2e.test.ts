import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, expectUserErrors } from './support/expect-user-error';
import { aCustomerInput, aNewYorkLocation, aTemplateInput, aUser, unique } from './support/factories';
import { onPostgres, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const NUL = '\u0000';

/**
 * U+0000 in user text: PostgreSQL's text refuses it (22021) where SQLite stores it, so the fuzzer
 * found two 500s on PostgreSQL only (a template name, a provisioning ID lookup). Both engines now
 * answer alike: INVALID on the field for text to store, "nothing" for text to look up or search.
 */
describe(`NUL characters in user text (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('createTemplate and updateTemplate: INVALID on the field, nothing written', async () => {
    const hub = partner.client;
    const before = (await hub.templates()).totalCount;
    const created = await hub.payloads.createTemplate(aTemplateInput(partner, { name: `a${NUL}b`, brandName: `Acme${NUL}` }));
    expect(created.template).toBeNull();
    expectUserErrors(created, [['INVALID', 'input', 'name'], ['INVALID', 'input', 'brandName']]);
    expect(created.userErrors).toHaveLength(2);
    expect((await hub.templates()).totalCount).toBe(before);

    const template = await hub.createTemplate(aTemplateInput(partner));
    const updated = await hub.payloads.updateTemplate({ id: template.id, name: `x${NUL}` });
    expect(updated.template).toBeNull();
    expectUserError(updated, 'INVALID', 'input', 'name');
    expect((await hub.template(template.id))!.name).toBe(template.name);
  });

  it('templateByProvisioningId with a NUL answers null, not a 500', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    for (const provisioningId of [`a${NUL}b`, `${template.provisioningId}${NUL}`]) {
      const response = await server.post({
        query: 'query($p: String!) { templateByProvisioningId(provisioningId: $p) { id } }', variables: { p: provisioningId },
      }, { token: partner.token });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toEqual({ data: { templateByProvisioningId: null } });
    }
  });

  it('createCustomer: INVALID on companyName and externalId, NOT_FOUND for a provisioningId with a NUL; nothing written', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const before = (await hub.customers()).totalCount;
    const invalid = await hub.payloads.createCustomer(aCustomerInput(template.id, { companyName: `Bakkerij${NUL}`, externalId: `crm-${NUL}` }));
    expect(invalid.customer).toBeNull();
    expectUserErrors(invalid, [['INVALID', 'input', 'companyName'], ['INVALID', 'input', 'externalId']]);

    const byProvisioningId = await hub.payloads.createCustomer({
      ...aCustomerInput(template.id), templateId: null, provisioningId: `${template.provisioningId}${NUL}`,
    });
    expect(byProvisioningId.customer).toBeNull();
    expectUserError(byProvisioningId, 'NOT_FOUND', 'input', 'provisioningId');
    expect((await hub.customers()).totalCount).toBe(before);
  });

  it('setupCustomer: INVALID on user and location text, nothing written', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const customer = await hub.createCustomer(aCustomerInput(template.id));
    const location = aNewYorkLocation();
    const payload = await hub.payloads.setupCustomer({
      customerId: customer.id,
      locations: [{ ...location, name: `Office${NUL}`, address: { ...location.address, city: `New${NUL}York` } }],
      users: [aUser({ firstName: `Ann${NUL}` }), aUser({ lastName: `${NUL}` })],
    });
    expectUserErrors(payload, [
      ['INVALID', 'input', 'locations', 0, 'name'],
      ['INVALID', 'input', 'locations', 0, 'address', 'city'],
      ['INVALID', 'input', 'users', 0, 'firstName'],
      ['INVALID', 'input', 'users', 1, 'lastName'],
    ]);
    expect((await hub.customerUsers(customer.id))!.totalCount).toBe(1);
    expect((await hub.customerLocations(customer.id))!.totalCount).toBe(1);
  });

  it('searches and filters with a NUL match nothing', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const externalId = unique('crm-');
    const customer = await hub.createCustomer(aCustomerInput(template.id, { externalId }));
    await hub.setupCustomer({ customerId: customer.id, users: [aUser()] });
    // Without the NUL each finds something, so an empty answer is the NUL's doing.
    expect((await hub.customers({ filter: { search: externalId.slice(0, 6) } })).totalCount).toBeGreaterThan(0);
    expect((await hub.customers({ filter: { externalId } })).totalCount).toBe(1);
    expect((await hub.customerUsers(customer.id, { filter: { search: '@' } }))!.totalCount).toBeGreaterThan(0);

    expect(await hub.customers({ filter: { search: `${externalId.slice(0, 6)}${NUL}` } })).toMatchObject({ totalCount: 0, edges: [] });
    expect(await hub.customers({ filter: { externalId: `${externalId}${NUL}` } })).toMatchObject({ totalCount: 0, edges: [] });
    expect(await hub.customerUsers(customer.id, { filter: { search: `@${NUL}` } })).toMatchObject({ totalCount: 0, edges: [] });
  });
});
