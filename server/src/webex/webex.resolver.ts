import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { callerOf, RequestContext } from '../graphql/context';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import { Partner } from '../partners/partner.entity';
import { connectionOf, WebexAdminService } from './webex-admin.service';
import {
  NOT_SYNCED, syncOf, WebexChange, WebexConnection, WebexJob, WebexObjectKind, WebexRemoval, WebexStatusCount, WebexSync, WebexSyncRow, WebexSyncStatus,
} from './webex.entities';
import { ConnectWebexInput, ConnectWebexPayload, RetryWebexSyncInput, RetryWebexSyncPayload } from './webex.inputs';
import { webexLoaders } from './webex.loaders';

function admin(ctx: RequestContext): WebexAdminService {
  return new WebexAdminService(ctx.db, ctx.config.webex, ctx.log);
}

async function syncFor(ctx: RequestContext, id: string): Promise<WebexSync> {
  return syncOf(await webexLoaders(ctx.loaders, ctx.db).sync.load(id));
}

@Resolver()
export class WebexResolver {
  @Mutation(() => ConnectWebexPayload, {
    description: 'Connects your partner to Cisco’s Webex APIs (full admins): the token is checked with one call, stored encrypted, '
      + 'and replaces an earlier connection. Customers created afterwards from a template with a webexProvisioningId are provisioned in Webex.',
  })
  connectWebex(@Arg('input', () => ConnectWebexInput) input: ConnectWebexInput, @Ctx() ctx: RequestContext) {
    return admin(ctx).connect(callerOf(ctx), input);
  }

  @Mutation(() => RetryWebexSyncPayload, {
    description: 'Re-drives the customer’s FAILED objects in Webex (and queues a NOT_SYNCED customer once its partner is connected '
      + 'and its template has a webexProvisioningId). The id of a customer you deleted whose removal at Webex was refused (or is still '
      + 'pending) re-drives that removal: customer is then null, deletedCustomerId names it and webex says where it stands. Exactly '
      + 'once, as every Webex change: a removal whose answer was lost is looked up first, and one Cisco already carried out counts as done.',
  })
  retryWebexSync(@Arg('input', () => RetryWebexSyncInput) input: RetryWebexSyncInput, @Ctx() ctx: RequestContext) {
    return admin(ctx).retry(callerOf(ctx), input, ctx.loaders);
  }
}

/** How many pending removals Partner.webexRemovals lists (newest change first): a backlog, not a history. */
export const WEBEX_REMOVALS_LISTED = 100;

@Resolver(() => Partner)
export class PartnerWebexResolver {
  @FieldResolver(() => [WebexRemoval], {
    description: `Customers deleted here whose removal at Webex (DELETE /wholesale/customers/{id}) is not done yet: pending, being retried, `
      + `or FAILED because Cisco refused it (errors say why; retryWebexSync with the customerId sends it again). Newest first, at most ${WEBEX_REMOVALS_LISTED}.`,
  })
  async webexRemovals(@Root() partner: Partner, @Ctx() ctx: RequestContext): Promise<WebexRemoval[]> {
    // The deleted customer's job outlives it and names its partner; only a deleted customer's row carries DELETE.
    const rows = await ctx.db.manager.createQueryBuilder(WebexSyncRow, 's')
      .innerJoin(WebexJob, 'j', 'j.id = s.id')
      .where('j.partnerId = :partnerId', { partnerId: partner.id })
      .andWhere('s.kind = :kind', { kind: WebexObjectKind.CUSTOMER })
      .andWhere('s.pendingChange = :change', { change: WebexChange.DELETE })
      .orderBy('s.updatedAt', 'DESC').addOrderBy('s.id', 'DESC')
      .limit(WEBEX_REMOVALS_LISTED)
      .getMany();
    return rows.map((row) => ({ customerId: row.id, webex: syncOf(row) }));
  }


  @FieldResolver(() => WebexConnection, { description: 'The partner’s connection to Webex (a token is never part of an answer).' })
  async webexConnection(@Root() partner: Partner, @Ctx() ctx: RequestContext): Promise<WebexConnection> {
    return connectionOf(await webexLoaders(ctx.loaders, ctx.db).connection.load(partner.id));
  }
}

@Resolver(() => Customer)
export class CustomerWebexResolver {
  @FieldResolver(() => WebexSync, { description: 'Where the customer stands in Webex (orgId once provisioned).' })
  webex(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<WebexSync> {
    return syncFor(ctx, customer.id);
  }

  @FieldResolver(() => [WebexStatusCount], {
    description: 'How many of the customer’s users stand in each Webex status, over all its users (statuses with none left out); '
      + 'users(filter: { webexStatus }) lists them.',
  })
  webexUserCounts(@Root() customer: Customer, @Ctx() ctx: RequestContext): Promise<WebexStatusCount[]> {
    return webexLoaders(ctx.loaders, ctx.db).userCounts.load(customer.id);
  }
}

@Resolver(() => Location)
export class LocationWebexResolver {
  @FieldResolver(() => WebexSync, { description: 'Where the location stands in Webex.' })
  webex(@Root() location: Location, @Ctx() ctx: RequestContext): Promise<WebexSync> {
    return syncFor(ctx, location.id);
  }
}

@Resolver(() => CustomerUser)
export class CustomerUserWebexResolver {
  @FieldResolver(() => WebexSync, { description: 'Where the user stands in Webex (ON_HOLD: pending_user_migration, waiting for the user’s consent).' })
  webex(@Root() user: CustomerUser, @Ctx() ctx: RequestContext): Promise<WebexSync> {
    return syncFor(ctx, user.id);
  }
}
