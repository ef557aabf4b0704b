import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { callerOf, RequestContext } from '../common/context';
import type { Loaders } from '../common/loaders';
import { previewOf } from '../customers/customer.preview';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import { SetupAssistRequest } from './setup-assist.entity';
import { RequestSetupAssistInput, RequestSetupAssistPayload } from './setup-assist.inputs';

/** Requests of many customers in one query per request (a customers page asking for them all). */
const requestLoaders = new WeakMap<Loaders, DataLoader<string, SetupAssistRequest[]>>();

function requestsOf(ctx: RequestContext): DataLoader<string, SetupAssistRequest[]> {
  let loader = requestLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (customerIds) => {
      const rows = await ctx.db.manager.find(SetupAssistRequest, { where: { customerId: In([...customerIds]) }, order: { id: 'DESC' } });
      return customerIds.map((id) => rows.filter((r) => r.customerId === id));
    }, { maxBatchSize: 500 });
    requestLoaders.set(ctx.loaders, loader);
  }
  return loader;
}

@Resolver(() => SetupAssistRequest)
export class SetupAssistResolver {
  @Mutation(() => RequestSetupAssistPayload, { description: 'Ask for Wholesale Setup Assist for one location of a customer.' })
  requestSetupAssist(@Arg('input', () => RequestSetupAssistInput) input: RequestSetupAssistInput, @Ctx() ctx: RequestContext) {
    return ctx.services.setupAssist.request(callerOf(ctx), input);
  }

  @FieldResolver(() => Location)
  location(@Root() request: SetupAssistRequest, @Ctx() ctx: RequestContext) {
    return ctx.loaders.location.load(request.locationId);
  }
}

@Resolver(() => Customer)
export class CustomerSetupAssistResolver {
  @FieldResolver(() => [SetupAssistRequest], { description: 'Setup Assist requests for the customer’s locations, newest first.' })
  setupAssistRequests(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    if (previewOf(customer)) return [];
    return requestsOf(ctx).load(customer.id);
  }
}
