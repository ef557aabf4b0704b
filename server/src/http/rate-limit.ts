import type { NextFunction, Request, Response } from 'express';
import { bearerToken, hashToken } from '../auth/tokens';
import { errorBody } from '../errors/error-codes';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token bucket per API token (per address when none is sent): `burst` requests at once, refilled
 * at `perSecond`. A caller over its budget gets 429 with Retry-After at once, so one busy script
 * cannot slow everyone else down.
 */
export function rateLimit(options: { burst: number; perSecond: number }) {
  const buckets = new Map<string, Bucket>();
  const { burst, perSecond } = options;
  let lastSweep = Date.now();

  return (req: Request, res: Response, next: NextFunction) => {
    if (perSecond <= 0) return next();
    const now = Date.now();
    if (now - lastSweep > 60_000) {
      // Full buckets carry no information; dropping them bounds memory by active callers.
      for (const [key, bucket] of buckets) if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond >= burst) buckets.delete(key);
      lastSweep = now;
    }
    const token = bearerToken(req.headers.authorization);
    const key = token ? `t:${hashToken(token)}` : `ip:${req.ip}`;
    const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
      res.status(429).set('Retry-After', String(retryAfter)).json(
        errorBody('RATE_LIMITED', `Too many requests for this token; retry after ${retryAfter} s.`, { retryAfterSeconds: retryAfter }));
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
