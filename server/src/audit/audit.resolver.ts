import DataLoader from 'dataloader';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { apiError } from '../errors/error-codes';
import { ConnectionType } from '../graphql/connection';
import { callerOf, RequestContext } from '../graphql/context';
import { PageArgsType } from '../graphql/page-args';
import { PartnerAdmin } from '../partners/partner-admin.entity';
import { AUDIT_TARGET_CHUNK, AUDIT_TARGET_PREVIEW, AuditEvent, AuditEventTargetChunk } from './audit-event.entity';

export const AuditEventConnection = ConnectionType('AuditEvent', AuditEvent);

/** The most ids one `targetIds(first:)` answers: a 10,000-user import's ids fit in one page. */
export const MAX_TARGET_IDS = 10_000;

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

  @FieldResolver(() => [ID], {
    description: 'Ids the mutation created or changed, the customer’s included, in the order it wrote them: all of them by '
      + `default (an import has thousands: \`targetCount\` says how many), or \`first\` of them (at most ${MAX_TARGET_IDS}) from `
      + 'position `offset` (default 0). A list of events reads a few with `first` and pages the rest with `offset`.',
  })
  async targetIds(
    @Root() event: AuditEvent,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('offset', () => Int, { nullable: true }) offset?: number | null,
  ): Promise<string[]> {
    const from = offset ?? 0;
    // Without `first`, every id, as domain.md §8 defines targetIds: a client that never pages is never cut short.
    const count = first ?? Math.max(event.targetCount - from, 1);
    if (first != null && (!Number.isInteger(count) || count < 1 || count > MAX_TARGET_IDS)) {
      throw apiError('BAD_USER_INPUT', `"first" must be between 1 and ${MAX_TARGET_IDS}, got ${count}.`, { extensions: { argument: 'first' } });
    }
    if (!Number.isInteger(from) || from < 0) {
      throw apiError('BAD_USER_INPUT', `"offset" must be 0 or more, got ${from}.`, { extensions: { argument: 'offset' } });
    }
    const to = Math.min(from + count, event.targetCount);
    if (to <= AUDIT_TARGET_PREVIEW) return event.targetIds.slice(from, to);
    const head = from < AUDIT_TARGET_PREVIEW ? event.targetIds.slice(from) : [];
    // Chunks holding positions max(from, PREVIEW) … to − 1, for every event of the page in one query.
    const firstChunk = Math.floor((Math.max(from, AUDIT_TARGET_PREVIEW) - AUDIT_TARGET_PREVIEW) / AUDIT_TARGET_CHUNK);
    const lastChunk = Math.floor((to - 1 - AUDIT_TARGET_PREVIEW) / AUDIT_TARGET_CHUNK);
    const chunks = await ctx.loaders.memo(`auditTargets:${firstChunk}:${lastChunk}`, () => new DataLoader<string, string[][]>(async (eventIds) => {
      const rows = await ctx.db.manager.createQueryBuilder(AuditEventTargetChunk, 't')
        .where('t.eventId IN (:...eventIds)', { eventIds: [...eventIds] })
        .andWhere('t.chunk BETWEEN :firstChunk AND :lastChunk', { firstChunk, lastChunk })
        .orderBy('t.chunk', 'ASC')
        .getMany();
      const byEvent = new Map<string, string[][]>(eventIds.map((id) => [id, []]));
      for (const row of rows) byEvent.get(row.eventId)?.push(row.targetIds);
      return eventIds.map((id) => byEvent.get(id) ?? []);
    }, { maxBatchSize: 100 })).load(event.id);
    const tail = chunks.flat();
    const tailStart = AUDIT_TARGET_PREVIEW + firstChunk * AUDIT_TARGET_CHUNK;
    return [...head, ...tail.slice(Math.max(from, AUDIT_TARGET_PREVIEW) - tailStart, to - tailStart)];
  }
}
