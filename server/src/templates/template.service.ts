import { randomBytes } from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import type { Caller } from '../auth/caller';
import { PstnProvider } from '../catalog/pstn-provider.entity';
import { partnerCount } from '../db/child-counts';
import { Page, PageArgs, pageOf } from '../graphql/connection';
import type { Loaders } from '../graphql/loaders';
import type { UniqueViolation } from '../mutations/write';
import type { Database } from '../db/database';
import { isId, newId } from '../db/ids';
import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';
import { defineMutation } from '../mutations/define-mutation';
import { takenByIndex } from '../mutations/unique-indexes';
import { PartnerAdmin } from '../partners/partner-admin.entity';
import { WholesaleSubscription } from '../partners/wholesale-subscription.entity';
import { normalizeWebexProvisioningId } from './webex-provisioning-id.rules';
import { OnboardingTemplate } from './template.entity';
import { CreateTemplateInput, CreateTemplatePayload } from './template.inputs';
import {
  DEFAULT_EMAIL_LANGUAGE, normalizeAuthentication, normalizeBrandName, normalizeCountryCode,
  normalizeLanguage, normalizeName, normalizeOffer, plausibleProvisioningId, pstnWarnings,
} from './template.rules';

/** An opaque, URL-safe id of 24 characters (144 random bits): never guessed, never reused. */
export function newProvisioningId(): string {
  return randomBytes(18).toString('base64url');
}

export class TemplateService {
  constructor(private readonly db: Database) {}

  private readonly createMutation = defineMutation({
    name: 'createTemplate',
    normalise: (input: CreateTemplateInput, errors, caller): OnboardingTemplate => {
      const now = new Date();
      return Object.assign(new OnboardingTemplate(), {
        id: newId(),
        partnerId: caller.partnerId,
        provisioningId: newProvisioningId(),
        offer: normalizeOffer(input.offer),
        name: normalizeName(input.name, errors),
        countryCode: normalizeCountryCode(input.countryCode, errors),
        serviceProviderAdminId: input.serviceProviderAdminId,
        subscriptionId: input.subscriptionId,
        ...normalizeAuthentication(input.authentication, errors.at('authentication')),
        pstnProviderId: input.pstnProviderId ?? null,
        brandName: normalizeBrandName(input.brandName, errors),
        defaultEmailLanguage: normalizeLanguage(input.defaultEmailLanguage, DEFAULT_EMAIL_LANGUAGE, errors, 'defaultEmailLanguage'),
        restrictAdminInvitationEmails: input.restrictAdminInvitationEmails ?? false,
        disableWebexCallingOneToOne: input.disableWebexCallingOneToOne ?? false,
        webexProvisioningId: normalizeWebexProvisioningId(input.webexProvisioningId, errors),
        createdAt: now,
        updatedAt: now,
      } satisfies OnboardingTemplate);
    },
    check: async (tx, template, errors, caller) => {
      await this.checkReferences(tx, caller, template, errors);
      return template;
    },
    write: async (tx, template) => {
      await tx.insert(OnboardingTemplate, template);
      return { value: template, changed: [template.id] };
    },
    taken: (violation) => this.uniqueViolationAsUserErrors(violation),
    payload: (outcome): CreateTemplatePayload => {
      const warnings = pstnWarnings(outcome.draft?.pstnProviderId ?? null, outcome.ok ? [] : outcome.userErrors);
      return outcome.ok
        ? { template: outcome.value, userErrors: [], warnings }
        : { template: null, userErrors: outcome.userErrors, warnings };
    },
  });

  create(caller: Caller, input: CreateTemplateInput, loaders?: Loaders | null): Promise<CreateTemplatePayload> {
    return this.createMutation.run(this.db, { caller, loaders }, input);
  }

  /** Lookups that need the database: the name is free, the admin, subscription and provider exist. */
  async checkReferences(tx: EntityManager, caller: Caller, template: OnboardingTemplate, errors: UserErrors): Promise<void> {
    const partnerId = caller.partnerId;
    if (template.name && !errors.hasAt('name')) {
      // caseFold, not lower(): SQLite's lower() folds ASCII only, so "ZÜRICH" would not clash with "Zürich".
      const clash = await tx.createQueryBuilder(OnboardingTemplate, 't')
        .where('t.partnerId = :partnerId', { partnerId })
        .andWhere(`${this.db.caseFold('t.name')} = :name`, { name: template.name.toLowerCase() })
        .andWhere('t.id <> :id', { id: template.id })
        .getExists();
      if (clash) errors.add(UserErrorCode.TAKEN, `A template named "${template.name}" already exists.`, 'name');
    }
    const admin = isId(template.serviceProviderAdminId)
      && await tx.existsBy(PartnerAdmin, { id: template.serviceProviderAdminId, partnerId, disabledAt: IsNull(), system: false });
    if (!admin) errors.add(UserErrorCode.NOT_FOUND, 'No active admin of your partner has this id (see viewer.partner.admins).', 'serviceProviderAdminId');
    const subscription = isId(template.subscriptionId)
      && await tx.existsBy(WholesaleSubscription, { id: template.subscriptionId, partnerId });
    if (!subscription) errors.add(UserErrorCode.NOT_FOUND, 'No wholesale subscription of your partner has this id.', 'subscriptionId');
    if (template.pstnProviderId !== null) {
      const provider = isId(template.pstnProviderId) && await tx.existsBy(PstnProvider, { id: template.pstnProviderId });
      if (!provider) errors.add(UserErrorCode.NOT_FOUND, 'No Cloud Connected PSTN provider has this id (see pstnProviders).', 'pstnProviderId');
    }
  }

  /**
   * On PostgreSQL a concurrent request can take the name between check and insert; the write is
   * retried (and its check then reports TAKEN), and should the race repeat, it is still TAKEN.
   */
  uniqueViolationAsUserErrors(violation: UniqueViolation): UserError[] | null {
    return takenByIndex(violation, { templateName: { path: ['name'], message: 'A template with this name already exists.' } });
  }

  async list(caller: Caller, args: PageArgs): Promise<Page<OnboardingTemplate>> {
    const qb = this.db.manager.createQueryBuilder(OnboardingTemplate, 't').where('t.partnerId = :partnerId', { partnerId: caller.partnerId });
    return pageOf(qb, args, 'templates', partnerCount(this.db, 'onboarding_template', caller.partnerId));
  }

  async byId(caller: Caller, id: string): Promise<OnboardingTemplate | null> {
    if (!isId(id)) return null;
    return this.db.manager.findOneBy(OnboardingTemplate, { id, partnerId: caller.partnerId });
  }

  async byProvisioningId(caller: Caller, provisioningId: string): Promise<OnboardingTemplate | null> {
    // Trimmed like createCustomer's provisioningId: a copied ID often carries a space or a newline.
    const trimmed = provisioningId.trim();
    if (!plausibleProvisioningId(trimmed)) return null;
    return this.db.manager.findOneBy(OnboardingTemplate, { provisioningId: trimmed, partnerId: caller.partnerId });
  }
}
