import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Parser } from 'csv-parse';
import { readCsvRecords, runCsvImport, type CsvImportResult, type CsvParserFactory } from '@wholesale-provisioning/csv-users';
import type { Caller } from '../auth/caller';
import type { Services } from '../graphql/services';
import { Customer } from '../customers/customer.entity';
import type { Database } from '../db/database';
import { isId, newId } from '../db/ids';
import { PartnerAdmin, PartnerAdminRole } from '../partners/partner-admin.entity';
import { Partner } from '../partners/partner.entity';
import { PartnerCommandError } from '../partners/partner.service';
import { Package } from '../catalog/packages';

/** The admin the CLI acts as: one per partner, created on first use, named in the audit trail. */
export const CLI_ADMIN_EMAIL = 'cli-import@system.invalid';

/** csv-parse's Node build: the same release and the same reading code as the SDK's browser build. */
const createParser: CsvParserFactory = (options) => new Parser(options);

function cliAdmin(partnerId: string): PartnerAdmin {
  return Object.assign(new PartnerAdmin(), {
    id: newId(), partnerId, email: CLI_ADMIN_EMAIL, displayName: 'CSV import (CLI)',
    role: PartnerAdminRole.FULL_ADMIN, createdAt: new Date(), disabledAt: null, system: true,
  });
}

/**
 * The caller for validating: the partner's CLI admin as stored, or an unsaved one when the CLI
 * has never written for this partner. Dry runs record no audit event, so nothing needs the admin
 * to exist, and validating (or `--dry-run`) writes nothing at all.
 */
export async function cliValidationCaller(db: Database, customer: Customer): Promise<Caller> {
  const partner = (await db.manager.findOneBy(Partner, { id: customer.partnerId }))!;
  const admin = await db.manager.findOneBy(PartnerAdmin, { partnerId: partner.id, email: CLI_ADMIN_EMAIL, system: true }) ?? cliAdmin(partner.id);
  return { admin, partner, partnerId: partner.id, canWrite: true };
}

/**
 * The caller for writing: a system admin of the customer's partner ("CSV import (CLI)", FULL_ADMIN,
 * no API token), created here on first use, so every audit event of an import names it. Called
 * only right before the first write batch.
 */
export async function cliWriteCaller(db: Database, customer: Customer): Promise<Caller> {
  return db.write(async (tx) => {
    const partner = (await tx.findOneBy(Partner, { id: customer.partnerId }))!;
    let admin = await tx.findOneBy(PartnerAdmin, { partnerId: partner.id, email: CLI_ADMIN_EMAIL, system: true });
    if (!admin) {
      admin = cliAdmin(partner.id);
      await tx.insert(PartnerAdmin, admin);
    }
    return { admin, partner, partnerId: partner.id, canWrite: true };
  });
}

/**
 * `--admin-id`: the import acts, and is audited, as that admin of the customer's partner, who must
 * be active and a FULL_ADMIN (the same rights a request with its token would need).
 */
export async function namedAdminCaller(db: Database, customer: Customer, adminId: string, what = 'importing users'): Promise<Caller> {
  const admin = isId(adminId) ? await db.manager.findOneBy(PartnerAdmin, { id: adminId, system: false }) : null;
  if (!admin || admin.partnerId !== customer.partnerId) {
    throw new PartnerCommandError(`no admin with id ${adminId} in the partner of customer ${customer.id}`);
  }
  if (admin.disabledAt) throw new PartnerCommandError(`admin ${adminId} is disabled`);
  if (admin.role !== PartnerAdminRole.FULL_ADMIN) throw new PartnerCommandError(`admin ${adminId} is ${admin.role}: ${what} needs a FULL_ADMIN`);
  const partner = (await db.manager.findOneBy(Partner, { id: customer.partnerId }))!;
  return { admin, partner, partnerId: partner.id, canWrite: true };
}

/** A missing, unreadable or non-regular file is the operator's mistake (exit 2), not a crash. */
export function assertReadableFile(file: string): void {
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new PartnerCommandError(`no file ${file}`);
  if (!stat.isFile()) throw new PartnerCommandError(`${file} is not a regular file`);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new PartnerCommandError(`${file} cannot be read (permissions)`);
  }
}

export async function importUsersCommand(services: Services, db: Database, args: string[]): Promise<CsvImportResult> {
  const { values } = parseArgs({ args, options: {
    'customer-id': { type: 'string' }, file: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'batch-size': { type: 'string' },
    'admin-id': { type: 'string' },
  } });
  const customerId = values['customer-id'];
  const file = values.file;
  if (!customerId) throw new PartnerCommandError('--customer-id is required');
  if (!file) throw new PartnerCommandError('--file is required');
  assertReadableFile(file);
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)) {
    throw new PartnerCommandError('--batch-size must be an integer from 1 to 10000');
  }
  const customer = isId(customerId) ? await db.manager.findOneBy(Customer, { id: customerId }) : null;
  if (!customer) throw new PartnerCommandError(`no customer with id ${customerId}`);
  const named = values['admin-id'] === undefined ? null : await namedAdminCaller(db, customer, values['admin-id']);
  const validator = named ?? await cliValidationCaller(db, customer);
  let writer: Caller | null = named;
  return runCsvImport(readCsvRecords(createReadStream(file), createParser), async (users, dryRun) => {
    const caller = dryRun ? validator : (writer ??= await cliWriteCaller(db, customer));
    return services.setup.setup(caller, { customerId, dryRun, users: users.map((u) => ({ ...u, package: u.package as Package })) });
    // The schema's packages are the catalog's enum: the reader refuses any other cell on its line.
  }, Object.values(Package), {
    batchSize,
    dryRun: values['dry-run'] ?? false,
    onProgress: (p) => process.stderr.write(`${p.phase} batch ${p.batch}/${p.batches}: ${p.rows} rows\n`),
  });
}
