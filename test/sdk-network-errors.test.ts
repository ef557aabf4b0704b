import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, GraphQLRequestError, HubError, NetworkError } from '../sdk/src/index';

/**
 * Transport failures reject with a NetworkError whose `code` says what happened. Each case runs
 * against a tiny local server that misbehaves in one way (no GraphQL server needed).
 */
describe('SDK transport errors (NetworkError.code)', () => {
  const servers: http.Server[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  /** A local HTTP server answering every request with `handler`; resolves to its URL. */
  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  /** A port nothing listens on: bound once, then released. */
  async function refusedPort(): Promise<number> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  async function failureOf(promise: Promise<unknown>): Promise<NetworkError> {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toBeInstanceOf(HubError);
    expect((error as Error).name).toBe('NetworkError');
    return error as NetworkError;
  }

  it('a refused port is CONNECTION_FAILED, without a status', async () => {
    const hub = createClient({ url: `http://127.0.0.1:${await refusedPort()}/`, token: 't' });
    const error = await failureOf(hub.viewer());
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.cause).toBeDefined();
    // nothing reached a server: safe to send again, whatever the operation (the client retried it)
    expect(error.requestSent).toBe(false);
  });

  it('a server that never answers is TIMEOUT after timeoutMs', async () => {
    const url = await serve(() => { /* never answers */ });
    const started = Date.now();
    const error = await failureOf(createClient({ url, token: 't', timeoutMs: 300 }).viewer());
    expect(error.code).toBe('TIMEOUT');
    expect(error.status).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a server that sends its headers and then stalls the body is TIMEOUT too (the timer covers the body)', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":{"viewer":');
      // …and never finishes
    });
    const error = await failureOf(createClient({ url, token: 't', timeoutMs: 300 }).viewer());
    expect(error.code).toBe('TIMEOUT');
    expect(error.status).toBe(200);
  });

  it('a fetch that ignores the abort signal still times out', async () => {
    const never: typeof fetch = () => new Promise<Response>(() => undefined);
    const error = await failureOf(createClient({ url: 'http://127.0.0.1:1/', token: 't', timeoutMs: 200, fetch: never }).viewer());
    expect(error.code).toBe('TIMEOUT');
  });

  it('a connection that breaks mid-body is CONNECTION_FAILED with the status that arrived', async () => {
    const url = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":', () => setTimeout(() => req.socket.destroy(), 20));
    });
    const error = await failureOf(createClient({ url, token: 't', timeoutMs: 5_000 }).viewer());
    expect(error.code).toBe('CONNECTION_FAILED');
    expect(error.status).toBe(200);
    expect(error.requestSent).toBe(true);
  });

  it('a proxy’s HTML 502 page is BAD_RESPONSE with status 502', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    const error = await failureOf(createClient({ url, token: 't' }).viewer());
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/HTTP 502 \(text\/html\)/);
  });

  it.each([
    ['JSON that is not a GraphQL response', 503, '{"message":"upstream unavailable"}'],
    ['a JSON list', 200, '[1,2]'],
    ['errors that are not a list', 400, '{"errors":"bad"}'],
    ['an empty body', 200, ''],
  ])('%s is BAD_RESPONSE with its status', async (_label, status, body) => {
    const url = await serve((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
    const error = await failureOf(createClient({ url, token: 't' }).viewer());
    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.status).toBe(status);
  });

  it('a GraphQL error answer is still a GraphQLRequestError, not a NetworkError', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'no token', extensions: { code: 'UNAUTHENTICATED' } }] }));
    });
    const error = await createClient({ url, token: 't' }).viewer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});
