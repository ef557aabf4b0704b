import { AuditService } from '../audit/audit.service';
import { SetupAssistService } from '../assist/setup-assist.service';
import type { Database } from '../db/database';
import { CustomerService } from '../customers/customer.service';
import { combineCustomerHooks } from '../customers/customer.hooks';
import { customerTemplateUsage } from '../customers/customer-template-usage';
import { setupAssistCustomerHooks } from '../assist/setup-assist.hooks';
import { outboxCustomerHooks } from '../outbox/outbox.enqueue';
import { webexSync } from '../webex/webex-sync';
import { heldWebexStatus } from '../webex/webex.loaders';
import { AdminRolesService } from '../customers/admin-roles.service';
import { CustomerLifecycleService } from '../customers/customer-lifecycle.service';
import { LocationEditService } from '../customers/location-edit.service';
import { ResendInvitationService } from '../outbox/resend-invitation.service';
import { PartnerService } from '../partners/partner.service';
import { SetupService } from '../setup/setup.service';
import { TemplateService } from '../templates/template.service';
import { TemplateEditService } from '../templates/template-edit.service';
import { UserLifecycleService } from '../users/user-lifecycle.service';

/** One instance of each service per process; they hold no request state. */
export interface Services {
  partners: PartnerService;
  templates: TemplateService;
  templateEdits: TemplateEditService;
  customers: CustomerService;
  customerLifecycle: CustomerLifecycleService;
  locationEdits: LocationEditService;
  resendInvitation: ResendInvitationService;
  setup: SetupService;
  userLifecycle: UserLifecycleService;
  adminRoles: AdminRolesService;
  setupAssist: SetupAssistService;
  audit: AuditService;
}

/**
 * The composition of the domain folders: the modules that hang off customers (emails, Setup Assist,
 * the Webex connector) answer the customer services' hooks, and customers answer templates' one
 * question, so no two folders import each other (test/architecture.test.ts).
 */
export function createServices(db: Database): Services {
  const templates = new TemplateService(db);
  // In this order: a customer's emails, then its Setup Assist requests, then Webex (which runs after the rows are gone).
  const hooks = combineCustomerHooks(outboxCustomerHooks, setupAssistCustomerHooks, webexSync);
  return {
    partners: new PartnerService(db),
    templates,
    templateEdits: new TemplateEditService(db, templates, customerTemplateUsage),
    customers: new CustomerService(db, hooks, heldWebexStatus),
    customerLifecycle: new CustomerLifecycleService(db, hooks),
    locationEdits: new LocationEditService(db, hooks),
    resendInvitation: new ResendInvitationService(db),
    setup: new SetupService(db, hooks),
    userLifecycle: new UserLifecycleService(db, hooks),
    adminRoles: new AdminRolesService(db),
    setupAssist: new SetupAssistService(db),
    audit: new AuditService(db),
  };
}
