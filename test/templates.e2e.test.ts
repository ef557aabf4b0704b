import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoUserErrors, expectUserError } from './support/expect-user-error';
import { aString, aTemplateInput, AN_UNKNOWN_ID, unique } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const TEMPLATES_PAGE = `query Page($first: Int, $after: String) {
  templates(first: $first, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } totalCount }
}`;

describe('createTemplate rules (domain.md §3)', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;

  const fixture = useTestServer({ partners: 2 });
  beforeAll(() => {
    server = fixture.server;
    [partner, other] = fixture.partners;
  });

  const create = (overrides: Parameters<typeof aTemplateInput>[1] = {}, who?: TestPartner) =>
    (who ?? partner).client.payloads.createTemplate(aTemplateInput(who ?? partner, overrides));

  describe('name', () => {
    it('is required (blank after trimming)', async () => {
      expectUserError(await create({ name: '   ' }), 'REQUIRED', 'input', 'name');
      expectUserError(await create({ name: '' }), 'REQUIRED', 'input', 'name');
    });

    it('takes 80 characters and refuses 81 with TOO_LONG', async () => {
      const name80 = unique('n').padEnd(80, 'x');
      const ok = await create({ name: name80 });
      expectNoUserErrors(ok);
      expect(ok.template!.name).toBe(name80);
      expectUserError(await create({ name: unique('n').padEnd(81, 'x') }), 'TOO_LONG', 'input', 'name');
    });

    it('is stored trimmed', async () => {
      const name = unique('Trimmed ');
      const payload = await create({ name: `  ${name}  ` });
      expect(payload.template!.name).toBe(name);
    });

    it('is unique per partner, case-insensitively (TAKEN), but free for another partner', async () => {
      const name = unique('Nordics Enterprise ');
      expectNoUserErrors(await create({ name }));
      expectUserError(await create({ name: name.toUpperCase() }), 'TAKEN', 'input', 'name');
      expectUserError(await create({ name: ` ${name.toLowerCase()} ` }), 'TAKEN', 'input', 'name');
      expectNoUserErrors(await create({ name }, other));
    });

    it('compares case beyond ASCII: "Zürich Ärzte" takes "ZÜRICH ÄRZTE"', async () => {
      const name = `Zürich Ärzte ${unique('')}`;
      expectNoUserErrors(await create({ name }));
      expectUserError(await create({ name: name.toUpperCase() }), 'TAKEN', 'input', 'name');
      expectUserError(await create({ name: name.toUpperCase(), dryRun: true }), 'TAKEN', 'input', 'name');
    });
  });

  describe('countryCode', () => {
    it('refuses UK with INVALID and suggests GB (domain.md §14)', async () => {
      const payload = await create({ countryCode: 'UK' });
      expectUserError(payload, 'INVALID', 'input', 'countryCode');
      expect(payload.userErrors[0].message).toMatch(/did you mean GB\?/);
      const other = await create({ countryCode: 'XX' });
      expect(other.userErrors[0].message).not.toMatch(/did you mean/);
    });

    it.each(['XX', 'ZZ', 'XK', 'NLD', 'N', '', '12'])('refuses %j with INVALID', async (countryCode) => {
      expectUserError(await create({ countryCode }), 'INVALID', 'input', 'countryCode');
    });

    it('accepts real countries', async () => {
      for (const countryCode of ['US', 'DE', 'JP', 'BR', 'ZA']) {
        const payload = await create({ countryCode });
        expectNoUserErrors(payload);
        expect(payload.template!.countryCode).toBe(countryCode);
      }
    });
  });

  describe('serviceProviderAdminId and subscriptionId', () => {
    it.each([
      ['another partner’s', () => other.adminId],
      ['an unknown', () => AN_UNKNOWN_ID],
      ['a malformed', () => 'not-an-id'],
      ['an empty', () => ''],
    ])('refuse %s admin id with NOT_FOUND', async (_label, id) => {
      expectUserError(await create({ serviceProviderAdminId: id() }), 'NOT_FOUND', 'input', 'serviceProviderAdminId');
    });

    it.each([
      ['another partner’s', () => other.subscriptionIds[0]],
      ['an unknown', () => AN_UNKNOWN_ID],
      ['a malformed', () => "1' OR '1'='1"],
    ])('refuse %s subscription id with NOT_FOUND', async (_label, id) => {
      expectUserError(await create({ subscriptionId: id() }), 'NOT_FOUND', 'input', 'subscriptionId');
    });

    it('shows the admin and subscription on the template', async () => {
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      expect(template.serviceProviderAdmin.id).toBe(partner.adminId);
      expect(template.subscription).toMatchObject({ id: partner.subscriptionIds[0], externalId: 'Sub100452' });
    });
  });

  describe('authentication', () => {
    it('defaults to WEBEX without IdP fields', async () => {
      const payload = await create();
      expect(payload.template!.authentication).toEqual({ method: 'WEBEX', idpEntityId: null, oidcIdpName: null });
    });

    it('PARTNER_SAML requires idpEntityId, takes 1024 characters and refuses 1025', async () => {
      expectUserError(await create({ authentication: { method: 'PARTNER_SAML' } }), 'REQUIRED', 'input', 'authentication', 'idpEntityId');
      expectUserError(await create({ authentication: { method: 'PARTNER_SAML', idpEntityId: '  ' } }), 'REQUIRED', 'input', 'authentication', 'idpEntityId');
      const ok = await create({ authentication: { method: 'PARTNER_SAML', idpEntityId: aString(1024) } });
      expectNoUserErrors(ok);
      expect(ok.template!.authentication).toMatchObject({ method: 'PARTNER_SAML', idpEntityId: aString(1024), oidcIdpName: null });
      expectUserError(await create({ authentication: { method: 'PARTNER_SAML', idpEntityId: aString(1025) } }), 'TOO_LONG', 'input', 'authentication', 'idpEntityId');
    });

    it('PARTNER_OIDC requires oidcIdpName, takes 256 characters and refuses 257', async () => {
      expectUserError(await create({ authentication: { method: 'PARTNER_OIDC' } }), 'REQUIRED', 'input', 'authentication', 'oidcIdpName');
      const ok = await create({ authentication: { method: 'PARTNER_OIDC', oidcIdpName: aString(256) } });
      expectNoUserErrors(ok);
      expect(ok.template!.authentication).toMatchObject({ method: 'PARTNER_OIDC', oidcIdpName: aString(256), idpEntityId: null });
      expectUserError(await create({ authentication: { method: 'PARTNER_OIDC', oidcIdpName: aString(257) } }), 'TOO_LONG', 'input', 'authentication', 'oidcIdpName');
    });

    it('refuses the IdP field of another method with NOT_ALLOWED', async () => {
      expectUserError(await create({ authentication: { method: 'WEBEX', idpEntityId: 'https://idp.example/saml' } }),
        'NOT_ALLOWED', 'input', 'authentication', 'idpEntityId');
      expectUserError(await create({ authentication: { method: 'WEBEX', oidcIdpName: 'Okta' } }),
        'NOT_ALLOWED', 'input', 'authentication', 'oidcIdpName');
      expectUserError(await create({ authentication: { method: 'PARTNER_OIDC', oidcIdpName: 'Okta', idpEntityId: 'https://idp.example' } }),
        'NOT_ALLOWED', 'input', 'authentication', 'idpEntityId');
      expectUserError(await create({ authentication: { method: 'PARTNER_SAML', idpEntityId: 'https://idp.example', oidcIdpName: 'Okta' } }),
        'NOT_ALLOWED', 'input', 'authentication', 'oidcIdpName');
    });
  });

  describe('pstnProviderId', () => {
    it('refuses an unknown or malformed provider with NOT_FOUND', async () => {
      expectUserError(await create({ pstnProviderId: AN_UNKNOWN_ID }), 'NOT_FOUND', 'input', 'pstnProviderId');
      expectUserError(await create({ pstnProviderId: 'bandwidth' }), 'NOT_FOUND', 'input', 'pstnProviderId');
    });

    it('gives no PSTN warning for a provider that does not exist (domain.md §14), in a real call and a dry run', async () => {
      for (const dryRun of [false, true]) {
        const payload = await create({ pstnProviderId: AN_UNKNOWN_ID, dryRun });
        expectUserError(payload, 'NOT_FOUND', 'input', 'pstnProviderId');
        expect(payload.warnings).toEqual([]);
      }
    });

    it('still gives the PSTN warning for an existing provider when another field is refused', async () => {
      const [provider] = await partner.client.pstnProviders();
      const payload = await create({ pstnProviderId: provider.id, name: ' ' });
      expectUserError(payload, 'REQUIRED', 'input', 'name');
      expect(payload.warnings).toHaveLength(1);
    });

    it('accepts a catalog provider with a warning; no warning without one', async () => {
      const [provider] = await partner.client.pstnProviders();
      const withProvider = await create({ pstnProviderId: provider.id });
      expectNoUserErrors(withProvider);
      expect(withProvider.template!.pstnProvider).toEqual({ id: provider.id, name: provider.name });
      expect(withProvider.warnings).toHaveLength(1);
      expect(withProvider.warnings[0]).toMatch(/not recommended/i);
      const without = await create();
      expect(without.warnings).toEqual([]);
      expect(without.template!.pstnProvider).toBeNull();
    });

    it('may name a provider that does not serve the template’s country: the country list is informative only (§2)', async () => {
      const providers = await partner.client.pstnProviders();
      const elsewhere = providers.find((p) => !p.countries.includes('NL'));
      expect(elsewhere, 'the seeded catalog has a provider that does not serve NL').toBeDefined();
      const payload = await create({ countryCode: 'NL', pstnProviderId: elsewhere!.id });
      expectNoUserErrors(payload);
      expect(payload.template).toMatchObject({ countryCode: 'NL', pstnProvider: { id: elsewhere!.id, name: elsewhere!.name } });
      expect(payload.warnings).toHaveLength(1);
      expect(payload.warnings[0]).toMatch(/not recommended/i);
    });
  });

  describe('brandName', () => {
    it('is required, takes 100 characters and refuses 101', async () => {
      expectUserError(await create({ brandName: ' ' }), 'REQUIRED', 'input', 'brandName');
      const ok = await create({ brandName: aString(100, 'b') });
      expectNoUserErrors(ok);
      expect(ok.template!.brandName).toBe(aString(100, 'b'));
      expectUserError(await create({ brandName: aString(101, 'b') }), 'TOO_LONG', 'input', 'brandName');
    });
  });

  describe('defaultEmailLanguage', () => {
    it('defaults to en_US, also for a blank field (a form sends "" for "not given")', async () => {
      expect((await create()).template!.defaultEmailLanguage).toBe('en_US');
      for (const blank of ['', '  ']) {
        const payload = await create({ defaultEmailLanguage: blank });
        expectNoUserErrors(payload);
        expect(payload.template!.defaultEmailLanguage).toBe('en_US');
      }
    });

    it.each(['nl', 'fr_BE', 'en_GB', 'pt_BR'])('accepts %s', async (language) => {
      const payload = await create({ defaultEmailLanguage: language });
      expectNoUserErrors(payload);
      expect(payload.template!.defaultEmailLanguage).toBe(language);
    });

    it.each(['english', 'EN', 'en_XX', 'e', 'xx', 'en-USA'])('refuses %j with INVALID', async (language) => {
      expectUserError(await create({ defaultEmailLanguage: language }), 'INVALID', 'input', 'defaultEmailLanguage');
    });

    it.each([['en-US', 'en_US'], ['nl-NL', 'nl_NL'], ['en_us', 'en_US'], ['fr-be', 'fr_BE']])(
      'accepts %j, the BCP 47 spelling a browser sends, and stores it as %s (domain.md §14)', async (language, stored) => {
        const payload = await create({ defaultEmailLanguage: language });
        expectNoUserErrors(payload);
        expect(payload.template!.defaultEmailLanguage).toBe(stored);
      });

    it('tells an unknown language that it is unknown, not that its form is wrong', async () => {
      const message = (language: string) => create({ defaultEmailLanguage: language }).then((p) => p.userErrors[0]?.message);
      expect(await message('xx_NL')).toMatch(/"xx" .*is not a known language/);
      expect(await message('qq')).toMatch(/not a known language/);
      expect(await message('dutch')).toMatch(/form ll or ll_CC/);
      expect(await message('en_UK')).toMatch(/did you mean GB\?/);
    });
  });

  describe('defaults, offer and provisioning ID', () => {
    it('defaults offer to WEBEX_WHOLESALE and both booleans to false, and stores true when given', async () => {
      const defaults = (await create()).template!;
      expect(defaults).toMatchObject({ offer: 'WEBEX_WHOLESALE', restrictAdminInvitationEmails: false, disableWebexCallingOneToOne: false, customerCount: 0 });
      const set = (await create({ offer: 'WEBEX_WHOLESALE', restrictAdminInvitationEmails: true, disableWebexCallingOneToOne: true })).template!;
      expect(set).toMatchObject({ restrictAdminInvitationEmails: true, disableWebexCallingOneToOne: true });
      const reread = await partner.client.template(set.id);
      expect(reread).toMatchObject({ restrictAdminInvitationEmails: true, disableWebexCallingOneToOne: true, offer: 'WEBEX_WHOLESALE' });
    });

    it('gives every template a URL-safe, unique provisioning ID of at least 12 characters', async () => {
      const ids = await Promise.all(Array.from({ length: 25 }, async () => (await partner.client.createTemplate(aTemplateInput(partner))).provisioningId));
      for (const id of ids) {
        expect(id).toMatch(/^[A-Za-z0-9_-]{12,}$/);
        expect(encodeURIComponent(id)).toBe(id);
      }
      expect(new Set(ids).size).toBe(ids.length);
      const { provisioningId, id } = await partner.client.createTemplate(aTemplateInput(partner));
      expect(provisioningId).not.toBe(id);
      expect(ids).not.toContain(provisioningId);
    });
  });

  describe('dryRun', () => {
    it('answers like the real call and writes nothing', async () => {
      const input = aTemplateInput(partner, { name: unique('Dry '), authentication: { method: 'PARTNER_OIDC', oidcIdpName: 'Okta' } });
      const before = await partner.client.templates({ first: 100 });
      const dry = await partner.client.payloads.createTemplate({ ...input, dryRun: true });
      expectNoUserErrors(dry);
      expect(dry.template).toMatchObject({
        name: input.name, countryCode: 'NL', brandName: 'Acme Telecom', defaultEmailLanguage: 'en_US',
        authentication: { method: 'PARTNER_OIDC', oidcIdpName: 'Okta' }, serviceProviderAdmin: { id: partner.adminId },
        subscription: { id: partner.subscriptionIds[0] }, customerCount: 0,
      });
      expect(dry.template!.provisioningId).toMatch(/^[A-Za-z0-9_-]{12,}$/);
      expect(dry.warnings).toEqual([]);

      const after = await partner.client.templates({ first: 100 });
      expect(after.totalCount).toBe(before.totalCount);
      expect(after.edges.map((e) => e.node.id)).not.toContain(dry.template!.id);
      expect(await partner.client.template(dry.template!.id)).toBeNull();
      expect(await partner.client.templateByProvisioningId(dry.template!.provisioningId)).toBeNull();

      // the name was not taken by the dry run; the real call then gives a different id
      const real = await partner.client.createTemplate(input);
      expect(real.name).toBe(input.name);
      expect(real.id).not.toBe(dry.template!.id);
    });

    it('gives the same user errors as the real call', async () => {
      const input = aTemplateInput(partner, { name: '', countryCode: 'XX', pstnProviderId: AN_UNKNOWN_ID });
      const dry = await partner.client.payloads.createTemplate({ ...input, dryRun: true });
      const real = await partner.client.payloads.createTemplate(input);
      expect(dry.template).toBeNull();
      expect(dry.userErrors).toEqual(real.userErrors);
      expect(dry.userErrors.length).toBe(3);
    });
  });

  it('reports every error of one bad input at once, and writes nothing', async () => {
    const before = (await partner.client.templates()).totalCount;
    const payload = await partner.client.payloads.createTemplate({
      name: aString(81),
      countryCode: 'XX',
      serviceProviderAdminId: other.adminId,
      subscriptionId: 'nope',
      authentication: { method: 'PARTNER_SAML', oidcIdpName: 'Okta' },
      pstnProviderId: AN_UNKNOWN_ID,
      brandName: '',
      defaultEmailLanguage: 'English',
    });
    expect(payload.template).toBeNull();
    const found = payload.userErrors.map((e) => `${e.code}:${e.field.join('.')}`).sort();
    expect(found).toEqual([
      'INVALID:input.countryCode',
      'INVALID:input.defaultEmailLanguage',
      'NOT_ALLOWED:input.authentication.oidcIdpName',
      'NOT_FOUND:input.pstnProviderId',
      'NOT_FOUND:input.serviceProviderAdminId',
      'NOT_FOUND:input.subscriptionId',
      'REQUIRED:input.authentication.idpEntityId',
      'REQUIRED:input.brandName',
      'TOO_LONG:input.name',
    ]);
    expect((await partner.client.templates()).totalCount).toBe(before);
  });
});

describe('templates queries', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let created: string[];

  const fixture = useTestServer({ partners: 2 });
  beforeAll(async () => {
    server = fixture.server;
    [partner, other] = fixture.partners;
    created = [];
    for (let i = 0; i < 5; i += 1) created.push((await partner.client.createTemplate(aTemplateInput(partner, { name: `Page ${i}` }))).id);
    await other.client.createTemplate(aTemplateInput(other, { name: 'Page 0' }));
  });

  it('pages newest first with first/after, totalCount and hasNextPage', async () => {
    const first = await partner.client.templates({ first: 2 });
    expect(first.totalCount).toBe(5);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.edges.map((e) => e.node.name)).toEqual(['Page 4', 'Page 3']);
    const second = await partner.client.templates({ first: 2, after: first.pageInfo.endCursor! });
    expect(second.edges.map((e) => e.node.name)).toEqual(['Page 2', 'Page 1']);
    expect(second.pageInfo.hasNextPage).toBe(true);
    expect(second.totalCount).toBe(5);
    const third = await partner.client.templates({ first: 2, after: second.pageInfo.endCursor! });
    expect(third.edges.map((e) => e.node.name)).toEqual(['Page 0']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    const all = await partner.client.templates();
    expect(all.edges.map((e) => e.node.id)).toEqual([...created].reverse());
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it('pages exactly to the end: first equal to the count has no next page', async () => {
    const page = await partner.client.templates({ first: 5 });
    expect(page.edges).toHaveLength(5);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(page.pageInfo.endCursor).toBe(page.edges[4].cursor);
  });

  it.each([0, 101, -1])('refuses first: %i with BAD_USER_INPUT (400)', async (first) => {
    const response = await server.post({ query: TEMPLATES_PAGE, variables: { first } }, { token: partner.token });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(response.body.data ?? null).toBeNull();
  });

  it('accepts first: 100 and refuses a cursor that is not one with BAD_USER_INPUT', async () => {
    const ok = await server.post({ query: TEMPLATES_PAGE, variables: { first: 100 } }, { token: partner.token });
    expect(ok.status).toBe(200);
    expect(ok.body.data.templates.edges).toHaveLength(5);
    const bad = await server.post({ query: TEMPLATES_PAGE, variables: { first: 1, after: 'garbage' } }, { token: partner.token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('reads a template by id and by provisioning ID; another partner’s or a malformed one is null', async () => {
    const mine = (await partner.client.template(created[0]))!;
    expect(mine.name).toBe('Page 0');
    expect((await partner.client.templateByProvisioningId(mine.provisioningId))!.id).toBe(mine.id);

    expect(await other.client.template(mine.id)).toBeNull();
    expect(await other.client.templateByProvisioningId(mine.provisioningId)).toBeNull();
    expect(await partner.client.template('not-an-id')).toBeNull();
    expect(await partner.client.template(AN_UNKNOWN_ID)).toBeNull();
    expect(await partner.client.templateByProvisioningId('')).toBeNull();
    expect(await partner.client.templateByProvisioningId(aString(500))).toBeNull();
    expect((await other.client.templates()).totalCount).toBe(1);
  });

  it('trims the provisioning ID like createCustomer does (a copied ID often carries spaces or a newline)', async () => {
    const mine = (await partner.client.template(created[0]))!;
    expect((await partner.client.templateByProvisioningId(`  ${mine.provisioningId}\n`))?.id).toBe(mine.id);
    expect((await partner.client.templateByProvisioningId(`\t${mine.provisioningId} `))?.id).toBe(mine.id);
    expect(await other.client.templateByProvisioningId(` ${mine.provisioningId} `)).toBeNull();
    expect(await partner.client.templateByProvisioningId('   ')).toBeNull();
  });
});
