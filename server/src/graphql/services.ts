import { AuditService } from '../audit/audit.service';
import { SetupAssistService } from '../assist/setup-assist.service';
import type { Database } from '../db/database';
import { CustomerService } from '../customers/customer.service';
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

export function createServices(db: Database): Services {
  const templates = new TemplateService(db);
  return {
    partners: new PartnerService(db),
    templates,
    templateEdits: new TemplateEditService(db, templates),
    customers: new CustomerService(db),
    customerLifecycle: new CustomerLifecycleService(db),
    locationEdits: new LocationEditService(db),
    resendInvitation: new ResendInvitationService(db),
    setup: new SetupService(db),
    userLifecycle: new UserLifecycleService(db),
    adminRoles: new AdminRolesService(db),
    setupAssist: new SetupAssistService(db),
    audit: new AuditService(db),
  };
}
