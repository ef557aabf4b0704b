import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'wpt_';

/** A new bearer token: 32 random bytes, URL-safe, with a prefix that secret scanners can spot. */
export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/**
 * Tokens carry 256 bits of entropy, so a fast hash is enough (no password stretching needed) and
 * lets a request find its token by an indexed lookup.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
