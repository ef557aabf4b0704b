import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditResolver } from './audit/audit.resolver';
import { AdminRolesResolver } from './customers/admin-roles.resolver';
import { LifecycleResolver } from './customers/lifecycle.resolver';
import { CustomerOutboxResolver, OutboxMessageResolver, ResendInvitationResolver } from './outbox/outbox.resolver';
import { CustomerSetupAssistResolver, SetupAssistResolver } from './assist/setup-assist.resolver';
import { CatalogResolver } from './catalog/catalog.resolver';
import { CustomerTemplateSettingsResolver } from './customers/customer-template-settings';
import { CustomerResolver, CustomerUserResolver, LocationResolver } from './customers/customer.resolver';
import { PartnerAdminResolver, PartnerResolver } from './partners/partner.resolver';
import { SetupResolver } from './setup/setup.resolver';
import { TemplateResolver } from './templates/template.resolver';
import { UserLifecycleResolver } from './users/user-lifecycle.resolver';
import {
  CustomerUserWebexResolver, CustomerWebexResolver, LocationWebexResolver, PartnerWebexResolver, WebexResolver,
} from './webex/webex.resolver';

export const RESOLVERS = [
  CatalogResolver,
  PartnerAdminResolver,
  PartnerResolver,
  TemplateResolver,
  CustomerResolver,
  CustomerTemplateSettingsResolver,
  LocationResolver,
  CustomerUserResolver,
  SetupResolver,
  LifecycleResolver,
  UserLifecycleResolver,
  AuditResolver,
  AdminRolesResolver,
  SetupAssistResolver,
  CustomerSetupAssistResolver,
  CustomerOutboxResolver,
  OutboxMessageResolver,
  ResendInvitationResolver,
  WebexResolver,
  PartnerWebexResolver,
  CustomerWebexResolver,
  LocationWebexResolver,
  CustomerUserWebexResolver,
] as const;

let cached: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once per process from the resolvers' decorators. */
export function buildAppSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({
    resolvers: [...RESOLVERS],
    // Inputs are checked by the services, which report userErrors; class-validator is not used here.
    validate: false,
    emitSchemaFile: false,
  });
  return cached;
}
