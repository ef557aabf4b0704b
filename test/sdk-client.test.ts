import { GraphQLError, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ClientOptions } from '../sdk/src/index';
import { aTemplateInput } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** Issue 14: the SDK's first-contact friction (createClient's options, request with text, template warnings). */
describe('SDK client', () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('createClient without a token (or a URL) refuses at once with a TypeError that says what is missing', () => {
    const missing = [
      { url: server.url } as unknown as ClientOptions,
      { url: server.url, token: '' },
      { url: server.url, token: undefined as unknown as string },
      { token: partner.token } as unknown as ClientOptions,
    ];
    expect(() => createClient(missing[0])).toThrow(TypeError);
    expect(() => createClient(missing[0])).toThrow(/needs `token`/);
    expect(() => createClient(missing[1])).toThrow(/needs `token`/);
    expect(() => createClient(missing[2])).toThrow(/needs `token`/);
    expect(() => createClient(missing[3])).toThrow(/needs `url`/);
  });

  it('request() takes an operation’s text as well as a DocumentNode, and refuses anything else with a TypeError', async () => {
    const hub = partner.client;
    expect(await hub.request<{ viewer: { id: string } }>('{ viewer { id } }')).toEqual({ viewer: { id: partner.adminId } });
    expect(await hub.request('query Me { viewer { id } }')).toEqual({ viewer: { id: partner.adminId } });
    expect(await hub.request(parse('{ viewer { id } }'))).toEqual({ viewer: { id: partner.adminId } });
    const withVariables = await hub.request<{ template: null }>('query($id: ID!) { template(id: $id) { id } }', { id: partner.adminId });
    expect(withVariables).toEqual({ template: null });
    await expect(hub.request('{ viewer { id ')).rejects.toBeInstanceOf(GraphQLError);
    await expect(hub.request(42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    await expect(hub.request({ query: '{ viewer { id } }' } as unknown as string)).rejects.toThrow(/its text \(a string\) or a DocumentNode/);
  });

  it('createTemplate and updateTemplate resolve with the payload’s warnings, without changing the template’s shape', async () => {
    const [provider] = await partner.client.pstnProviders();
    const withProvider = await partner.client.createTemplate(aTemplateInput(partner, { pstnProviderId: provider.id }));
    expect(withProvider.warnings).toHaveLength(1);
    expect(withProvider.warnings[0]).toMatch(/not recommended/i);
    // The same object as template(id) gives: warnings are not enumerable.
    expect(withProvider).toEqual(await partner.client.template(withProvider.id));
    expect(Object.keys(withProvider)).not.toContain('warnings');
    expect(JSON.parse(JSON.stringify(withProvider))).not.toHaveProperty('warnings');

    const without = await partner.client.createTemplate(aTemplateInput(partner));
    expect(without.warnings).toEqual([]);
    const updated = await partner.client.updateTemplate({ id: without.id, pstnProviderId: provider.id });
    expect(updated.warnings).toHaveLength(1);
  });
});
