import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aTemplateInput, aUser, unique } from './support/factories';
import { useTestServer } from './support/fixture';

/**
 * domain.md §8: a dry run gives "the same validation and the same answer as the real call". Every
 * mutation that takes dryRun runs twice on the same state, dry first, then real: the two answers,
 * with a deep selection (nested connections, the customer's outbox and Setup Assist requests, the
 * template's customerCount), must be equal once ids and timestamps are compared by position; and the
 * dry run must have written nothing (every table's row count, audit events included, unchanged).
 */
const LOCATION = 'id name isHeadquarters language timeZone emergencyLocationIdentifier address { line1 line2 city stateOrProvince postalCode countryCode }';
const TEMPLATE = `id name countryCode brandName offer provisioningId defaultEmailLanguage restrictAdminInvitationEmails disableWebexCallingOneToOne
  createdAt updatedAt customerCount authentication { method idpEntityId oidcIdpName } serviceProviderAdmin { id } subscription { id } pstnProvider { id }`;
const CUSTOMER = `id companyName adminEmail package addOns externalId status dataRegion language createdAt
  template { ${TEMPLATE} }
  templateSettings { brandName }
  headquarters { ${LOCATION} }
  locations(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${LOCATION} } } }
  users(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id firstName lastName email package phoneNumber extension roles location { ${LOCATION} } } } }
  admins: users(first: 5, filter: { search: "admin" }) { totalCount edges { node { id email } } }
  outbox(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id kind to subject status attempts lastError nextAttemptAt sentAt createdAt } } }
  setupAssistRequests { id contactName contactEmail contactPhone notes status createdAt location { ${LOCATION} } }`;
const USER_ERRORS = 'userErrors { code field message }';

const MUTATIONS = {
  createTemplate: `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { template { ${TEMPLATE} } warnings ${USER_ERRORS} } }`,
  updateTemplate: `mutation($input: UpdateTemplateInput!) { updateTemplate(input: $input) { template { ${TEMPLATE} } warnings ${USER_ERRORS} } }`,
  createCustomer: `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { ${CUSTOMER} } ${USER_ERRORS} } }`,
  setupCustomer: `mutation($input: SetupCustomerInput!) { setupCustomer(input: $input) {
    customer { ${CUSTOMER} } locations { ${LOCATION} } users { id email location { ${LOCATION} } } ${USER_ERRORS} } }`,
  updateCustomer: `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${CUSTOMER} } ${USER_ERRORS} } }`,
  deleteCustomer: `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedCustomerId ${USER_ERRORS} } }`,
  updateLocation: `mutation($input: UpdateLocationInput!) { updateLocation(input: $input) { location { ${LOCATION} } ${USER_ERRORS} } }`,
  removeLocation: `mutation($input: RemoveLocationInput!) { removeLocation(input: $input) { removedLocationId ${USER_ERRORS} } }`,
  updateUsers: `mutation($input: UpdateUsersInput!) { updateUsers(input: $input) {
    customer { ${CUSTOMER} } users { id firstName lastName email package phoneNumber extension roles location { ${LOCATION} } } ${USER_ERRORS} } }`,
  removeUsers: `mutation($input: RemoveUsersInput!) { removeUsers(input: $input) { removedUserIds ${USER_ERRORS} } }`,
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ID_KEYS = new Set(['id', 'cursor', 'endCursor', 'provisioningId']);

/**
 * Ids (and cursors, and the random provisioningId) become `#n` in order of first appearance, and
 * timestamps become `<time>`: two answers are equal when they have the same shape, the same values
 * and the same ids in the same places.
 */
function normalise(answer: unknown): unknown {
  const ids = new Map<string, string>();
  const walk = (value: unknown, key: string | null): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    if (typeof value === 'string' && key !== null && ID_KEYS.has(key)) {
      if (!ids.has(value)) ids.set(value, `#${ids.size + 1}`);
      return ids.get(value);
    }
    if (typeof value === 'string' && ISO_TIME.test(value)) return '<time>';
    return value;
  };
  return walk(answer, null);
}

/** Row count of every table of the schema (migrations' bookkeeping aside). */
async function rowCounts(): Promise<Record<string, number>> {
  const { server } = fixture;
  const tables = server.app.db.manager.connection.entityMetadatas.map((m) => m.tableName).sort();
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await server.app.db.manager.query(`SELECT COUNT(*) AS n FROM "${table}"`);
    counts[table] = Number(row.n);
  }
  return counts;
}

async function run(name: keyof typeof MUTATIONS, input: Record<string, unknown>) {
  const response = await fixture.server.post({ query: MUTATIONS[name], variables: { input } }, { token: fixture.partner.token });
  expect(response.body.errors, JSON.stringify(response.body.errors)).toBeUndefined();
  return response.body.data[name];
}

/** Dry, then real, on the same state: equal answers, and the dry run left every table as it was. */
async function expectDryRunAnswersAsTheRealCall(name: keyof typeof MUTATIONS, input: Record<string, unknown>) {
  const before = await rowCounts();
  const dry = await run(name, { ...input, dryRun: true });
  expect(await rowCounts()).toEqual(before);
  const real = await run(name, { ...input, dryRun: false });
  expect(real.userErrors).toEqual([]);
  expect(normalise(dry)).toEqual(normalise(real));
  return { dry, real };
}

const fixture = useTestServer();

describe('a dry run answers exactly as the real call', () => {
  let templateId: string;
  let customerId: string;
  let setupUsers: Array<{ id: string; phoneNumber?: string | null; extension?: string | null }>;

  beforeAll(async () => {
    const { partner } = fixture;
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    templateId = template.id;
    // A customer with history: a setup already done (welcome emails in its outbox) and a Setup Assist request.
    const customer = await partner.client.createCustomer(aCustomerInput(templateId));
    customerId = customer.id;
    const setup = await partner.client.setupCustomer({
      customerId, locations: [{ ...aCustomerInput(templateId).headquarters, name: 'Utrecht' }],
      users: [aUser(), aUser({ locationName: 'Utrecht', extension: '2001' })],
    });
    setupUsers = setup.users;
    await partner.client.requestSetupAssist({
      customerId, locationId: setup.locations[0].id, contactName: 'Eva de Vries', contactEmail: 'eva@devries.example',
    });
  });

  it('createTemplate', async () => {
    const { real } = await expectDryRunAnswersAsTheRealCall('createTemplate', aTemplateInput(fixture.partner));
    expect(real.template.customerCount).toBe(0);
  });

  it('updateTemplate of a template customers were created from', async () => {
    const { real } = await expectDryRunAnswersAsTheRealCall('updateTemplate', { id: templateId, brandName: unique('Brand ') });
    expect(real.template.customerCount).toBe(1);
  });

  it('createCustomer: the admin invitation in the outbox, the template counting the new customer', async () => {
    const { real } = await expectDryRunAnswersAsTheRealCall('createCustomer', aCustomerInput(templateId, { externalId: unique('crm-') }));
    expect(real.customer.outbox.totalCount).toBe(1);
    expect(real.customer.template.customerCount).toBe(2);
  });

  it('setupCustomer of a customer with Setup Assist requests and emails already sent', async () => {
    const { real } = await expectDryRunAnswersAsTheRealCall('setupCustomer', {
      customerId, locations: [{ ...aCustomerInput(templateId).headquarters, name: 'Rotterdam' }],
      users: [aUser({ locationName: 'Rotterdam' }), aUser()],
    });
    expect(real.customer.setupAssistRequests).toHaveLength(1);
    expect(real.customer.outbox.totalCount).toBe(5);
    expect(real.customer.users.totalCount).toBe(5);
  });

  it('updateCustomer: an upgrade moving the full administrator, the answer showing the moved users', async () => {
    const { real } = await expectDryRunAnswersAsTheRealCall('updateCustomer', {
      id: customerId, package: 'WEBEX_SUITE', addOns: ['ATTENDANT_CONSOLE'], companyName: 'De Vries Groep', externalId: unique('crm-'),
    });
    expect(real.customer.package).toBe('WEBEX_SUITE');
    expect(real.customer.admins.edges.length).toBeGreaterThan(0);
  });

  it('updateLocation of a location with a Setup Assist request', async () => {
    const locations = await fixture.partner.client.customerLocations(customerId, { first: 10 });
    const utrecht = locations!.edges.find((e) => e.node.name === 'Utrecht')!.node;
    const { real } = await expectDryRunAnswersAsTheRealCall('updateLocation', { id: utrecht.id, name: 'Utrecht Centraal', emergencyLocationIdentifier: 'ELIN-7' });
    expect(real.location.name).toBe('Utrecht Centraal');
  });

  it('updateUsers: two users swap numbers, one moves and is renamed', async () => {
    const [eva, piet] = setupUsers;
    const { real } = await expectDryRunAnswersAsTheRealCall('updateUsers', {
      customerId, users: [
        { id: eva.id, phoneNumber: piet.phoneNumber, extension: '2002', locationName: 'Utrecht Centraal', firstName: 'Eva-Marie' },
        { id: piet.id, phoneNumber: eva.phoneNumber, extension: null },
      ],
    });
    expect(real.users.map((u: { phoneNumber: string }) => u.phoneNumber)).toEqual([piet.phoneNumber, eva.phoneNumber]);
    expect(real.users[0].location.name).toBe('Utrecht Centraal');
  });

  it('removeUsers', async () => {
    const [eva] = setupUsers;
    const { real } = await expectDryRunAnswersAsTheRealCall('removeUsers', { customerId, userIds: [eva.id] });
    expect(real.removedUserIds).toEqual([eva.id]);
  });

  it('removeLocation and deleteCustomer', async () => {
    const { client } = fixture.partner;
    const spare = (await client.setupCustomer({ customerId, locations: [{ ...aCustomerInput(templateId).headquarters, name: unique('Spare ') }] })).locations[0];
    await expectDryRunAnswersAsTheRealCall('removeLocation', { id: spare.id });
    const { real } = await expectDryRunAnswersAsTheRealCall('deleteCustomer', { id: customerId });
    expect(real.deletedCustomerId).toBe(customerId);
  });
});
