import type { Database } from '../db/database';
import { PartnerAdmin, PartnerAdminRole } from '../partners/partner-admin.entity';
import { ApiToken } from '../partners/api-token.entity';
import { Partner } from '../partners/partner.entity';
import { hashToken } from './tokens';
import { IsNull } from 'typeorm';

/** The signed-in admin and their partner; every read and write is scoped to `partnerId`. */
export interface Caller {
  admin: PartnerAdmin;
  partner: Partner;
  partnerId: string;
  canWrite: boolean;
}

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
  if (!row) return null;
  const admin = Object.assign(new PartnerAdmin(), {
    id: String(row.adminId), partnerId: String(row.partnerId), email: String(row.email),
    displayName: String(row.displayName), role: row.role as PartnerAdminRole,
    createdAt: new Date(Number(row.adminCreatedAt)),
  });
  const partner = Object.assign(new Partner(), {
    id: String(row.partnerId), name: String(row.partnerName), createdAt: new Date(Number(row.partnerCreatedAt)),
  });
  return { admin, partner, partnerId: partner.id, canWrite: admin.role === PartnerAdminRole.FULL_ADMIN };
}

function buildCallerQuery(db: Database, hash: string) {
  return db.manager
    .createQueryBuilder(ApiToken, 't')
    .innerJoin(PartnerAdmin, 'a', 'a.id = t.adminId')
    .innerJoin(Partner, 'p', 'p.id = a.partnerId')
    .select([
      'a.id AS "adminId"', 'a.email AS "email"', 'a.displayName AS "displayName"', 'a.role AS "role"',
      'a.createdAt AS "adminCreatedAt"', 'p.id AS "partnerId"', 'p.name AS "partnerName"', 'p.createdAt AS "partnerCreatedAt"',
    ])
    .where('t.tokenHash = :hash', { hash })
    .andWhere({ revokedAt: IsNull() })
    .limit(1);
}
