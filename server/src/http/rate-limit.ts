import type { NextFunction, Request, Response } from 'express';
import ipaddr from 'ipaddr.js';
import { bearerToken } from '../auth/tokens';
import { hashToken } from '../partners/api-token.secret';
import { errorBody } from '../errors/error-codes';

/** Buckets kept per kind (tokens, addresses) unless configured: about 2 MB each when full. */
export const DEFAULT_MAX_BUCKETS = 10_000;

export interface RateLimitOptions {
  /** Requests a caller may make at once. */
  burst: number;
  /** Requests refilled per second; 0 turns every limit here off. */
  perSecond: number;
  /** Most buckets kept per kind; beyond it the least recently used one is forgotten. */
  maxBuckets?: number;
}

/**
 * What the access plugin reports once it has checked the request's token (or found none):
 * the rate limiter charges failed authentications to the client's address and gives a token that
 * authenticated a bucket of its own.
 */
export interface AuthAttempt {
  authenticated(): void;
  failed(): void;
}

class Bucket {
  constructor(public tokens: number, public updatedAt: number) {}

  refill(now: number, burst: number, perSecond: number): void {
    this.tokens = Math.min(burst, this.tokens + ((now - this.updatedAt) / 1000) * perSecond);
    this.updatedAt = now;
  }

  retryAfterSeconds(perSecond: number): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / perSecond));
  }
}

/** A Map that forgets its least recently used entries beyond `max` (Maps iterate in insertion order). */
class BoundedBuckets {
  private readonly map = new Map<string, Bucket>();

  constructor(private readonly max: number) {}

  /** The bucket, marked as most recently used. */
  get(key: string): Bucket | undefined {
    const bucket = this.map.get(key);
    if (bucket) {
      this.map.delete(key);
      this.map.set(key, bucket);
    }
    return bucket;
  }

  set(key: string, bucket: Bucket): void {
    this.map.delete(key);
    this.map.set(key, bucket);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Drops buckets that have refilled: a full bucket carries no information. */
  sweep(now: number, burst: number, perSecond: number): void {
    for (const [key, bucket] of this.map) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond >= burst) this.map.delete(key);
    }
  }
}

const ATTEMPT = Symbol('rate-limit auth attempt');

/** The attempt the rate limiter opened for this response, for the access plugin to report on. */
export function authAttemptOf(res: Response): AuthAttempt | null {
  return (res.locals as Record<symbol, AuthAttempt | undefined>)[ATTEMPT] ?? null;
}

/**
 * The client an address bucket belongs to: the TCP peer (trust proxy is off), IPv4 as is
 * (IPv4-mapped IPv6 included), IPv6 by its /64 prefix, the smallest block one subscriber is
 * usually given: a bucket per IPv6 address would hand a client 2^64 fresh buckets.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.split('%')[0];
  if (!ipaddr.isValid(bare)) return address;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  return `${v6.parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}

/**
 * Token buckets: `burst` requests at once, refilled at `perSecond`; a caller over its budget gets
 * 429 RATE_LIMITED with Retry-After at once, so one busy script cannot slow everyone else down.
 *
 * - A token that authenticated has a bucket of its own, and only that one: many admins behind one
 *   address (a partner portal's backend) are never limited by their address.
 * - Everything else (no token, or a token this process has not seen authenticate) goes through a
 *   bucket per client address, charged for each request without a token and for each token the
 *   access plugin found unknown or revoked. A request with an unseen token reserves one unit before
 *   its token is looked up and gets it back when the token authenticates or when the request ends
 *   without a lookup (refused earlier, e.g. a malformed operation). When the address's bucket is
 *   empty, such requests get 429 before any token lookup: a flood of made-up tokens costs one SQL
 *   lookup per unit of the address's budget, not one per request, and made-up tokens never get a
 *   bucket (a new key each used to mean a full new bucket each, and an ever longer map).
 *
 * Both kinds of bucket are bounded (`maxBuckets` each, least recently used forgotten first; a
 * forgotten bucket is as good as a full one), and full buckets are swept every minute.
 */
export function rateLimit(options: RateLimitOptions) {
  const { burst, perSecond } = options;
  const max = options.maxBuckets ?? DEFAULT_MAX_BUCKETS;
  const tokens = new BoundedBuckets(max);
  const addresses = new BoundedBuckets(max);
  let lastSweep = Date.now();

  const refuse = (res: Response, bucket: Bucket, message: string) => {
    const retryAfter = bucket.retryAfterSeconds(perSecond);
    res.status(429).set('Retry-After', String(retryAfter)).json(
      errorBody('RATE_LIMITED', `${message}; retry after ${retryAfter} s.`, { retryAfterSeconds: retryAfter }));
  };
  const addressBucket = (key: string, now: number) => {
    let bucket = addresses.get(key);
    if (bucket) bucket.refill(now, burst, perSecond);
    else addresses.set(key, (bucket = new Bucket(burst, now)));
    return bucket;
  };

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    if (perSecond <= 0) return next();
    const now = Date.now();
    if (now - lastSweep > 60_000) {
      tokens.sweep(now, burst, perSecond);
      addresses.sweep(now, burst, perSecond);
      lastSweep = now;
    }
    const token = bearerToken(req.headers.authorization);
    const tokenKey = token ? hashToken(token) : null;
    const address = addressKey(req.socket.remoteAddress);

    const own = tokenKey ? tokens.get(tokenKey) : undefined;
    if (tokenKey && own) {
      own.refill(now, burst, perSecond);
      if (own.tokens < 1) return refuse(res, own, 'Too many requests for this token');
      own.tokens -= 1;
      (res.locals as Record<symbol, AuthAttempt>)[ATTEMPT] = {
        authenticated: () => undefined,
        // Revoked since it last authenticated: back to the address's budget, and charged to it.
        failed: () => {
          tokens.delete(tokenKey);
          addressBucket(address, Date.now()).tokens -= 1;
        },
      };
      return next();
    }

    const bucket = addressBucket(address, now);
    if (bucket.tokens < 1) {
      return refuse(res, bucket, token ? 'Too many requests with unknown or revoked API tokens from this address' : 'Too many requests without an API token from this address');
    }
    bucket.tokens -= 1;
    if (!tokenKey) return next(); // nothing to authenticate: every token-less request is charged

    let settled = false;
    const refund = () => {
      if (settled) return;
      settled = true;
      const current = addresses.get(address);
      if (current) current.tokens = Math.min(burst, current.tokens + 1);
    };
    (res.locals as Record<symbol, AuthAttempt>)[ATTEMPT] = {
      authenticated: () => {
        refund();
        const existing = tokens.get(tokenKey);
        if (existing) existing.tokens -= 1; // concurrent first requests of one token
        else tokens.set(tokenKey, new Bucket(burst - 1, Date.now()));
      },
      failed: () => {
        settled = true;
      },
    };
    res.once('close', refund);
    next();
  };

  return middleware;
}
