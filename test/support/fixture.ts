import { afterAll, beforeAll } from 'vitest';
import type { AppConfig } from '../../server/src/config';
import { startTestServer, type TestPartner, type TestServer } from './test-server';

export interface TestFixture {
  /** The suite's server (started in beforeAll, stopped in afterAll). */
  readonly server: TestServer;
  /** The suite's first partner. */
  readonly partner: TestPartner;
  /** Every partner of the suite, `partners[0]` being `partner`. */
  readonly partners: readonly TestPartner[];
}

/**
 * One server for the describe block it is called in, with `partners` fresh partners (a number,
 * default 1, or their names): the `beforeAll`/`afterAll` every suite used to copy. Its `beforeAll`
 * runs before the suite's own (register it first). Read the fields inside tests and hooks only.
 */
export function useTestServer(
  options: { partners?: number | readonly string[]; overrides?: Partial<AppConfig>; env?: NodeJS.ProcessEnv } = {},
): TestFixture {
  let server: TestServer | undefined;
  const partners: TestPartner[] = [];
  const names: readonly (string | undefined)[] = typeof options.partners === 'object'
    ? options.partners : Array.from({ length: options.partners ?? 1 }, () => undefined);
  beforeAll(async () => {
    server = await startTestServer(options.overrides, options.env);
    for (const name of names) partners.push(await server.newPartner(name));
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTestServer: the server starts in beforeAll; read it inside a test or a hook');
    return value;
  };
  return {
    get server() { return started(server); },
    get partner() { return started(partners[0]); },
    get partners() { return partners; },
  };
}
