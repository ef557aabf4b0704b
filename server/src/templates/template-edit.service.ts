import type { Caller } from '../auth/caller';
import type { Loaders } from '../graphql/loaders';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { normalizeWebexProvisioningId } from './webex-provisioning-id.rules';
import { OnboardingTemplate } from './template.entity';
import { DeleteTemplateInput, DeleteTemplatePayload, UpdateTemplateInput, UpdateTemplatePayload } from './template.inputs';
import {
  DEFAULT_EMAIL_LANGUAGE, normalizeAuthentication, normalizeBrandName, normalizeCountryCode, normalizeLanguage, normalizeName,
  pstnWarnings,
} from './template.rules';
import type { TemplateService } from './template.service';
import type { TemplateUsage } from './template-usage';

/** A field the caller sent (null included): omitted fields keep their value. */
function given<K extends keyof UpdateTemplateInput>(input: UpdateTemplateInput, key: K): boolean {
  return input[key] !== undefined;
}

/**
 * Editing and deleting templates. The same rules as createTemplate (shared normalisers and
 * TemplateService.checkReferences) applied to the template as it would be after the change.
 * Customers copy the template's settings when they are created (Customer.templateSettings), so an
 * edit changes nothing for customers created earlier.
 */
export class TemplateEditService {
  constructor(private readonly db: Database, private readonly templates: TemplateService, private readonly usage: TemplateUsage) {}

  private readonly updateMutation = defineMutation({
    name: 'updateTemplate',
    /** The fields given, normalised: the patch to apply to the template as it is in the transaction. */
    normalise: (input: UpdateTemplateInput, errors) => {
      const patch: Partial<OnboardingTemplate> = {};
      const required = ['name', 'countryCode', 'serviceProviderAdminId', 'subscriptionId', 'brandName'] as const;
      for (const key of required) {
        if (input[key] === null) errors.add(UserErrorCode.REQUIRED, `${key} cannot be removed; omit it to keep the current value.`, key);
      }
      if (typeof input.name === 'string') patch.name = normalizeName(input.name, errors);
      if (typeof input.countryCode === 'string') patch.countryCode = normalizeCountryCode(input.countryCode, errors);
      if (typeof input.serviceProviderAdminId === 'string') patch.serviceProviderAdminId = input.serviceProviderAdminId;
      if (typeof input.subscriptionId === 'string') patch.subscriptionId = input.subscriptionId;
      if (given(input, 'authentication')) Object.assign(patch, normalizeAuthentication(input.authentication, errors.at('authentication')));
      if (given(input, 'pstnProviderId')) patch.pstnProviderId = input.pstnProviderId ?? null;
      if (typeof input.brandName === 'string') patch.brandName = normalizeBrandName(input.brandName, errors);
      if (given(input, 'defaultEmailLanguage')) {
        patch.defaultEmailLanguage = normalizeLanguage(input.defaultEmailLanguage, DEFAULT_EMAIL_LANGUAGE, errors, 'defaultEmailLanguage');
      }
      if (given(input, 'restrictAdminInvitationEmails')) patch.restrictAdminInvitationEmails = input.restrictAdminInvitationEmails ?? false;
      if (given(input, 'disableWebexCallingOneToOne')) patch.disableWebexCallingOneToOne = input.disableWebexCallingOneToOne ?? false;
      if (given(input, 'webexProvisioningId')) patch.webexProvisioningId = normalizeWebexProvisioningId(input.webexProvisioningId, errors);
      return { id: input.id, patch };
    },
    check: async (tx, { id, patch }, errors, caller) => {
      const current = isId(id) ? await tx.findOneBy(OnboardingTemplate, { id, partnerId: caller.partnerId }) : null;
      if (!current) {
        errors.add(UserErrorCode.NOT_FOUND, 'No template of your partner has this id.', 'id');
        return STOP;
      }
      const next: OnboardingTemplate = Object.assign(new OnboardingTemplate(), current, patch);
      await this.templates.checkReferences(tx, caller, next, errors);
      return { current, next };
    },
    write: async (tx, { current, next }) => {
      const { id, partnerId: _p, provisioningId: _pid, createdAt: _c, updatedAt: _u, ...changes } = next;
      // Nothing changes (only an id, or the values it already has): no write, no audit event (domain.md §14).
      const changed = (Object.keys(changes) as Array<keyof typeof changes>).some((key) => changes[key] !== current[key]);
      if (!changed) return { value: current, changed: [] };
      next.updatedAt = new Date();
      await tx.update(OnboardingTemplate, { id }, { ...changes, updatedAt: next.updatedAt });
      return { value: next, changed: [id] };
    },
    taken: (violation) => this.templates.uniqueViolationAsUserErrors(violation),
    payload: (outcome): UpdateTemplatePayload => (outcome.ok
      ? { template: outcome.value, userErrors: [], warnings: pstnWarnings(outcome.value.pstnProviderId, []) }
      // A refused update advises on the provider it names (the template's own is unknown here).
      : { template: null, userErrors: outcome.userErrors, warnings: pstnWarnings(outcome.draft?.patch.pstnProviderId ?? null, outcome.userErrors) }),
  });

  update(caller: Caller, input: UpdateTemplateInput, loaders?: Loaders | null): Promise<UpdateTemplatePayload> {
    return this.updateMutation.run(this.db, { caller, loaders }, input);
  }

  private readonly deleteMutation = defineMutation({
    name: 'deleteTemplate',
    normalise: (input: DeleteTemplateInput) => input.id,
    check: async (tx, id, errors, caller) => {
      const template = isId(id) ? await tx.findOneBy(OnboardingTemplate, { id, partnerId: caller.partnerId }) : null;
      if (!template) {
        errors.add(UserErrorCode.NOT_FOUND, 'No template of your partner has this id.', 'id');
        return STOP;
      }
      const users = await this.usage.customersCreatedFrom(tx, template.id);
      if (users > 0) errors.add(UserErrorCode.IN_USE, `${users} customer(s) were created from this template; it cannot be deleted.`, 'id');
      return template;
    },
    write: async (tx, template) => {
      await tx.delete(OnboardingTemplate, { id: template.id });
      return { value: template.id, changed: [template.id] };
    },
    // PostgreSQL: a customer created concurrently now references the template (foreign key).
    refused: (error) => ((error as { driverError?: { code?: string } }).driverError?.code === '23503'
      ? UserErrors.root('input').add(UserErrorCode.IN_USE, 'A customer was just created from this template; it cannot be deleted.', 'id').list
      : null),
    payload: (outcome): DeleteTemplatePayload => (outcome.ok
      ? { deletedTemplateId: outcome.value, userErrors: [] }
      : { deletedTemplateId: null, userErrors: outcome.userErrors }),
  });

  /** Refused while any customer was created from the template (they point at it). */
  delete(caller: Caller, input: DeleteTemplateInput, loaders?: Loaders | null): Promise<DeleteTemplatePayload> {
    return this.deleteMutation.run(this.db, { caller, loaders }, input);
  }
}
