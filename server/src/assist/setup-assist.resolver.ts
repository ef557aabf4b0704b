import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { callerOf, RequestContext } from '../graphql/context';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import { SetupAssistRequest } from './setup-assist.entity';
import { RequestSetupAssistInput, RequestSetupAssistPayload } from './setup-assist.inputs';

@Resolver(() => SetupAssistRequest)
export class SetupAssistResolver {
  @Mutation(() => RequestSetupAssistPayload, { description: 'Ask for Wholesale Setup Assist for one location of a customer.' })
  requestSetupAssist(@Arg('input', () => RequestSetupAssistInput) input: RequestSetupAssistInput, @Ctx() ctx: RequestContext) {
    return ctx.services.setupAssist.request(callerOf(ctx), input, ctx.loaders);
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
    return ctx.loaders.setupAssistRequestsByCustomer.load(customer.id);
  }
}
