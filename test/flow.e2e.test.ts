import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aNewYorkLocation, aTemplateInput, aUser } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

describe('the three-step flow through the SDK', () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('runs createTemplate → createCustomer (by provisioning ID) → setupCustomer end to end', async () => {
    const hub = partner.client;
    const viewer = await hub.viewer();
    expect(viewer.partner.subscriptions).toHaveLength(1);

    const template = await hub.createTemplate(aTemplateInput(partner, { name: 'Benelux SMB' }));
    expect(template.provisioningId).toMatch(/^[A-Za-z0-9_-]{12,}$/);
    expect(template.authentication.method).toBe('WEBEX');
    expect(template.defaultEmailLanguage).toBe('en_US');
    expect(template.serviceProviderAdmin.id).toBe(partner.adminId);

    const customer = await hub.createCustomer(aCustomerInput('', {
      templateId: undefined, provisioningId: template.provisioningId, adminEmail: '  IT@DeVries.Example ', package: 'WEBEX_SUITE',
    }));
    expect(customer).toMatchObject({
      adminEmail: 'it@devries.example', status: 'PENDING_SETUP', dataRegion: 'EU', language: 'en_US',
      template: { id: template.id }, headquarters: { name: 'Amsterdam HQ', isHeadquarters: true },
    });

    const newYork = aNewYorkLocation({ name: 'New York' });
    const setup = await hub.setupCustomer({
      customerId: customer.id,
      locations: [newYork],
      users: [
        aUser({ phoneNumber: '+31 (20) 794-8000', extension: '2001' }),
        aUser({ locationName: 'new york', phoneNumber: '+1 212.736.3100' }),
        aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null }),
        { ...aUser({ package: 'WEBEX_SUITE', phoneNumber: null, extension: '100' }), email: 'IT@devries.example', firstName: 'Ida', lastName: 'Admin' },
      ],
    });
    expect(setup.customer.status).toBe('ACTIVE');
    expect(setup.locations.map((l) => l.name)).toEqual(['New York']);
    expect(setup.users.map((u) => u.phoneNumber)).toEqual(['+31207948000', '+12127363100', null, null]);
    expect(setup.users[1].location.name).toBe('New York');
    expect(setup.users[3]).toMatchObject({ email: 'it@devries.example', extension: '100', roles: ['FULL_ADMIN'] });

    const users = await hub.customerUsers(customer.id, { first: 100 });
    expect(users!.totalCount).toBe(4); // the full administrator was updated, not duplicated
    const locations = await hub.customerLocations(customer.id);
    expect(locations!.totalCount).toBe(2);
    expect((await hub.template(template.id))!.customerCount).toBe(1);
  });
});
