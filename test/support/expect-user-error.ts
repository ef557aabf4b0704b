import { expect } from 'vitest';

interface PayloadLike {
  userErrors: Array<{ code: string; field: string[]; message: string }>;
}

type Expected = [code: string, ...field: Array<string | number>];

const describeError = (code: string, field: Array<string | number>) => `${code}@${field.map(String).join('.')}`;

/**
 * Asserts the payload's only user error is `code` at exactly `field` (e.g. 'input', 'users', 3,
 * 'email'): an extra error fails the test. For several errors, expectUserErrors.
 */
export function expectUserError(payload: PayloadLike, code: string, ...field: Array<string | number>): void {
  expectUserErrors(payload, [[code, ...field]]);
}

/** Asserts the payload's user errors are exactly these (in any order), each with a message. */
export function expectUserErrors(payload: PayloadLike, expected: Expected[]): void {
  const got = payload.userErrors.map((e) => describeError(e.code, e.field)).sort();
  expect(got, JSON.stringify(payload.userErrors, null, 1)).toEqual(expected.map(([code, ...field]) => describeError(code, field)).sort());
  for (const e of payload.userErrors) expect(e.message.length).toBeGreaterThan(0);
}

/**
 * Asserts the payload carries `code` at exactly `field`, among possibly others: only where the
 * other errors are not the test's point (e.g. one rule checked across many generated inputs).
 */
export function expectSomeUserError(payload: PayloadLike, code: string, ...field: Array<string | number>): void {
  const path = field.map(String);
  const match = payload.userErrors.find((e) => e.code === code && e.field.join('/') === path.join('/'));
  if (!match) {
    throw new Error(`expected ${code} at ${JSON.stringify(path)}, got ${JSON.stringify(payload.userErrors, null, 1)}`);
  }
  expect(match.message.length).toBeGreaterThan(0);
}

/** Asserts the payload has no user errors (printing them when it does). */
export function expectNoUserErrors(payload: PayloadLike): void {
  expect(payload.userErrors, JSON.stringify(payload.userErrors)).toEqual([]);
}
