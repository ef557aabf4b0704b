import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { callerOf, RequestContext } from '../graphql/context';
import { PartnerAdmin } from './partner-admin.entity';
import { Partner } from './partner.entity';
import { WholesaleSubscription } from './wholesale-subscription.entity';

@Resolver(() => PartnerAdmin)
export class PartnerAdminResolver {
  @Query(() => PartnerAdmin, { description: 'The signed-in admin; `partner` lists its admins and subscriptions.' })
  viewer(@Ctx() ctx: RequestContext): PartnerAdmin {
    return callerOf(ctx).admin;
  }

  @FieldResolver(() => Partner)
  async partner(@Root() admin: PartnerAdmin, @Ctx() ctx: RequestContext) {
    const caller = callerOf(ctx);
    return admin.partnerId === caller.partnerId ? caller.partner : ctx.loaders.partner.load(admin.partnerId);
  }
}

@Resolver(() => Partner)
export class PartnerResolver {
  @FieldResolver(() => [PartnerAdmin])
  admins(@Root() partner: Partner, @Ctx() ctx: RequestContext) {
    return ctx.loaders.adminsByPartner.load(partner.id);
  }

  @FieldResolver(() => [WholesaleSubscription])
  subscriptions(@Root() partner: Partner, @Ctx() ctx: RequestContext) {
    return ctx.loaders.subscriptionsByPartner.load(partner.id);
  }
}
