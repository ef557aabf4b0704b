import type { Caller } from '../auth/caller';
import { recordAudit } from '../audit/audit.service';
import { writeOrUserErrors } from '../common/write';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { UserErrorCode, UserErrors, UserErrorsAbort } from '../errors/user-error';
import { Customer } from '../customers/customer.entity';
import { OnboardingTemplate } from './template.entity';
import { DeleteTemplateInput, DeleteTemplatePayload, UpdateTemplateInput, UpdateTemplatePayload } from './template.inputs';
import {
  DEFAULT_EMAIL_LANGUAGE, normalizeAuthentication, normalizeBrandName, normalizeCountryCode, normalizeLanguage, normalizeName,
  pstnWarnings,
} from './template.rules';
import type { TemplateService } from './template.service';

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
  constructor(private readonly db: Database, private readonly templates: TemplateService) {}

  async update(caller: Caller, input: UpdateTemplateInput): Promise<UpdateTemplatePayload> {
    const errors = UserErrors.root('input');
    const dryRun = input.dryRun ?? false;
    let warnings: string[] = [];
    const outcome = await writeOrUserErrors(this.db, async (tx) => {
      const current = isId(input.id) ? await tx.findOneBy(OnboardingTemplate, { id: input.id, partnerId: caller.partnerId }) : null;
      if (!current) {
        errors.add(UserErrorCode.NOT_FOUND, 'No template of your partner has this id.', 'id');
        throw new UserErrorsAbort(errors.list);
      }
      const next: OnboardingTemplate = Object.assign(new OnboardingTemplate(), current);
      const required = ['name', 'countryCode', 'serviceProviderAdminId', 'subscriptionId', 'brandName'] as const;
      for (const key of required) {
        if (input[key] === null) errors.add(UserErrorCode.REQUIRED, `${key} cannot be removed; omit it to keep the current value.`, key);
      }
      if (typeof input.name === 'string') next.name = normalizeName(input.name, errors);
      if (typeof input.countryCode === 'string') next.countryCode = normalizeCountryCode(input.countryCode, errors);
      if (typeof input.serviceProviderAdminId === 'string') next.serviceProviderAdminId = input.serviceProviderAdminId;
      if (typeof input.subscriptionId === 'string') next.subscriptionId = input.subscriptionId;
      if (given(input, 'authentication')) Object.assign(next, normalizeAuthentication(input.authentication, errors.at('authentication')));
      if (given(input, 'pstnProviderId')) next.pstnProviderId = input.pstnProviderId ?? null;
      if (typeof input.brandName === 'string') next.brandName = normalizeBrandName(input.brandName, errors);
      if (given(input, 'defaultEmailLanguage')) {
        next.defaultEmailLanguage = normalizeLanguage(input.defaultEmailLanguage, DEFAULT_EMAIL_LANGUAGE, errors, 'defaultEmailLanguage');
      }
      if (given(input, 'restrictAdminInvitationEmails')) next.restrictAdminInvitationEmails = input.restrictAdminInvitationEmails ?? false;
      if (given(input, 'disableWebexCallingOneToOne')) next.disableWebexCallingOneToOne = input.disableWebexCallingOneToOne ?? false;
      next.updatedAt = new Date();

      await this.templates.checkReferences(tx, caller, next, errors);
      warnings = pstnWarnings(next.pstnProviderId, errors);
      if (errors.any()) throw new UserErrorsAbort(errors.list);
      const { id, partnerId: _p, provisioningId: _pid, createdAt: _c, ...changes } = next;
      await tx.update(OnboardingTemplate, { id }, changes);
      await recordAudit(tx, caller, 'updateTemplate', [id]);
      return next;
    }, { dryRun, onUniqueViolation: (v) => this.templates.uniqueViolationAsUserErrors(v) });
    return outcome.ok
      ? { template: outcome.value, userErrors: [], warnings }
      : { template: null, userErrors: outcome.userErrors, warnings };
  }

  /** Refused while any customer was created from the template (they point at it). */
  async delete(caller: Caller, input: DeleteTemplateInput): Promise<DeleteTemplatePayload> {
    const errors = UserErrors.root('input');
    const outcome = await writeOrUserErrors(this.db, async (tx) => {
      const template = isId(input.id) ? await tx.findOneBy(OnboardingTemplate, { id: input.id, partnerId: caller.partnerId }) : null;
      if (!template) {
        errors.add(UserErrorCode.NOT_FOUND, 'No template of your partner has this id.', 'id');
        throw new UserErrorsAbort(errors.list);
      }
      const users = await tx.countBy(Customer, { templateId: template.id });
      if (users > 0) {
        errors.add(UserErrorCode.IN_USE, `${users} customer(s) were created from this template; it cannot be deleted.`, 'id');
        throw new UserErrorsAbort(errors.list);
      }
      try {
        await tx.delete(OnboardingTemplate, { id: template.id });
      } catch (error) {
        // PostgreSQL: a customer created concurrently now references the template (foreign key).
        if ((error as { driverError?: { code?: string } }).driverError?.code === '23503') {
          errors.add(UserErrorCode.IN_USE, 'A customer was just created from this template; it cannot be deleted.', 'id');
          throw new UserErrorsAbort(errors.list);
        }
        throw error;
      }
      await recordAudit(tx, caller, 'deleteTemplate', [template.id]);
      return template.id;
    });
    return outcome.ok ? { deletedTemplateId: outcome.value, userErrors: [] } : { deletedTemplateId: null, userErrors: outcome.userErrors };
  }
}
