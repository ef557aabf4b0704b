import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

/**
 * Partners' Webex tokens at rest: AES-256-GCM (authenticated: a changed byte fails to decrypt)
 * with a key derived from WEBEX_TOKEN_KEY by scrypt. The partner's id is the additional data, so
 * a ciphertext copied onto another partner's row does not decrypt there. Stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
const SALT = 'webex-token-key/v1';
const keys = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    // scrypt once per process (tens of milliseconds), not per token.
    key = scryptSync(secret, SALT, 32);
    keys.set(secret, key);
  }
  return key;
}

export function encryptToken(secret: string, partnerId: string, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), iv);
  cipher.setAAD(Buffer.from(partnerId, 'utf8'));
  const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/** Null when the value was not encrypted with this key for this partner (a changed WEBEX_TOKEN_KEY). */
export function decryptToken(secret: string, partnerId: string, stored: string): string | null {
  const [version, iv, tag, data] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(partnerId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
