import { AuditService } from '../audit/audit.service';
import type { Database } from '../db/database';
import { CustomerService } from '../customers/customer.service';
import { PartnerService } from '../partners/partner.service';
import { SetupService } from '../setup/setup.service';
import { TemplateService } from '../templates/template.service';

/** One instance of each service per process; they hold no request state. */
export interface Services {
  partners: PartnerService;
  templates: TemplateService;
  customers: CustomerService;
  setup: SetupService;
  audit: AuditService;
}

export function createServices(db: Database): Services {
  return {
    partners: new PartnerService(db),
    templates: new TemplateService(db),
    customers: new CustomerService(db),
    setup: new SetupService(db),
    audit: new AuditService(db),
  };
}
