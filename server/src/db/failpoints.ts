import { currentRequestStats } from './request-stats';

/** Failpoint names the code checks; tests arm them per request (config.failpoints + `x-failpoint`). */
export const FAILPOINTS = {
  /** Inside the write transaction, after the mutation's rows and its audit event, right before COMMIT. */
  beforeCommit: 'write.beforeCommit',
} as const;

/** Thrown by an armed failpoint: an internal fault the tests can place exactly. */
export class InjectedFault extends Error {}

/**
 * Throws when the current request armed this failpoint. Without a test harness no request can arm
 * one (the server only honours names listed in config.failpoints, which no environment variable sets).
 */
export function failpoint(name: string): void {
  if (currentRequestStats()?.failpoint === name) throw new InjectedFault(`Injected fault at failpoint ${name}`);
}
