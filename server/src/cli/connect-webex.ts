import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { Caller } from '../auth/caller';
import type { AppConfig } from '../config';
import type { Database } from '../db/database';
import { isId, newId } from '../db/ids';
import { PartnerAdmin, PartnerAdminRole } from '../partners/partner-admin.entity';
import { Partner } from '../partners/partner.entity';
import { PartnerCommandError } from '../partners/partner.service';
import { WebexAdminService } from '../webex/webex-admin.service';

/** The admin the connect-webex command acts as (one per partner, created on first use), named in the audit trail. */
export const WEBEX_CLI_ADMIN_EMAIL = 'cli-webex@system.invalid';

async function cliCaller(db: Database, partnerId: string): Promise<Caller> {
  return db.write(async (tx) => {
    const partner = isId(partnerId) ? await tx.findOneBy(Partner, { id: partnerId }) : null;
    if (!partner) throw new PartnerCommandError(`no partner with id ${partnerId}`);
    let admin = await tx.findOneBy(PartnerAdmin, { partnerId, email: WEBEX_CLI_ADMIN_EMAIL });
    if (!admin) {
      admin = Object.assign(new PartnerAdmin(), {
        id: newId(), partnerId, email: WEBEX_CLI_ADMIN_EMAIL, displayName: 'Webex connection (CLI)',
        role: PartnerAdminRole.FULL_ADMIN, createdAt: new Date(),
      });
      await tx.insert(PartnerAdmin, admin);
    }
    return { admin, partner, partnerId, canWrite: true };
  });
}

/**
 * `connect-webex --partner-id <id> --access-token <t> [--refresh-token <r>]`: connectWebex for an
 * operator. Prints `{ partnerId, connection, userErrors }` (never a token); exit 1 when refused.
 */
export async function connectWebexCommand(db: Database, config: AppConfig, log: Logger, args: string[]): Promise<{ json: unknown; ok: boolean }> {
  const { values } = parseArgs({ args, options: {
    'partner-id': { type: 'string' }, 'access-token': { type: 'string' }, 'refresh-token': { type: 'string' },
  } });
  const partnerId = values['partner-id'];
  const accessToken = values['access-token'];
  if (!partnerId) throw new PartnerCommandError('--partner-id is required');
  if (!accessToken) throw new PartnerCommandError('--access-token is required');
  const caller = await cliCaller(db, partnerId);
  const result = await new WebexAdminService(db, config.webex, log).connect(caller, { accessToken, refreshToken: values['refresh-token'] ?? null });
  return { json: { partnerId, connection: result.connection, userErrors: result.userErrors }, ok: result.userErrors.length === 0 };
}
