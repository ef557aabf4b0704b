import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import { addOnAllowed, AddOn, Package, packageRow } from '../catalog/packages';
import { defaultRegionFor } from '../catalog/regions';
import { Page, PageArgs, pageOf } from '../common/connection';
import { normalizeEmail } from '../common/email';
import { givenText, hasNul, requiredText } from '../common/strings';
import { UniqueViolation, writeOrUserErrors } from '../common/write';
import type { Database } from '../db/database';
import { bulkInsert } from '../db/bulk-insert';
import { findOneWhere } from '../db/find-one';
import { isId, newId } from '../db/ids';
import { selectIn } from '../db/select-in';
import { UserError, UserErrorCode, UserErrors, UserErrorsAbort } from '../errors/user-error';
import { OnboardingTemplate, settingsOf } from '../templates/template.entity';
import { normalizeLanguage, plausibleProvisioningId } from '../templates/template.rules';
import { NAME_MAX } from '../setup/setup.rules';
import { CustomerAdminRole, CustomerStatus } from './customer.enums';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import { CreateCustomerInput, CreateCustomerPayload, CustomerFilter } from './customer.inputs';
import { Location } from './location.entity';
import { normalizeLocation } from './location.rules';
import { attachPreview, rememberHeadquarters } from './customer.preview';
import { enqueueAdminInvitation } from '../outbox/outbox.enqueue';
import { emailLanguageWarnings } from '../outbox/email-texts';

export const COMPANY_NAME_MAX = 256;
export const EXTERNAL_ID_MAX = 128;

/** `%` and `_` match themselves in a LIKE pattern built from user text. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Case-insensitive "email is taken" check for lower-cased addresses, in chunks that stay under
 * bound-parameter limits. By lower("email"), the expression of the unique index ux_user_email_lower,
 * so each address is one index lookup.
 */
export async function takenEmails(tx: EntityManager, emails: string[]): Promise<Set<string>> {
  const rows = await selectIn<{ email: string }>(tx, 'customer_user', ['email'], 'email', emails, { lower: true });
  return new Set(rows.map((r) => r.email.toLowerCase()));
}

/**
 * createCustomer's answer to a unique violation: a concurrent request took the admin email or the
 * externalId after our checks (PostgreSQL; the write was retried, so this is a race that repeated):
 * still TAKEN on the field. The index names are PostgreSQL's, or SQLite's `index 'name'` /
 * `table.column` (test/unique-violation.test.ts produces every one of them).
 */
export function uniqueViolationAsUserErrors(violation: UniqueViolation): UserError[] | null {
  const errors = UserErrors.root('input');
  if (/user_email|customer_user\.email/.test(violation.index)) errors.add(UserErrorCode.TAKEN, 'This email already belongs to a user.', 'adminEmail');
  else if (/external_id|customer\.partnerId/.test(violation.index)) errors.add(UserErrorCode.TAKEN, 'This externalId is taken.', 'externalId');
  else return null;
  return errors.list;
}

export class CustomerService {
  constructor(private readonly db: Database) {}

  async create(caller: Caller, input: CreateCustomerInput): Promise<CreateCustomerPayload> {
    const errors = UserErrors.root('input');
    const dryRun = input.dryRun ?? false;
    const outcome = await writeOrUserErrors(this.db, async (tx) => {
      const externalId = this.normalizeExternalId(input.externalId, errors);
      const template = await this.resolveTemplate(tx, caller, input, errors);
      const companyName = requiredText(input.companyName, COMPANY_NAME_MAX, errors, 'companyName', 'Company name');
      if (companyName.includes('%')) errors.add(UserErrorCode.INVALID, 'Company name must not contain %.', 'companyName');
      const adminEmail = normalizeEmail(input.adminEmail, errors, 'adminEmail');
      const adminFirstName = givenText(input.adminFirstName, NAME_MAX, errors, 'adminFirstName', 'The administrator’s first name');
      const adminLastName = givenText(input.adminLastName, NAME_MAX, errors, 'adminLastName', 'The administrator’s last name');
      const row = packageRow(input.package);
      if (!row.customerLevel || !row.userAssignable) {
        errors.add(UserErrorCode.NOT_ALLOWED, `${input.package} cannot be an organization's package: the full administrator must be able to hold it.`, 'package');
      }
      const addOns = [...new Set(input.addOns ?? [])];
      for (const addOn of addOns) {
        if (!addOnAllowed(input.package, addOn)) {
          errors.add(UserErrorCode.NOT_ALLOWED, `${addOn} needs a package with calling that ${input.package} does not include.`, 'addOns');
        }
      }
      const language = normalizeLanguage(input.language, template?.defaultEmailLanguage ?? 'en_US', errors, 'language');
      const hq = normalizeLocation(input.headquarters, language, errors.at('headquarters'));
      const dataRegion = input.dataRegion ?? defaultRegionFor(hq.countryCode);
      const fingerprint = createHash('sha256').update(JSON.stringify([
        template?.id ?? null, companyName, adminEmail, input.package, [...addOns].sort(), externalId, hq, dataRegion, language,
        // only when given, so the fingerprints of customers created before these fields existed still match their replays
        ...(adminFirstName !== null || adminLastName !== null ? [adminFirstName, adminLastName] : []),
      ])).digest('hex');

      // The externalId is looked up before every other rule: an identical replay returns the
      // customer it created, whatever has changed since (its admin email is now taken, by itself).
      if (externalId !== null && !errors.hasAt('externalId')) {
        const existing = await findOneWhere(tx, Customer, { partnerId: caller.partnerId, externalId });
        if (existing?.inputFingerprint === fingerprint) return { customer: existing, replayed: true };
        if (existing) {
          errors.add(UserErrorCode.TAKEN, `externalId "${externalId}" already names a customer created with a different input.`, 'externalId');
        }
      }
      if (input.supportedLocationConfirmed !== true) {
        errors.add(UserErrorCode.NOT_CONFIRMED, 'Confirm that the headquarters is in a Webex-supported location.', 'supportedLocationConfirmed');
      }
      if (!errors.hasAt('adminEmail') && (await takenEmails(tx, [adminEmail])).size > 0) {
        errors.add(UserErrorCode.TAKEN, `${adminEmail} already belongs to a user of an organization.`, 'adminEmail');
      }
      if (errors.any() || !template) throw new UserErrorsAbort(errors.list);

      const now = new Date();
      const customer = Object.assign(new Customer(), {
        id: newId(), partnerId: caller.partnerId, templateId: template.id, companyName, adminEmail,
        package: input.package, addOns: addOns as AddOn[], externalId, status: CustomerStatus.PENDING_SETUP,
        dataRegion, language, templateSettings: settingsOf(template), inputFingerprint: fingerprint,
        createdAt: now, updatedAt: now,
      } satisfies Customer);
      const headquarters = Object.assign(new Location(), {
        ...hq, id: newId(), customerId: customer.id, isHeadquarters: true, createdAt: now,
      } satisfies Location);
      const admin = Object.assign(new CustomerUser(), {
        id: newId(), customerId: customer.id, locationId: headquarters.id,
        firstName: adminFirstName ?? adminEmail.split('@')[0].slice(0, NAME_MAX), lastName: adminLastName ?? companyName.slice(0, NAME_MAX), email: adminEmail,
        package: input.package, phoneNumber: null, extension: null, roles: [CustomerAdminRole.FULL_ADMIN],
        createdAt: now, updatedAt: now,
      } satisfies CustomerUser);
      // bulkInsert binds every value; TypeORM's insert() inlines numbers (the timestamps) into
      // the SQL text, so each call prepared a new statement (README, Performance).
      await bulkInsert(tx, Customer, [customer]);
      await bulkInsert(tx, Location, [headquarters]);
      await bulkInsert(tx, CustomerUser, [admin]);
      await enqueueAdminInvitation(tx, customer, admin);
      await recordAudit(tx, caller, 'createCustomer', [customer.id, headquarters.id, admin.id]);
      rememberHeadquarters(customer, headquarters);
      if (dryRun) await attachPreview(tx, customer);
      return { customer, replayed: false };
    }, {
      dryRun,
      // One snapshot for the replay lookup and the email check: at READ COMMITTED an identical retry
      // racing its original could miss the customer, then see its admin email taken.
      isolation: 'REPEATABLE READ',
      onUniqueViolation: uniqueViolationAsUserErrors,
    });
    return outcome.ok
      ? { customer: outcome.value.customer, userErrors: [], warnings: emailLanguageWarnings(outcome.value.customer.language) }
      : { customer: null, userErrors: outcome.userErrors, warnings: [] };
  }

  private normalizeExternalId(value: string | null | undefined, errors: UserErrors): string | null {
    if (value === null || value === undefined) return null;
    const externalId = value.trim();
    if (!externalId) errors.add(UserErrorCode.INVALID, 'externalId must not be blank; omit it instead.', 'externalId');
    else if (hasNul(externalId)) errors.add(UserErrorCode.INVALID, 'externalId must not contain the NUL character (U+0000).', 'externalId');
    else if (externalId.length > EXTERNAL_ID_MAX) errors.add(UserErrorCode.TOO_LONG, `externalId must be at most ${EXTERNAL_ID_MAX} characters.`, 'externalId');
    return externalId;
  }

  /** Exactly one of templateId and provisioningId, naming a template of the caller's partner. */
  private async resolveTemplate(tx: EntityManager, caller: Caller, input: CreateCustomerInput, errors: UserErrors): Promise<OnboardingTemplate | null> {
    const byId = input.templateId ?? null;
    const byProvisioningId = input.provisioningId ?? null;
    if (byId !== null && byProvisioningId !== null) {
      errors.add(UserErrorCode.INVALID, 'Give either templateId or provisioningId, not both.', 'templateId');
      return null;
    }
    if (byId === null && byProvisioningId === null) {
      errors.add(UserErrorCode.REQUIRED, 'Give templateId or provisioningId.', 'templateId');
      return null;
    }
    const template = byId !== null
      ? isId(byId) ? await findOneWhere(tx, OnboardingTemplate, { id: byId, partnerId: caller.partnerId }) : null
      : plausibleProvisioningId(byProvisioningId!.trim()) ? await findOneWhere(tx, OnboardingTemplate, { provisioningId: byProvisioningId!.trim(), partnerId: caller.partnerId }) : null;
    if (!template) {
      errors.add(UserErrorCode.NOT_FOUND, 'No template of your partner matches.', byId !== null ? 'templateId' : 'provisioningId');
    }
    return template;
  }

  async list(caller: Caller, args: PageArgs & { filter?: CustomerFilter | null }): Promise<Page<Customer>> {
    const qb = this.db.manager.createQueryBuilder(Customer, 'c').where('c.partnerId = :partnerId', { partnerId: caller.partnerId });
    const filter = args.filter;
    // No stored text contains NUL (see hasNul): such a filter matches nothing, and PostgreSQL would refuse it.
    if ([filter?.search, filter?.externalId].some((text) => text && hasNul(text))) qb.andWhere('1 = 0');
    else if (filter?.search) {
      const fold = (column: string) => this.db.caseFold(column);
      qb.andWhere(`(${fold('c.companyName')} LIKE :q ESCAPE '\\' OR c.adminEmail LIKE :q ESCAPE '\\' OR ${fold('c.externalId')} LIKE :q ESCAPE '\\')`,
        { q: likePattern(filter.search) });
    }
    if (filter?.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter?.templateId) qb.andWhere('c.templateId = :templateId', { templateId: isId(filter.templateId) ? filter.templateId : '' });
    if (filter?.externalId && !hasNul(filter.externalId)) qb.andWhere('c.externalId = :externalId', { externalId: filter.externalId.trim() });
    return pageOf(qb, args);
  }

  async byId(caller: Caller, id: string): Promise<Customer | null> {
    if (!isId(id)) return null;
    return this.db.manager.findOneBy(Customer, { id, partnerId: caller.partnerId });
  }
}

