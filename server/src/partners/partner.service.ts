import { IsNull } from 'typeorm';
import { generateToken, hashToken } from '../auth/tokens';
import type { Database } from '../db/database';
import { isId, newId } from '../db/ids';
import { ApiToken } from './api-token.entity';
import { PartnerAdmin, PartnerAdminRole } from './partner-admin.entity';
import { Partner } from './partner.entity';
import { WholesaleSubscription } from './wholesale-subscription.entity';

export interface CreatedPartner {
  partnerId: string;
  adminId: string;
  token: string;
  subscriptionIds: string[];
}

/** Thrown for operator mistakes in the CLI (unknown ids, bad arguments). */
export class PartnerCommandError extends Error {}

/** Partners, their admins and tokens: what the CLI and the demo seed create. */
export class PartnerService {
  constructor(private readonly db: Database) {}

  async createPartner(options: { name: string; adminEmail: string; adminName?: string; subscriptions?: string[] }): Promise<CreatedPartner> {
    const name = options.name.trim();
    const email = options.adminEmail.trim().toLowerCase();
    if (!name) throw new PartnerCommandError('--name is required');
    if (!email.includes('@')) throw new PartnerCommandError('--admin-email must be an email address');
    const externalIds = options.subscriptions?.length ? [...new Set(options.subscriptions.map((s) => s.trim()))] : ['Sub' + String(Date.now()).slice(-6)];
    const now = new Date();
    const partner = Object.assign(new Partner(), { id: newId(), name, createdAt: now });
    const admin = Object.assign(new PartnerAdmin(), {
      id: newId(), partnerId: partner.id, email, displayName: options.adminName ?? email.split('@')[0],
      role: PartnerAdminRole.FULL_ADMIN, createdAt: now,
    });
    const subscriptions = externalIds.map((externalId) => Object.assign(new WholesaleSubscription(), {
      id: newId(), partnerId: partner.id, externalId, name: `Webex for Wholesale ${externalId}`, createdAt: now,
    }));
    const token = generateToken();
    await this.db.write(async (tx) => {
      await tx.insert(Partner, partner);
      await tx.insert(PartnerAdmin, admin);
      await tx.insert(WholesaleSubscription, subscriptions);
      await tx.insert(ApiToken, { id: newId(), adminId: admin.id, tokenHash: hashToken(token), createdAt: now, revokedAt: null });
    });
    return { partnerId: partner.id, adminId: admin.id, token, subscriptionIds: subscriptions.map((s) => s.id) };
  }

  async createAdmin(options: { partnerId: string; email: string; role: PartnerAdminRole; displayName?: string }): Promise<{ adminId: string; token: string }> {
    const email = options.email.trim().toLowerCase();
    if (!email.includes('@')) throw new PartnerCommandError('--email must be an email address');
    if (!Object.values(PartnerAdminRole).includes(options.role)) {
      throw new PartnerCommandError(`--role must be one of ${Object.values(PartnerAdminRole).join(', ')}`);
    }
    const token = generateToken();
    const adminId = newId();
    await this.db.write(async (tx) => {
      if (!isId(options.partnerId) || !(await tx.existsBy(Partner, { id: options.partnerId }))) {
        throw new PartnerCommandError(`no partner with id ${options.partnerId}`);
      }
      const now = new Date();
      await tx.insert(PartnerAdmin, {
        id: adminId, partnerId: options.partnerId, email, displayName: options.displayName ?? email.split('@')[0],
        role: options.role, createdAt: now,
      });
      await tx.insert(ApiToken, { id: newId(), adminId, tokenHash: hashToken(token), createdAt: now, revokedAt: null });
    });
    return { adminId, token };
  }

  async createToken(adminId: string): Promise<{ token: string }> {
    const token = generateToken();
    await this.db.write(async (tx) => {
      if (!isId(adminId) || !(await tx.existsBy(PartnerAdmin, { id: adminId }))) {
        throw new PartnerCommandError(`no admin with id ${adminId}`);
      }
      await tx.insert(ApiToken, { id: newId(), adminId, tokenHash: hashToken(token), createdAt: new Date(), revokedAt: null });
    });
    return { token };
  }

  /** Revokes at once: every request looks its token up, nothing caches it. */
  async revokeToken(token: string): Promise<{ revoked: boolean }> {
    const result = await this.db.write((tx) =>
      tx.update(ApiToken, { tokenHash: hashToken(token), revokedAt: IsNull() }, { revokedAt: new Date() }));
    if (!result.affected) throw new PartnerCommandError('no active token matches');
    return { revoked: true };
  }

  async adminIdByEmail(email: string): Promise<string | null> {
    const admin = await this.db.manager.findOne(PartnerAdmin, { select: { id: true }, where: { email: email.toLowerCase() } });
    return admin?.id ?? null;
  }

  async hasAnyPartner(): Promise<boolean> {
    return (await this.db.manager.count(Partner)) > 0;
  }
}
