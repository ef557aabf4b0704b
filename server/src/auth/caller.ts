import type { Database } from '../db/database';
import { PartnerAdmin, PartnerAdminRole } from '../partners/partner-admin.entity';
import { ApiToken } from '../partners/api-token.entity';
import { Partner } from '../partners/partner.entity';
import { apiError } from '../errors/error-codes';
import { hashToken } from './tokens';
import { IsNull } from 'typeorm';

/** The signed-in admin and their partner; every read and write is scoped to `partnerId`. */
export interface Caller {
  admin: PartnerAdmin;
  partner: Partner;
  partnerId: string;
  canWrite: boolean;
}

export async function resolveCaller(db: Database, token: string): Promise<Caller | null> {
  const row = await db.manager
    .createQueryBuilder(ApiToken, 't')
    .innerJoin(PartnerAdmin, 'a', 'a.id = t.adminId')
    .innerJoin(Partner, 'p', 'p.id = a.partnerId')
    .select([
      'a.id AS "adminId"', 'a.email AS "email"', 'a.displayName AS "displayName"', 'a.role AS "role"',
      'a.createdAt AS "adminCreatedAt"', 'p.id AS "partnerId"', 'p.name AS "partnerName"', 'p.createdAt AS "partnerCreatedAt"',
    ])
    .where('t.tokenHash = :hash', { hash: hashToken(token) })
    .andWhere({ revokedAt: IsNull() })
    .getRawOne<Record<string, string | number>>();
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

export function requireCaller(caller: Caller | null | undefined): Caller {
  if (!caller) throw apiError('UNAUTHENTICATED', 'Send a valid API token: Authorization: Bearer <token>.');
  return caller;
}
