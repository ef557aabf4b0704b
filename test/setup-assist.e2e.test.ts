import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aNewYorkLocation, aTemplateInput } from './support/factories';
import { expectUserError, expectUserErrors } from './support/expect-user-error';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

describe('requestSetupAssist', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let templateId: string;

  const fixture = useTestServer({ partners: 2 });
  beforeAll(async () => {
    server = fixture.server;
    [partner, other] = fixture.partners;
    templateId = (await partner.client.createTemplate(aTemplateInput(partner))).id;
  });

  const valid = { contactName: 'Eva de Vries', contactEmail: ' Eva@DeVries.Example ' };

  it('records a request with status REQUESTED and lists them on the customer, newest first', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const { locations: [newYork] } = await hub.setupCustomer({ customerId: customer.id, locations: [aNewYorkLocation()] });
    const first = await hub.requestSetupAssist({ customerId: customer.id, locationId: customer.headquarters.id, ...valid,
      contactPhone: '+31 (20) 794-8000', notes: 'Please call before noon.' });
    expect(first).toMatchObject({
      status: 'REQUESTED', contactName: 'Eva de Vries', contactEmail: 'eva@devries.example', contactPhone: '+31207948000',
      notes: 'Please call before noon.', location: { id: customer.headquarters.id },
    });
    const second = await hub.requestSetupAssist({ customerId: customer.id, locationId: newYork.id, ...valid });
    expect(second.contactPhone).toBeNull();
    const listed = await hub.setupAssistRequests(customer.id);
    expect(listed!.map((r) => [r.id, r.location.name])).toEqual([[second.id, newYork.name], [first.id, 'Amsterdam HQ']]);

    const events = await hub.request<{ auditEvents: { edges: Array<{ node: { operation: string; targetIds: string[] } }> } }>(
      parse('{ auditEvents(first: 1) { edges { node { operation targetIds } } } }'));
    expect(events.auditEvents.edges[0].node).toEqual({ operation: 'requestSetupAssist', targetIds: [customer.id, second.id] });
  });

  it('validates the contact fields, all errors at once, and writes nothing', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const base = { customerId: customer.id, locationId: customer.headquarters.id };
    const bad = await hub.payloads.requestSetupAssist({ ...base, contactName: '  ', contactEmail: 'not-an-address',
      contactPhone: '020 794 8000', notes: 'n'.repeat(2001) });
    expect(bad.request).toBeNull();
    expectUserErrors(bad, [
      ['REQUIRED', 'input', 'contactName'],
      ['INVALID', 'input', 'contactEmail'],
      ['INVALID', 'input', 'contactPhone'],
      ['TOO_LONG', 'input', 'notes'],
    ]);
    expect(bad.userErrors).toHaveLength(4);
    const tooLong = await hub.payloads.requestSetupAssist({ ...base, contactName: 'x'.repeat(257), contactEmail: 'a@b.example',
      contactPhone: '+999 1234 5678' });
    expectUserErrors(tooLong, [['TOO_LONG', 'input', 'contactName'], ['INVALID', 'input', 'contactPhone']]);
    const ok = await hub.payloads.requestSetupAssist({ ...base, ...valid, notes: 'n'.repeat(2000) });
    expect(ok.userErrors).toEqual([]);
    expect(await hub.setupAssistRequests(customer.id)).toHaveLength(1);
  });

  it('a blank contactPhone (as a form sends it) is no phone, not INVALID', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    for (const contactPhone of ['', '   ']) {
      const request = await hub.requestSetupAssist({ customerId: customer.id, locationId: customer.headquarters.id, ...valid, contactPhone });
      expect(request.contactPhone).toBeNull();
    }
  });

  it('answers NOT_FOUND for another partner’s customer and for a location of another customer', async () => {
    const hub = partner.client;
    const customer = await hub.createCustomer(aCustomerInput(templateId));
    const another = await hub.createCustomer(aCustomerInput(templateId));
    expectUserError(await hub.payloads.requestSetupAssist({ customerId: customer.id, locationId: another.headquarters.id, ...valid }),
      'NOT_FOUND', 'input', 'locationId');
    expectUserError(await hub.payloads.requestSetupAssist({ customerId: customer.id, locationId: 'x', ...valid }),
      'NOT_FOUND', 'input', 'locationId');
    expectUserError(await other.client.payloads.requestSetupAssist({ customerId: customer.id, locationId: customer.headquarters.id, ...valid }),
      'NOT_FOUND', 'input', 'customerId');
    expect(await other.client.setupAssistRequests(customer.id)).toBeNull();
    expect(await hub.setupAssistRequests(customer.id)).toEqual([]);
  });
});
