import type { TemplateUsage } from '../templates/template-usage';
import { Customer } from './customer.entity';

/** Answers templates/ (deleteTemplate) how many customers a template has; composed in graphql/services.ts. */
export const customerTemplateUsage: TemplateUsage = {
  customersCreatedFrom: (tx, templateId) => tx.countBy(Customer, { templateId }),
};
