import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { callerOf, RequestContext } from '../graphql/context';
import { RemoveUsersInput, RemoveUsersPayload, UpdateUsersInput, UpdateUsersPayload } from './user-lifecycle.inputs';

@Resolver()
export class UserLifecycleResolver {
  @Mutation(() => UpdateUsersPayload, {
    description: 'Change up to 10,000 users of a customer (names, email, package, location, number, extension); '
      + 'a field left out keeps its value, phoneNumber/extension null clears it. All or nothing, every error at once. '
      + 'When an email changes, an unsent invitation or welcome to the old address is CANCELLED and queued again to the new one '
      + '(one already sent is not repeated: resendInvitation sends it again).',
  })
  updateUsers(@Arg('input', () => UpdateUsersInput) input: UpdateUsersInput, @Ctx() ctx: RequestContext) {
    return ctx.services.userLifecycle.updateUsers(callerOf(ctx), input, ctx.loaders);
  }

  @Mutation(() => RemoveUsersPayload, {
    description: 'Remove up to 10,000 users of a customer (never its full administrator); their unsent emails are CANCELLED. '
      + 'All or nothing, every error at once.',
  })
  removeUsers(@Arg('input', () => RemoveUsersInput) input: RemoveUsersInput, @Ctx() ctx: RequestContext) {
    return ctx.services.userLifecycle.removeUsers(callerOf(ctx), input, ctx.loaders);
  }
}
