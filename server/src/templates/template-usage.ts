import type { EntityManager } from 'typeorm';

/**
 * How many customers were created from a template (deleteTemplate refuses while any were). Customers
 * are built from templates, so templates/ cannot import them: the customers' side answers this,
 * composed in graphql/services.ts (customers/customer-template-usage.ts).
 */
export interface TemplateUsage {
  customersCreatedFrom(tx: EntityManager, templateId: string): Promise<number>;
}
