import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import { addOnAllowed, AddOn, packageRow } from '../catalog/packages';
import { partnerCount } from '../db/child-counts';
import { Page, PageArgs, pageOf } from '../graphql/connection';
import { normalizeEmail } from '../rules/email';
import { givenText, hasNul, requiredText } from '../rules/strings';
import type { Loaders } from '../graphql/loaders';
import type { UniqueViolation } from '../mutations/write';
import type { Database } from '../db/database';
import { bulkInsert } from '../db/bulk-insert';
import { findOneWhere } from '../db/find-one';
import { isId } from '../db/ids';
import { selectIn } from '../db/select-in';
import { notThroughIndex, trigramSearch } from '../db/text-search';
import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';
import { defineMutation, type Stop, type Written } from '../mutations/define-mutation';
import { captureCustomer } from '../graphql/customer-capture';
import { takenByIndex } from '../mutations/unique-indexes';
import { OnboardingTemplate } from '../templates/template.entity';
import { plausibleProvisioningId } from '../templates/template.rules';
import { NAME_MAX } from '../rules/strings';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import { CustomerPlan, planCustomer, shapeCustomer } from './customer.plan';
import { CreateCustomerInput, CreateCustomerPayload, CustomerFilter } from './customer.inputs';
import { Location } from './location.entity';
import type { CustomerHooks, HeldWebexStatus } from './customer.hooks';
import { emailLanguageWarnings } from '../catalog/email-texts';

export const COMPANY_NAME_MAX = 256;

interface TemplateReference {
  field: 'templateId' | 'provisioningId';
  value: string;
}

/** Exactly one of templateId and provisioningId (trimmed: a copied ID often carries a space); null with an error otherwise. */
export function templateReferenceOf(input: Pick<CreateCustomerInput, 'templateId' | 'provisioningId'>, errors: UserErrors): TemplateReference | null {
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
  return byId !== null ? { field: 'templateId', value: byId } : { field: 'provisioningId', value: byProvisioningId!.trim() };
}
export const EXTERNAL_ID_MAX = 128;

/** §4's externalId rule, shared with updateCustomer: trimmed, not blank, no NUL, at most EXTERNAL_ID_MAX. */
export function normalizeExternalId(value: string | null | undefined, errors: UserErrors): string | null {
  if (value === null || value === undefined) return null;
  const externalId = value.trim();
  if (!externalId) errors.add(UserErrorCode.INVALID, 'externalId must not be blank; omit it instead.', 'externalId');
  else if (hasNul(externalId)) errors.add(UserErrorCode.INVALID, 'externalId must not contain the NUL character (U+0000).', 'externalId');
  else if (externalId.length > EXTERNAL_ID_MAX) errors.add(UserErrorCode.TOO_LONG, `externalId must be at most ${EXTERNAL_ID_MAX} characters.`, 'externalId');
  return externalId;
}

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
 * still TAKEN on the field (test/unique-violation.test.ts produces every index on both engines).
 */
export function uniqueViolationAsUserErrors(violation: UniqueViolation): UserError[] | null {
  return takenByIndex(violation, {
    email: { path: ['adminEmail'], message: 'This email already belongs to a user.' },
    externalId: { path: ['externalId'], message: 'This externalId is taken.' },
  });
}

export class CustomerService {
  constructor(
    private readonly db: Database,
    private readonly hooks: CustomerHooks,
    /** How a dry run's users are matched by `users(filter: { webexStatus })` in memory. */
    readonly heldWebexStatus: HeldWebexStatus = () => undefined,
  ) {}

  private readonly createMutation = defineMutation({
    name: 'createCustomer',
    // One snapshot for the replay lookup and the email check: at READ COMMITTED an identical retry
    // racing its original could miss the customer, then see its admin email taken.
    isolation: 'REPEATABLE READ',
    // Three rows, the admin's invitation, the Webex job and the audit event, whatever the input.
    small: true,
    normalise: (input: CreateCustomerInput, errors) => {
      const externalId = this.normalizeExternalId(input.externalId, errors);
      const templateRef = templateReferenceOf(input, errors);
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
      return { input, externalId, templateRef, companyName, adminEmail, adminFirstName, adminLastName, addOns: addOns as AddOn[] };
    },
    check: async (tx, draft, errors, caller): Promise<CustomerPlan | Stop> => {
      const template = await this.resolveTemplate(tx, caller, draft.templateRef, errors);
      const shape = shapeCustomer(draft, template, errors);
      // The externalId is looked up before every other rule: an identical replay returns the
      // customer it created, whatever has changed since (its admin email is now taken, by itself).
      const existing = draft.externalId !== null && !errors.hasAt('externalId')
        ? await findOneWhere(tx, Customer, { partnerId: caller.partnerId, externalId: draft.externalId }) : null;
      const replay = existing !== null && existing.inputFingerprint === shape.fingerprint;
      const adminEmailTaken = !replay && !errors.hasAt('adminEmail') && (await takenEmails(tx, [draft.adminEmail])).size > 0;
      return planCustomer(draft, shape, { template, existing, adminEmailTaken }, errors, caller.partnerId, new Date());
    },
    write: async (tx, plan): Promise<Written<CustomerPlan>> => {
      if (plan.replayed) return { value: plan, changed: [] };
      const { customer, headquarters, admin } = plan;
      // bulkInsert binds every value; TypeORM's insert() inlines numbers (the timestamps) into
      // the SQL text, so each call prepared a new statement (README, Performance).
      await bulkInsert(tx, Customer, [customer]);
      await bulkInsert(tx, Location, [headquarters]);
      await bulkInsert(tx, CustomerUser, [admin]);
      // The admin invitation (outbox) and the Webex job: the hooks of graphql/services.ts.
      await this.hooks.customerCreated(tx, customer, plan.template, headquarters, admin);
      return { value: plan, changed: [customer.id, headquarters.id, admin.id] };
    },
    capture: (tx, plan, overlay) => captureCustomer(tx, overlay, plan.customer),
    // The answer's headquarters is the row just written: no second query for it.
    prime: (loaders, plan) => { if (!plan.replayed) loaders.headquarters.prime(plan.customer.id, plan.headquarters); },
    taken: (violation) => uniqueViolationAsUserErrors(violation),
    payload: (outcome): CreateCustomerPayload => (outcome.ok
      ? { customer: outcome.value.customer, userErrors: [], warnings: emailLanguageWarnings(outcome.value.customer.language) }
      : { customer: null, userErrors: outcome.userErrors, warnings: [] }),
  });

  create(caller: Caller, input: CreateCustomerInput, loaders?: Loaders | null): Promise<CreateCustomerPayload> {
    return this.createMutation.run(this.db, { caller, loaders }, input);
  }

  private normalizeExternalId(value: string | null | undefined, errors: UserErrors): string | null {
    return normalizeExternalId(value, errors);
  }

  /** The template the reference names, if it is one of the caller's partner. */
  private async resolveTemplate(tx: EntityManager, caller: Caller, ref: TemplateReference | null, errors: UserErrors): Promise<OnboardingTemplate | null> {
    if (ref === null) return null;
    const template = ref.field === 'templateId'
      ? isId(ref.value) ? await findOneWhere(tx, OnboardingTemplate, { id: ref.value, partnerId: caller.partnerId }) : null
      : plausibleProvisioningId(ref.value) ? await findOneWhere(tx, OnboardingTemplate, { provisioningId: ref.value, partnerId: caller.partnerId }) : null;
    if (!template) errors.add(UserErrorCode.NOT_FOUND, 'No template of your partner matches.', ref.field);
    return template;
  }

  async list(caller: Caller, args: PageArgs & { filter?: CustomerFilter | null }): Promise<Page<Customer>> {
    const filter = args.filter;
    const nul = [filter?.search, filter?.externalId].some((text) => text && hasNul(text));
    // A search of 3 characters or more goes through the trigram indexes (on SQLite they find the
    // candidates, the LIKE below still decides); the partner's index is then left alone.
    const trigrams = !nul && filter?.search
      ? trigramSearch(this.db, 'c', 'customer_search', filter.search.toLowerCase(), 'searchFts') : null;
    const partnerColumn = trigrams ? notThroughIndex(this.db, 'c."partnerId"') : 'c."partnerId"';
    const qb = this.db.manager.createQueryBuilder(Customer, 'c').where(`${partnerColumn} = :partnerId`, { partnerId: caller.partnerId });
    // No stored text contains NUL (see hasNul): such a filter matches nothing, and PostgreSQL would refuse it.
    if (nul) qb.andWhere('1 = 0');
    else if (filter?.search) {
      if (trigrams?.sql) qb.andWhere(trigrams.sql, trigrams.params);
      // The admin email (stored lower-cased) first; the rest folded without JavaScript for an ASCII term (Database.caseFoldForLike).
      const fold = (column: string) => this.db.caseFoldForLike(column, filter.search!.toLowerCase());
      qb.andWhere(`(c.adminEmail LIKE :q ESCAPE '\\' OR ${fold('c.companyName')} LIKE :q ESCAPE '\\' OR ${fold('c.externalId')} LIKE :q ESCAPE '\\')`,
        { q: likePattern(filter.search) });
    }
    if (filter?.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter?.templateId) qb.andWhere('c.templateId = :templateId', { templateId: isId(filter.templateId) ? filter.templateId : '' });
    if (filter?.externalId && !hasNul(filter.externalId)) qb.andWhere('c.externalId = :externalId', { externalId: filter.externalId.trim() });
    const unfiltered = !filter?.search && !filter?.status && !filter?.templateId && !filter?.externalId;
    return pageOf(qb, args, 'customers', unfiltered ? partnerCount(this.db, 'customer', caller.partnerId) : undefined);
  }

  async byId(caller: Caller, id: string): Promise<Customer | null> {
    if (!isId(id)) return null;
    return this.db.manager.findOneBy(Customer, { id, partnerId: caller.partnerId });
  }
}

