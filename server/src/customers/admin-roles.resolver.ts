import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { callerOf, RequestContext } from '../graphql/context';
import { AssignCustomerAdminRolesInput, AssignCustomerAdminRolesPayload } from './admin-roles.inputs';

@Resolver()
export class AdminRolesResolver {
  @Mutation(() => AssignCustomerAdminRolesPayload, {
    description: 'Set Control Hub roles of a customer’s users. Role holders must hold the organization’s package; '
      + 'the full administrator keeps FULL_ADMIN.',
  })
  assignCustomerAdminRoles(@Arg('input', () => AssignCustomerAdminRolesInput) input: AssignCustomerAdminRolesInput, @Ctx() ctx: RequestContext) {
    return ctx.services.adminRoles.assign(callerOf(ctx), input, ctx.loaders);
  }
}
