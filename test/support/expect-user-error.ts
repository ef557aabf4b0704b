import { expect } from 'vitest';

interface PayloadLike {
  userErrors: Array<{ code: string; field: string[]; message: string }>;
}

/** Asserts the payload carries `code` at exactly `field` (e.g. 'input', 'users', 3, 'email'). */
export function expectUserError(payload: PayloadLike, code: string, ...field: Array<string | number>): void {
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
