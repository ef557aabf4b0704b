import { beforeAll, describe, expect, it } from 'vitest';
import { aTemplateInput } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** The HTTP surface around GraphQL: which paths answer, and what needs a token. */
describe('HTTP surface', () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  const at = (path: string) => new URL(path, server.url).toString();
  const json = (response: Response): Promise<any> => response.json();
  const postTo = (path: string, body: unknown, token?: string) => fetch(at(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

  describe('GraphQL is served at / only', () => {
    it('answers POST / and GET / (a GET query, and the landing page for a browser)', async () => {
      const post = await postTo('/', { query: '{ viewer { id } }' }, partner.token);
      expect(post.status).toBe(200);
      expect(await json(post)).toEqual({ data: { viewer: { id: partner.adminId } } });

      const get = await fetch(`${at('/')}?query=${encodeURIComponent('{ viewer { id } }')}`, {
        headers: { authorization: `Bearer ${partner.token}`, 'apollo-require-preflight': 'true' },
      });
      expect(get.status).toBe(200);
      expect(await json(get)).toEqual({ data: { viewer: { id: partner.adminId } } });

      const page = await fetch(at('/'), { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    });

    it.each(['/foo', '/graphql', '/healthz/status', '/api/graphql'])('answers POST %s with a JSON 404 NOT_FOUND, without running the operation', async (path) => {
      const response = await postTo(path, { query: '{ viewer { id } }' }, partner.token);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await json(response);
      expect(body).toEqual({ errors: [{ message: expect.stringContaining(path), extensions: { code: 'NOT_FOUND' } }] });
      expect(body.data).toBeUndefined();
      expect(response.headers.get('x-sql-statements')).toBeNull(); // GraphQL never started
    });

    it('answers GET of an unknown path with a JSON 404 NOT_FOUND', async () => {
      const response = await fetch(`${at('/foo')}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(response.status).toBe(404);
      expect((await json(response)).errors[0].extensions.code).toBe('NOT_FOUND');
    });

    it('/healthz answers GET (no token) and refuses POST with 405 instead of running GraphQL', async () => {
      const health = await fetch(at('/healthz'));
      expect(health.status).toBe(200);
      expect(await json(health)).toEqual({ status: 'ok' });

      const post = await postTo('/healthz', { query: '{ __typename }' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      const body = await json(post);
      expect(body.data).toBeUndefined();
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    });
  });

  describe('operations that need no token', () => {
    it('{ __typename } and introspection answer without a token (Sandbox loads the schema before a token is pasted)', async () => {
      const typename = await server.post({ query: '{ __typename }' });
      expect(typename.status).toBe(200);
      expect(typename.body).toEqual({ data: { __typename: 'Query' } });

      const introspection = await server.post({ query: '{ __schema { queryType { name } } }' });
      expect(introspection.status).toBe(200);
      expect(introspection.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    });

    it('an operation with any other field needs a token: { __typename viewer { id } } is 401 UNAUTHENTICATED', async () => {
      const mixed = await server.post({ query: '{ __typename viewer { id } }' });
      expect(mixed.status).toBe(401);
      expect(mixed.body.data).toBeUndefined();
      expect(mixed.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');

      const mutation = await server.post({ query: 'mutation { __typename }' });
      expect(mutation.status).toBe(401);
      expect(mutation.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('x-sql-* headers (outside production)', () => {
    it('x-sql-inserts is absent on a read and names the tables a write inserted into', async () => {
      const read = await server.post({ query: '{ viewer { id } }' }, { token: partner.token });
      expect(read.status).toBe(200);
      expect(Number(read.headers.get('x-sql-statements'))).toBeGreaterThan(0);
      expect(read.headers.get('x-sql-inserts')).toBeNull();

      const write = await server.post({
        query: 'mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { template { id } userErrors { code } } }',
        variables: { input: aTemplateInput(partner) },
      }, { token: partner.token });
      expect(write.body.data.createTemplate.userErrors).toEqual([]);
      expect(write.headers.get('x-sql-inserts')?.split(',')).toContain('onboarding_template=1');
    });
  });
});
