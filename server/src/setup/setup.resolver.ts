import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { callerOf, RequestContext } from '../graphql/context';
import { SetupCustomerInput, SetupCustomerPayload } from './setup-customer.inputs';

@Resolver()
export class SetupResolver {
  @Mutation(() => SetupCustomerPayload, {
    description: 'Step 3: add locations and users (with numbers) to a customer; all or nothing, every error at once.',
  })
  setupCustomer(@Arg('input', () => SetupCustomerInput) input: SetupCustomerInput, @Ctx() ctx: RequestContext) {
    return ctx.services.setup.setup(callerOf(ctx), input, ctx.loaders);
  }
}
