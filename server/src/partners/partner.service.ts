import { EntityManager, IsNull } from 'typeorm';
import { generateToken, hashToken } from './api-token.secret';
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

/** A plausible address: something@domain.tld, no spaces. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const DISPLAY_NAME_MAX = 128;
/** The CLI's own identity's addresses (see the import identity): never an operator's admin. */
export const SYSTEM_EMAIL_DOMAIN = '@system.invalid';

/**
 * Thrown for operator mistakes (unknown ids, values a rule refuses), in the domain's words: the CLI
 * checks its own flags first and names them (cli/main.ts).
 */
/** Thrown for operator mistakes in the CLI (unknown ids, bad arguments). */
export class PartnerCommandError extends Error {}

/** Partners, their admins and tokens: what the CLI and the demo seed create. */
export class PartnerService {
  constructor(private readonly db: Database) {}

  async createPartner(options: { name: string; adminEmail: string; adminName?: string; subscriptions?: string[] }): Promise<CreatedPartner> {
    const name = options.name.trim();
    const email = options.adminEmail.trim().toLowerCase();
    if (!name) throw new PartnerCommandError('a partner needs a name');
    if (!EMAIL.test(email)) throw new PartnerCommandError(`the admin email ${JSON.stringify(options.adminEmail)} is not an email address`);
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
    if (!EMAIL.test(email)) throw new PartnerCommandError(`the admin email ${JSON.stringify(options.email)} is not an email address`);
    if (email.endsWith(SYSTEM_EMAIL_DOMAIN)) throw new PartnerCommandError(`${SYSTEM_EMAIL_DOMAIN} addresses are reserved for the CLI's own identity`);
    if (!Object.values(PartnerAdminRole).includes(options.role)) {
      throw new PartnerCommandError(`an admin's role is one of ${Object.values(PartnerAdminRole).join(', ')}`);
    }
    const displayName = options.displayName?.trim() ?? email.split('@')[0];
    if (!displayName || displayName.length > DISPLAY_NAME_MAX) throw new PartnerCommandError(`a display name has 1 to ${DISPLAY_NAME_MAX} characters`);
    const token = generateToken();
    const adminId = newId();
    await this.db.write(async (tx) => {
      if (!isId(options.partnerId) || !(await tx.existsBy(Partner, { id: options.partnerId }))) {
        throw new PartnerCommandError(`no partner with id ${options.partnerId}`);
      }
      // One admin per address and partner: a second would be indistinguishable in viewer's list
      // (a disabled one still holds its address: its audit events name it).
      const existing = await tx.findOne(PartnerAdmin, { select: { id: true }, where: { partnerId: options.partnerId, email } });
      if (existing) throw new PartnerCommandError(`the partner already has an admin with email ${email} (${existing.id})`);
      const now = new Date();
      await tx.insert(PartnerAdmin, {
        id: adminId, partnerId: options.partnerId, email, displayName, role: options.role, createdAt: now,
      });
      await tx.insert(ApiToken, { id: newId(), adminId, tokenHash: hashToken(token), createdAt: now, revokedAt: null });
    });
    return { adminId, token };
  }

  /** The partner's admins (the CLI's system identity left out), disabled ones included and marked. */
  async listAdmins(partnerId: string) {
    if (!isId(partnerId) || !(await this.db.manager.existsBy(Partner, { id: partnerId }))) {
      throw new PartnerCommandError(`no partner with id ${partnerId}`);
    }
    const admins = await this.db.manager.find(PartnerAdmin, { where: { partnerId, system: false }, order: { id: 'ASC' } });
    return {
      admins: admins.map((a) => ({
        id: a.id, email: a.email, displayName: a.displayName, role: a.role,
        createdAt: a.createdAt.toISOString(), disabledAt: a.disabledAt?.toISOString() ?? null,
      })),
    };
  }

  /** Disables an admin: its tokens stop working at once (every request checks), it leaves every list. */
  async disableAdmin(adminId: string): Promise<{ adminId: string; disabled: true }> {
    await this.db.write(async (tx) => {
      const admin = await this.activeOrDisabledAdmin(tx, adminId);
      if (!admin.disabledAt) await tx.update(PartnerAdmin, { id: adminId }, { disabledAt: new Date() });
    });
    return { adminId, disabled: true };
  }

  /** `{ token }` as domain.md §10 has it, with `expiresAt` when the token expires (list-tokens gives ids). */
  async createToken(adminId: string, options: { expiresInDays?: number } = {}): Promise<{ token: string; expiresAt?: string }> {
    const token = generateToken();
    const tokenId = newId();
    const now = new Date();
    const expiresAt = options.expiresInDays === undefined ? null : new Date(now.getTime() + options.expiresInDays * 86_400_000);
    await this.db.write(async (tx) => {
      const admin = await this.activeOrDisabledAdmin(tx, adminId);
      if (admin.disabledAt) throw new PartnerCommandError(`admin ${adminId} is disabled: a token for it would not work`);
      await tx.insert(ApiToken, { id: tokenId, adminId, tokenHash: hashToken(token), createdAt: now, revokedAt: null, expiresAt });
    });
    return expiresAt ? { token, expiresAt: expiresAt.toISOString() } : { token };
  }

  /** An admin's tokens: id and dates only; the token itself is never stored, so never shown. */
  async listTokens(adminId: string) {
    await this.activeOrDisabledAdmin(this.db.manager, adminId);
    const tokens = await this.db.manager.find(ApiToken, { where: { adminId }, order: { id: 'ASC' } });
    return {
      tokens: tokens.map((t) => ({
        id: t.id, createdAt: t.createdAt.toISOString(), lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
        expiresAt: t.expiresAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Revokes at once: every request looks its token up, nothing caches it. */
  async revokeToken(token: string): Promise<{ revoked: boolean }> {
    const result = await this.db.write((tx) =>
      tx.update(ApiToken, { tokenHash: hashToken(token), revokedAt: IsNull() }, { revokedAt: new Date() }));
    if (!result.affected) throw new PartnerCommandError('no active token matches');
    return { revoked: true };
  }

  /** Revokes by id (from list-tokens), for a token nobody has at hand any more. */
  async revokeTokenById(tokenId: string): Promise<{ revoked: boolean }> {
    const result = isId(tokenId)
      ? await this.db.write((tx) => tx.update(ApiToken, { id: tokenId, revokedAt: IsNull() }, { revokedAt: new Date() }))
      : { affected: 0 };
    if (!result.affected) throw new PartnerCommandError(`no active token with id ${tokenId}`);
    return { revoked: true };
  }

  /** An admin an operator may name (the CLI's system identity is not one). */
  private async activeOrDisabledAdmin(manager: EntityManager, adminId: string): Promise<PartnerAdmin> {
    const admin = isId(adminId) ? await manager.findOneBy(PartnerAdmin, { id: adminId, system: false }) : null;
    if (!admin) throw new PartnerCommandError(`no admin with id ${adminId}`);
    return admin;
  }

  async adminIdByEmail(email: string): Promise<string | null> {
    const admin = await this.db.manager.findOne(PartnerAdmin, { select: { id: true }, where: { email: email.toLowerCase() } });
    return admin?.id ?? null;
  }

  async hasAnyPartner(): Promise<boolean> {
    return (await this.db.manager.count(Partner)) > 0;
  }
}
