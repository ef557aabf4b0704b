import { beforeAll, describe, expect, it } from 'vitest';
import { PSTN_PROVIDER_SEED } from '../server/src/catalog/pstn-providers';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';
import { aCustomerInput, aTemplateInput } from './support/factories';

/** domain.md §6, written out again here so the server's table is checked against the spec, not itself. */
const PACKAGES_TABLE = [
  { package: 'WEBEX_SUITE', customerLevel: true, userAssignable: true, calling: true, meetings: true, includes: ['WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE', 'WEBEX_MEETINGS'] },
  { package: 'WEBEX_CALLING', customerLevel: true, userAssignable: true, calling: true, meetings: false, includes: ['WEBEX_CALLING_STANDARD', 'WEBEX_VOICE'] },
  { package: 'WEBEX_CALLING_STANDARD', customerLevel: true, userAssignable: true, calling: true, meetings: false, includes: ['WEBEX_VOICE'] },
  { package: 'WEBEX_VOICE', customerLevel: true, userAssignable: true, calling: true, meetings: false, includes: [] },
  { package: 'WEBEX_MEETINGS', customerLevel: true, userAssignable: true, calling: false, meetings: true, includes: [] },
  { package: 'CX_ESSENTIALS', customerLevel: true, userAssignable: true, calling: true, meetings: false, includes: ['WEBEX_CALLING', 'WEBEX_CALLING_STANDARD', 'WEBEX_VOICE'] },
  { package: 'COMMON_AREA_CALLING', customerLevel: false, userAssignable: false, calling: true, meetings: false, includes: [] },
];

/** domain.md §7. */
const EU = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE'];
const EFTA = ['IS', 'LI', 'NO', 'CH'];
const OUTERMOST = ['RE', 'GF', 'GP', 'MQ', 'YT', 'MF', 'PM'];
const REGIONS: Record<string, string[]> = {
  US: ['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM'],
  CA: ['CA'],
  UK: ['GB', 'JE', 'GG', 'IM'],
  EU: [...EU, ...EFTA, ...OUTERMOST],
  JP: ['JP'],
  AU: ['AU', 'NZ'],
  SA: ['SA'],
  AE: ['AE'],
  SG: ['SG', 'MY', 'TH', 'ID', 'PH', 'VN', 'HK', 'MO', 'TW', 'KR', 'IN', 'CN', 'BD', 'LK', 'PK', 'NP', 'KH', 'LA', 'MM', 'BN', 'MN', 'FJ', 'PG'],
};
/** Further ISO-coded territories of EU members that the "…" of §7 may cover. */
const OTHER_EU_TERRITORIES = new Set(['BL', 'AX']);

describe('catalog queries', () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer({ partners: ['Catalog Partner'] });
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('packages is exactly the table of §6', async () => {
    const packages = await partner.client.packages();
    const normalized = packages.map((p) => ({ ...p, includes: [...p.includes].sort() }));
    expect(normalized).toHaveLength(PACKAGES_TABLE.length);
    for (const row of PACKAGES_TABLE) {
      expect(normalized.find((p) => p.package === row.package), row.package).toEqual({ ...row, includes: [...row.includes].sort() });
    }
  });

  it('package includes are transitive: what an included package includes is included too', async () => {
    const packages = await partner.client.packages();
    const byName = new Map(packages.map((p) => [p.package, p]));
    for (const p of packages) {
      for (const included of p.includes) {
        for (const deeper of byName.get(included)!.includes) expect(p.includes, `${p.package} ⊇ ${included} ⊇ ${deeper}`).toContain(deeper);
      }
    }
  });

  it('countries lists about 249 ISO codes, each once, named, with the region of §7', async () => {
    const countries = await partner.client.countries();
    expect(countries.length).toBeGreaterThanOrEqual(245);
    expect(countries.length).toBeLessThanOrEqual(252);
    expect(new Set(countries.map((c) => c.code)).size).toBe(countries.length);
    const expected = new Map(Object.entries(REGIONS).flatMap(([region, codes]) => codes.map((c) => [c, region] as const)));
    for (const country of countries) {
      expect(country.code).toMatch(/^[A-Z]{2}$/);
      expect(country.name.length).toBeGreaterThan(1);
      const region = expected.get(country.code);
      if (region) expect(country.dataRegion, country.code).toBe(region);
      else if (OTHER_EU_TERRITORIES.has(country.code)) expect(['EU', 'US']).toContain(country.dataRegion);
      else expect(country.dataRegion, country.code).toBe('US');
    }
    // every code the table names is in the list
    for (const code of expected.keys()) expect(countries.some((c) => c.code === code), code).toBe(true);
    expect(countries.find((c) => c.code === 'NL')!.name).toMatch(/Netherlands/);
    // XK (Kosovo) is a user-assigned code, not an ISO 3166-1 assignment, though libraries list it
    expect(countries.some((c) => c.code === 'XK')).toBe(false);
  });

  it('languages lists exactly the languages a `language` field accepts, alone and with every country of `countries`', async () => {
    const [languages, countries] = await Promise.all([partner.client.languages(), partner.client.countries()]);
    const codes = new Set(languages.map((l) => l.code));
    expect(codes.size).toBe(languages.length);
    expect(languages.length).toBeGreaterThan(150);
    expect(languages.find((l) => l.code === 'nl')).toEqual({ code: 'nl', name: 'Dutch', replacedBy: null });
    // A former code the rule still accepts is listed, with its successor (itself listed and current).
    expect(languages.find((l) => l.code === 'iw')).toEqual({ code: 'iw', name: 'Hebrew', replacedBy: 'he' });
    for (const l of languages.filter((x) => x.replacedBy)) expect(languages.find((x) => x.code === l.replacedBy), l.code).toMatchObject({ replacedBy: null });

    // The server's own rule decides, over HTTP: every two-letter code is accepted by updateCustomer
    // (a dry run) exactly when the catalog lists it; the country part exactly when `countries` does.
    const template = await partner.client.createTemplate(aTemplateInput(partner));
    const customer = await partner.client.createCustomer(aCustomerInput(template.id));
    const accepts = async (language: string) => {
      const payload = await partner.client.payloads.updateCustomer({ id: customer.id, language, dryRun: true });
      const onLanguage = payload.userErrors.filter((e) => e.field.join('.') === 'input.language');
      expect(payload.userErrors.length, language).toBe(onLanguage.length);
      return onLanguage.length === 0;
    };
    const letters = [...'abcdefghijklmnopqrstuvwxyz'];
    const pairs = letters.flatMap((a) => letters.map((b) => a + b));
    const inBatches = async (values: string[], check: (value: string) => Promise<void>) => {
      for (let i = 0; i < values.length; i += 16) await Promise.all(values.slice(i, i + 16).map(check));
    };
    await inBatches(pairs, async (code) => { expect(await accepts(code), code).toBe(codes.has(code)); });
    const countryCodes = new Set(countries.map((c) => c.code));
    await inBatches(pairs.map((p) => p.toUpperCase()), async (cc) => { expect(await accepts(`nl_${cc}`), `nl_${cc}`).toBe(countryCodes.has(cc)); });
    // Every listed language with a country, too (a former code included).
    await inBatches(languages.map((l) => l.code), async (code) => { expect(await accepts(`${code}_NL`), `${code}_NL`).toBe(true); });
    // The dry runs wrote nothing.
    expect((await partner.client.customer(customer.id))!.language).toBe(customer.language);
  }, 120_000);

  it('pstnProviders is a non-empty catalog with names and valid country codes', async () => {
    const [providers, countries] = await Promise.all([partner.client.pstnProviders(), partner.client.countries()]);
    const codes = new Set(countries.map((c) => c.code));
    expect(providers.length).toBeGreaterThan(0);
    expect(new Set(providers.map((p) => p.id)).size).toBe(providers.length);
    for (const provider of providers) {
      expect(provider.name.length).toBeGreaterThan(0);
      expect(provider.countries.length).toBeGreaterThan(0);
      for (const code of provider.countries) expect(codes.has(code), `${provider.name}: ${code}`).toBe(true);
    }
    // the catalog is global: another partner sees the same
    const other = await server.newPartner();
    expect(await other.client.pstnProviders()).toEqual(providers);
  });

  it('pstnProviders as the migrations seeded them is the catalog in code (a catalog change needs a new migration)', async () => {
    const providers = await partner.client.pstnProviders();
    const byId = (list: Array<{ id: string; name: string; countries: string[] }>) =>
      [...list].map(({ id, name, countries }) => ({ id, name, countries: [...countries].sort() })).sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(providers)).toEqual(byId(PSTN_PROVIDER_SEED.map((p) => ({ ...p }))));
  });

  it('viewer is the signed-in admin with their partner, admins and subscriptions', async () => {
    const viewer = await partner.client.viewer();
    expect(viewer).toMatchObject({ id: partner.adminId, role: 'FULL_ADMIN', partner: { id: partner.partnerId, name: 'Catalog Partner' } });
    expect(viewer.email).toMatch(/@/);
    expect(viewer.partner.admins.map((a) => a.id)).toEqual([partner.adminId]);
    expect(viewer.partner.subscriptions.map((s) => s.id)).toEqual(partner.subscriptionIds);
    expect(viewer.partner.subscriptions[0].externalId).toBe('Sub100452');
    const other = await server.newPartner();
    const otherViewer = await other.client.viewer();
    expect(otherViewer.partner.id).not.toBe(partner.partnerId);
    expect(otherViewer.partner.admins.map((a) => a.id)).toEqual([other.adminId]);
  });
});
