import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { callerOf, RequestContext } from '../graphql/context';
import { PageArgsType } from '../graphql/page-args';
import { PartnerAdmin } from '../partners/partner-admin.entity';
import { AuditEvent } from './audit-event.entity';

export const AuditEventConnection = ConnectionType('AuditEvent', AuditEvent);

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'Your partner’s audit trail, newest first.' })
  auditEvents(@Args(() => PageArgsType) args: PageArgsType, @Ctx() ctx: RequestContext) {
    return ctx.services.audit.list(callerOf(ctx), args);
  }

  @FieldResolver(() => PartnerAdmin)
  admin(@Root() event: AuditEvent, @Ctx() ctx: RequestContext) {
    return ctx.loaders.admin.load(event.adminId);
  }
}
