import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ErrorCode } from '../server/src/errors/error-codes';
import {
  API_ERROR_CODES, createClient, GraphQLRequestError,
  type ApiErrorCode, type AuditEventConnection, type Country, type CustomerConnection, type CustomerUserConnection, type Language,
  type LocationConnection, type OutboxConnection, type PackageInfo, type AuditEventListArgs, type PageArgs, type ProvisioningClient,
  type PstnProvider, type TemplateConnection, type Viewer,
} from '../sdk/src/index';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/**
 * Issue 11: the SDK's contract is declared (ProvisioningClient, named results, one PageArgs) and
 * GraphQLRequestError.code is the union of the server's codes, mirrored without importing server code.
 */
describe('SDK contract', () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('the SDK’s error codes are exactly the server’s, each with the same HTTP status', () => {
    // The SDK cannot import server code (it runs in browsers): its list is a copy, kept honest here.
    expect(API_ERROR_CODES).toEqual({ ...ErrorCode });
    expect(Object.keys(API_ERROR_CODES).sort()).toEqual(Object.keys(ErrorCode).sort());
    expectTypeOf<ApiErrorCode>().toEqualTypeOf<keyof typeof ErrorCode>();
  });

  it('GraphQLRequestError.code is an ApiErrorCode, from the real server', async () => {
    const error = await createClient({ url: server.url, token: 'wpt_not-a-token' }).viewer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLRequestError);
    const { code, status } = error as GraphQLRequestError;
    expectTypeOf(code).toEqualTypeOf<ApiErrorCode>();
    expect([code, status]).toEqual(['UNAUTHENTICATED', 401]);
    // over the alias limit (30): another member of the union, same path
    const tooDeep = await partner.client.request(`{ viewer { partner { admins { id } } } ${'x: viewer { id } '.repeat(31)}}`).catch((e: unknown) => e);
    expect(tooDeep).toMatchObject({ code: 'QUERY_TOO_COMPLEX', status: 400 });
  });

  it('a code the SDK does not know becomes the code of its HTTP status; the code as sent stays in errors', async () => {
    const stub = http.createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Unknown operation named "X".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/`;
      const error = await createClient({ url, token: 't' }).viewer().catch((e: unknown) => e) as GraphQLRequestError;
      expect(error).toBeInstanceOf(GraphQLRequestError);
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.errors[0].extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    } finally {
      stub.closeAllConnections();
      await new Promise<void>((resolve) => stub.close(() => resolve()));
    }
  });

  it('every method’s result has a name a caller can import', async () => {
    const hub: ProvisioningClient = partner.client;
    expectTypeOf(hub.viewer).returns.resolves.toEqualTypeOf<Viewer>();
    expectTypeOf(hub.packages).returns.resolves.toEqualTypeOf<PackageInfo[]>();
    expectTypeOf(hub.pstnProviders).returns.resolves.toEqualTypeOf<PstnProvider[]>();
    expectTypeOf(hub.countries).returns.resolves.toEqualTypeOf<Country[]>();
    expectTypeOf(hub.languages).returns.resolves.toEqualTypeOf<Language[]>();
    expectTypeOf(hub.templates).returns.resolves.toEqualTypeOf<TemplateConnection>();
    expectTypeOf(hub.customers).returns.resolves.toEqualTypeOf<CustomerConnection>();
    expectTypeOf(hub.customerUsers).returns.resolves.toEqualTypeOf<CustomerUserConnection | null>();
    expectTypeOf(hub.customerLocations).returns.resolves.toEqualTypeOf<LocationConnection | null>();
    expectTypeOf(hub.customerOutbox).returns.resolves.toEqualTypeOf<OutboxConnection | null>();
    expectTypeOf(hub.auditEvents).returns.resolves.toEqualTypeOf<AuditEventConnection>();
    // one PageArgs for every list (audit events add how many target ids to read)
    expectTypeOf(hub.templates).parameter(0).toEqualTypeOf<PageArgs | undefined>();
    expectTypeOf(hub.auditEvents).parameter(0).toEqualTypeOf<AuditEventListArgs | undefined>();
    expectTypeOf<AuditEventListArgs>().toMatchTypeOf<PageArgs>();
    expectTypeOf(hub.customerLocations).parameter(1).toEqualTypeOf<PageArgs | undefined>();
    expectTypeOf(hub.customerOutbox).parameter(1).toEqualTypeOf<PageArgs | undefined>();

    const viewer: Viewer = await hub.viewer();
    expect(viewer.id).toBe(partner.adminId);
    const page: TemplateConnection = await hub.templates({ first: 1 } satisfies PageArgs);
    expect(page.totalCount).toBe(0);
  });
});
