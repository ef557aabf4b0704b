import { AuditService } from '../audit/audit.service';
import { SetupAssistService } from '../assist/setup-assist.service';
import type { Database } from '../db/database';
import { CustomerService } from '../customers/customer.service';
import { AdminRolesService } from '../customers/admin-roles.service';
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
    setup: new SetupService(db),
    userLifecycle: new UserLifecycleService(db),
    adminRoles: new AdminRolesService(db),
    setupAssist: new SetupAssistService(db),
    audit: new AuditService(db),
  };
}
