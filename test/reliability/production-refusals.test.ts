import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawPost, startLoggedApp } from './support';

/** Issue 14: production's refusals of GET and introspection say in plain words what to do. */
describe('production refusals in plain words', () => {
  let server: Awaited<ReturnType<typeof startLoggedApp>>;
  let url: string;
  let token: string;

  beforeAll(async () => {
    server = await startLoggedApp({}, { NODE_ENV: 'production' });
    url = server.app.url;
    token = (await server.app.services.partners.createPartner({ name: 'Prod', adminEmail: 'ops@prod.example' })).token;
  });
  afterAll(() => server.stop());

  it('introspection: says it is off in production and where the schema is, not how to configure Apollo', async () => {
    const r = await rawPost(url, JSON.stringify({ query: '{ __schema { types { name } } }' }), { authorization: `Bearer ${token}` });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const message: string = r.json.errors[0].message;
    expect(message).toMatch(/turned off in production \(NODE_ENV=production\)/);
    expect(message).toContain('schema/schema.graphql');
    expect(message).not.toMatch(/ApolloServer|introspection: true/);
  });

  it('GET / from a browser: says this is the API in production and how to call it', async () => {
    for (const headers of [{ accept: 'text/html' }, {}] as Array<Record<string, string>>) {
      const r = await fetch(url, { headers });
      expect(r.status).toBe(400);
      const body = await r.json() as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0].message).toMatch(/production mode .* POST operations to this URL with Content-Type: application\/json and Authorization: Bearer <token>/);
      expect(body.errors[0].message).not.toMatch(/Cross-Site|x-apollo-operation-name/);
    }
  });

  it('a GET query without the preflight header: says to POST JSON or add apollo-require-preflight', async () => {
    const r = await fetch(`${url}?query=${encodeURIComponent('{ viewer { id } }')}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(400);
    const body = await r.json() as { errors: Array<{ message: string }> };
    expect(body.errors[0].message).toContain('Send the operation as a POST with Content-Type: application/json');
    expect(body.errors[0].message).toContain('apollo-require-preflight: true');
    const allowed = await fetch(`${url}?query=${encodeURIComponent('{ viewer { id } }')}`, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
  });
});
