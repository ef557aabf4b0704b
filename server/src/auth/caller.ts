import type { Database } from '../db/database';
import { PartnerAdmin, PartnerAdminRole } from '../partners/partner-admin.entity';
import { ApiToken } from '../partners/api-token.entity';
import { Partner } from '../partners/partner.entity';
import { hashToken } from '../partners/api-token.secret';
import { IsNull } from 'typeorm';

/** The signed-in admin and their partner; every read and write is scoped to `partnerId`. */
export interface Caller {
  admin: PartnerAdmin;
  partner: Partner;
  partnerId: string;
  canWrite: boolean;
  /** The API token the request authenticated with (absent for the CLI, which has none). */
  token?: { id: string; lastUsedAt: Date | null };
}

/** `lastUsedAt` is written at most this often per token: a write per request would cost every read. */
export const TOKEN_TOUCH_INTERVAL_MS = 5 * 60_000;

const HASH_MARK = '\u0000token-hash';
const callerQueries = new WeakMap<object, { sql: string; params: unknown[]; hashAt: number }>();

/**
 * The caller query's SQL, built by the query builder once per connection and then reused with
 * the token's hash bound: it runs on every request, and building it each time was a visible
 * share of a small request's cost (README, Performance).
 */
function callerQuery(db: Database) {
  let query = callerQueries.get(db.reader);
  if (!query) {
    const [sql, params] = buildCallerQuery(db, HASH_MARK).getQueryAndParameters();
    query = { sql, params, hashAt: params.indexOf(HASH_MARK) };
    if (query.hashAt < 0) throw new Error('caller query lost its token parameter');
    callerQueries.set(db.reader, query);
  }
  return query;
}

export async function resolveCaller(db: Database, token: string): Promise<Caller | null> {
  const query = callerQuery(db);
  const params = [...query.params];
  params[query.hashAt] = hashToken(token);
  const rows: Record<string, string | number>[] = await db.manager.query(query.sql, params);
  const row = rows[0];
  // Expiry is compared here, not in the SQL: the query is built once and reused (see callerQuery).
  if (!row || (row.tokenExpiresAt !== null && row.tokenExpiresAt !== undefined && Number(row.tokenExpiresAt) <= Date.now())) return null;
  const admin = Object.assign(new PartnerAdmin(), {
    id: String(row.adminId), partnerId: String(row.partnerId), email: String(row.email),
    displayName: String(row.displayName), role: row.role as PartnerAdminRole,
    createdAt: new Date(Number(row.adminCreatedAt)),
  });
  const partner = Object.assign(new Partner(), {
    id: String(row.partnerId), name: String(row.partnerName), createdAt: new Date(Number(row.partnerCreatedAt)),
  });
  const lastUsedAt = row.tokenLastUsedAt === null || row.tokenLastUsedAt === undefined ? null : new Date(Number(row.tokenLastUsedAt));
  return {
    admin, partner, partnerId: partner.id, canWrite: admin.role === PartnerAdminRole.FULL_ADMIN,
    token: { id: String(row.tokenId), lastUsedAt },
  };
}

/** Whether the caller's token's `lastUsedAt` is due for a write (see TOKEN_TOUCH_INTERVAL_MS). */
export function tokenTouchDue(caller: Caller, now = Date.now()): boolean {
  return !!caller.token && (caller.token.lastUsedAt === null || now - caller.token.lastUsedAt.getTime() >= TOKEN_TOUCH_INTERVAL_MS);
}

/**
 * A token works while it is not revoked, not expired, and its admin is neither disabled nor the
 * CLI's system identity: checked on every request, so a revocation or a disable-admin takes effect
 * at once, in every process.
 */
function buildCallerQuery(db: Database, hash: string) {
  return db.manager
    .createQueryBuilder(ApiToken, 't')
    .innerJoin(PartnerAdmin, 'a', 'a.id = t.adminId')
    .innerJoin(Partner, 'p', 'p.id = a.partnerId')
    .select([
      'a.id AS "adminId"', 'a.email AS "email"', 'a.displayName AS "displayName"', 'a.role AS "role"',
      'a.createdAt AS "adminCreatedAt"', 'p.id AS "partnerId"', 'p.name AS "partnerName"', 'p.createdAt AS "partnerCreatedAt"',
      't.id AS "tokenId"', 't.lastUsedAt AS "tokenLastUsedAt"', 't.expiresAt AS "tokenExpiresAt"',
    ])
    .where('t.tokenHash = :hash', { hash })
    .andWhere({ revokedAt: IsNull() })
    .andWhere('a.disabledAt IS NULL')
    .andWhere('NOT a.system')
    .limit(1);
}
