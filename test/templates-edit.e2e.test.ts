import { beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aTemplateInput, AN_UNKNOWN_ID, unique } from './support/factories';
import { expectNoUserErrors, expectUserError, expectUserErrors } from './support/expect-user-error';
import { useTestServer } from './support/fixture';
import type { TestPartner } from './support/test-server';

describe('updateTemplate and deleteTemplate', () => {
  const fixture = useTestServer({ partners: 2 });
  let partner: TestPartner;
  let other: TestPartner;

  beforeAll(() => {
    [partner, other] = fixture.partners;
  });

  it('changes only the given fields and never the provisioning ID', async () => {
    const hub = partner.client;
    const created = await hub.createTemplate(aTemplateInput(partner, { defaultEmailLanguage: 'nl_NL', disableWebexCallingOneToOne: true }));
    const updated = await hub.updateTemplate({ id: created.id, brandName: '  Acme Business  ', countryCode: 'be' });
    expect(updated).toMatchObject({
      id: created.id, provisioningId: created.provisioningId, name: created.name, brandName: 'Acme Business', countryCode: 'BE',
      defaultEmailLanguage: 'nl_NL', disableWebexCallingOneToOne: true,
    });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.updatedAt).getTime());
    const read = await hub.template(created.id);
    expect(read).toMatchObject({ brandName: 'Acme Business', countryCode: 'BE', provisioningId: created.provisioningId });
    expect((await hub.templateByProvisioningId(created.provisioningId))!.id).toBe(created.id);
  });

  it('records no audit event for an update that changes nothing (domain.md §14), and one for a change', async () => {
    const hub = partner.client;
    const created = await hub.createTemplate(aTemplateInput(partner));
    const events = async () => (await hub.auditEvents({ first: 100 })).totalCount;
    const before = await events();
    const unchanged = await hub.updateTemplate({ id: created.id });
    expect(unchanged.updatedAt).toBe(created.updatedAt);
    await hub.updateTemplate({ id: created.id, name: created.name, brandName: created.brandName });
    expect(await events()).toBe(before);
    await hub.updateTemplate({ id: created.id, brandName: unique('Brand ') });
    expect(await events()).toBe(before + 1);
  });

  it('applies the create rules to every given field, all errors at once, and writes nothing', async () => {
    const hub = partner.client;
    const created = await hub.createTemplate(aTemplateInput(partner));
    const payload = await hub.payloads.updateTemplate({
      id: created.id, name: ' ', countryCode: 'XX', brandName: 'b'.repeat(101), serviceProviderAdminId: other.adminId,
      subscriptionId: other.subscriptionIds[0], pstnProviderId: 'nope', defaultEmailLanguage: 'english',
      authentication: { method: 'PARTNER_SAML', oidcIdpName: 'x' },
    });
    expect(payload.template).toBeNull();
    expectUserErrors(payload, [
      ['REQUIRED', 'input', 'name'],
      ['INVALID', 'input', 'countryCode'],
      ['TOO_LONG', 'input', 'brandName'],
      ['NOT_FOUND', 'input', 'serviceProviderAdminId'],
      ['NOT_FOUND', 'input', 'subscriptionId'],
      ['NOT_FOUND', 'input', 'pstnProviderId'],
      ['INVALID', 'input', 'defaultEmailLanguage'],
      ['REQUIRED', 'input', 'authentication', 'idpEntityId'],
      ['NOT_ALLOWED', 'input', 'authentication', 'oidcIdpName'],
    ]);
    expect(await hub.template(created.id)).toMatchObject({ name: created.name, countryCode: 'NL', brandName: created.brandName });

    const removed = await hub.payloads.updateTemplate({ id: created.id, name: null, countryCode: null, serviceProviderAdminId: null,
      subscriptionId: null, brandName: null });
    expectUserErrors(removed, ['name', 'countryCode', 'serviceProviderAdminId', 'subscriptionId', 'brandName'].map((field) => ['REQUIRED', 'input', field]));
  });

  it('reports TAKEN for another template’s name (case-insensitive) but not for the template’s own', async () => {
    const hub = partner.client;
    const first = await hub.createTemplate(aTemplateInput(partner));
    const second = await hub.createTemplate(aTemplateInput(partner));
    expectUserError(await hub.payloads.updateTemplate({ id: second.id, name: first.name.toUpperCase() }), 'TAKEN', 'input', 'name');
    const same = await hub.payloads.updateTemplate({ id: second.id, name: second.name.toLowerCase() });
    expectNoUserErrors(same);
    expect(same.template!.name).toBe(second.name.toLowerCase());
  });

  it('answers NOT_FOUND on ["input","id"] for another partner’s or a malformed id', async () => {
    const theirs = await other.client.createTemplate(aTemplateInput(other));
    for (const id of [theirs.id, 'not-an-id', '0190a2b4-0000-7000-8000-000000000000']) {
      const payload = await partner.client.payloads.updateTemplate({ id, brandName: 'Mine now' });
      expectUserError(payload, 'NOT_FOUND', 'input', 'id');
      expectUserError(await partner.client.payloads.deleteTemplate({ id }), 'NOT_FOUND', 'input', 'id');
    }
    expect((await other.client.template(theirs.id))!.brandName).toBe(theirs.brandName);
  });

  it('dryRun answers as the real call but keeps the template unchanged', async () => {
    const hub = partner.client;
    const created = await hub.createTemplate(aTemplateInput(partner));
    const payload = await hub.payloads.updateTemplate({ id: created.id, brandName: 'Preview Brand', dryRun: true });
    expectNoUserErrors(payload);
    expect(payload.template!.brandName).toBe('Preview Brand');
    expect((await hub.template(created.id))!.brandName).toBe(created.brandName);
    const events = await hub.request<{ auditEvents: { edges: Array<{ node: { operation: string; targetIds: string[] } }> } }>(
      (await import('graphql')).parse('{ auditEvents(first: 5) { edges { node { operation targetIds } } } }'));
    expect(events.auditEvents.edges.some((e) => e.node.operation === 'updateTemplate' && e.node.targetIds.includes(created.id))).toBe(false);
  });

  it('warns about a PSTN provider when the resulting template has one, and null clears it', async () => {
    const hub = partner.client;
    const [provider] = await hub.pstnProviders();
    const created = await hub.createTemplate(aTemplateInput(partner, { pstnProviderId: provider.id }));
    const unrelated = await hub.payloads.updateTemplate({ id: created.id, brandName: 'Still PSTN' });
    expect(unrelated.warnings).toHaveLength(1);
    const unknown = await hub.payloads.updateTemplate({ id: created.id, pstnProviderId: AN_UNKNOWN_ID });
    expect(unknown.userErrors.map((e) => `${e.code}:${e.field.join('.')}`)).toEqual(['NOT_FOUND:input.pstnProviderId']);
    expect(unknown.warnings, 'no PSTN advice for a provider that does not exist').toEqual([]);
    const cleared = await hub.payloads.updateTemplate({ id: created.id, pstnProviderId: null });
    expect(cleared.warnings).toEqual([]);
    expect(cleared.template!.pstnProvider).toBeNull();
  });

  it('records an audit event naming the template', async () => {
    const hub = partner.client;
    const created = await hub.createTemplate(aTemplateInput(partner));
    await hub.updateTemplate({ id: created.id, brandName: 'Audited' });
    await hub.deleteTemplate(created.id);
    const { parse } = await import('graphql');
    const events = await hub.request<{ auditEvents: { edges: Array<{ node: { operation: string; targetIds: string[] } }> } }>(
      parse('{ auditEvents(first: 2) { edges { node { operation targetIds } } } }'));
    expect(events.auditEvents.edges.map((e) => [e.node.operation, e.node.targetIds])).toEqual([
      ['deleteTemplate', [created.id]], ['updateTemplate', [created.id]],
    ]);
  });

  it('deletes an unused template and refuses one a customer uses with IN_USE', async () => {
    const hub = partner.client;
    const unused = await hub.createTemplate(aTemplateInput(partner));
    expect(await hub.deleteTemplate(unused.id)).toBe(unused.id);
    expect(await hub.template(unused.id)).toBeNull();
    expectUserError(await hub.payloads.deleteTemplate({ id: unused.id }), 'NOT_FOUND', 'input', 'id');

    const used = await hub.createTemplate(aTemplateInput(partner));
    await hub.createCustomer(aCustomerInput(used.id));
    const refused = await hub.payloads.deleteTemplate({ id: used.id });
    expect(refused.deletedTemplateId).toBeNull();
    expectUserError(refused, 'IN_USE', 'input', 'id');
    expect(await hub.template(used.id)).not.toBeNull();
  });

  it('affects only customers created afterwards', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner, { defaultEmailLanguage: 'nl_NL' }));
    const before = await hub.createCustomer(aCustomerInput(template.id));
    await hub.updateTemplate({ id: template.id, defaultEmailLanguage: 'fr_FR' });
    const after = await hub.createCustomer(aCustomerInput(template.id));
    expect((await hub.customer(before.id))!.language).toBe('nl_NL');
    expect(after.language).toBe('fr_FR');
  });

  it('keeps what an earlier customer was created with in Customer.templateSettings; later customers show the edit', async () => {
    const owner = await fixture.server.app.services.partners.createPartner({
      name: unique('Two subscriptions '), adminEmail: `${unique('settings')}@partner.example`, subscriptions: ['Sub100452', 'Sub100453'],
    });
    const hub = fixture.server.client(owner.token);
    const [provider] = await hub.pstnProviders();
    const template = await hub.createTemplate({
      name: unique('Settings '), countryCode: 'NL', serviceProviderAdminId: owner.adminId, subscriptionId: owner.subscriptionIds[0],
      brandName: 'Old Brand', defaultEmailLanguage: 'nl_NL',
    });
    const original = {
      offer: 'WEBEX_WHOLESALE', countryCode: 'NL', subscription: { id: owner.subscriptionIds[0], externalId: 'Sub100452' },
      authentication: { method: 'WEBEX', idpEntityId: null, oidcIdpName: null }, pstnProvider: null, brandName: 'Old Brand',
      defaultEmailLanguage: 'nl_NL', restrictAdminInvitationEmails: false, disableWebexCallingOneToOne: false,
    };
    const before = await hub.createCustomer(aCustomerInput(template.id));
    expect(before.templateSettings).toMatchObject(original);

    await hub.updateTemplate({
      id: template.id, brandName: 'New Brand', countryCode: 'BE', subscriptionId: owner.subscriptionIds[1],
      authentication: { method: 'PARTNER_SAML', idpEntityId: 'https://idp.example/saml' }, pstnProviderId: provider.id,
      defaultEmailLanguage: 'fr_BE', restrictAdminInvitationEmails: true, disableWebexCallingOneToOne: true,
    });
    const edited = {
      offer: 'WEBEX_WHOLESALE', countryCode: 'BE', subscription: { id: owner.subscriptionIds[1], externalId: 'Sub100453' },
      authentication: { method: 'PARTNER_SAML', idpEntityId: 'https://idp.example/saml', oidcIdpName: null },
      pstnProvider: { id: provider.id, name: provider.name }, brandName: 'New Brand', defaultEmailLanguage: 'fr_BE',
      restrictAdminInvitationEmails: true, disableWebexCallingOneToOne: true,
    };
    const after = await hub.createCustomer(aCustomerInput(template.id));
    expect(after.templateSettings).toMatchObject(edited);
    expect((await hub.customer(before.id))!.templateSettings).toMatchObject(original);
    expect((await hub.customer(after.id))!.templateSettings).toMatchObject(edited);

    // Customer.template is the live template: it shows the edit for both.
    const query = `query($id: ID!) { customer(id: $id) { template { brandName } templateSettings { brandName pstnProvider { id } } } }`;
    const earlier = await fixture.server.post({ query, variables: { id: before.id } }, { token: owner.token });
    expect(earlier.body).toEqual({ data: { customer: { template: { brandName: 'New Brand' }, templateSettings: { brandName: 'Old Brand', pstnProvider: null } } } });
    const later = await fixture.server.post({ query, variables: { id: after.id } }, { token: owner.token });
    expect(later.body.data.customer.templateSettings).toEqual({ brandName: 'New Brand', pstnProvider: { id: provider.id } });
  });

  it('refuses a read-only admin with FORBIDDEN', async () => {
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const readOnly = await fixture.server.app.services.partners.createAdmin({ partnerId: partner.partnerId, email: `ro${Date.now()}@p.example`, role: 'READ_ONLY' as never });
    const response = await fixture.server.post({ query: `mutation { deleteTemplate(input: { id: "${template.id}" }) { deletedTemplateId } }` }, { token: readOnly.token });
    expect(response.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(await partner.client.template(template.id)).not.toBeNull();
  });
});
