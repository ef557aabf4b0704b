import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { callerOf, RequestContext } from '../graphql/context';
import {
  DeleteCustomerInput, DeleteCustomerPayload, RemoveLocationInput, RemoveLocationPayload,
  UpdateCustomerInput, UpdateCustomerPayload, UpdateLocationInput, UpdateLocationPayload,
} from './lifecycle.inputs';

/** After onboarding day (domain.md §12): change and retire customers and locations (resendInvitation: outbox/outbox.resolver.ts). */
@Resolver()
export class LifecycleResolver {
  @Mutation(() => UpdateCustomerPayload, {
    description: 'Change a customer’s company name, package, add-ons, language or externalId. A new package moves the full '
      + 'administrator and the admin-role holders; other users must already hold a package it covers.',
  })
  updateCustomer(@Arg('input', () => UpdateCustomerInput) input: UpdateCustomerInput, @Ctx() ctx: RequestContext) {
    return ctx.services.customerLifecycle.update(callerOf(ctx), input, ctx.loaders);
  }

  @Mutation(() => DeleteCustomerPayload, {
    description: 'Delete a customer with its locations, users and Setup Assist requests: its emails, numbers, extensions and '
      + 'externalId become free, its unsent emails CANCELLED; its audit events stay.',
  })
  deleteCustomer(@Arg('input', () => DeleteCustomerInput) input: DeleteCustomerInput, @Ctx() ctx: RequestContext) {
    return ctx.services.customerLifecycle.delete(callerOf(ctx), input, ctx.loaders);
  }

  @Mutation(() => UpdateLocationPayload, { description: 'Change a location under the location rules of setupCustomer.' })
  updateLocation(@Arg('input', () => UpdateLocationInput) input: UpdateLocationInput, @Ctx() ctx: RequestContext) {
    return ctx.services.locationEdits.update(callerOf(ctx), input, ctx.loaders);
  }

  @Mutation(() => RemoveLocationPayload, { description: 'Remove a location without users; never the headquarters.' })
  removeLocation(@Arg('input', () => RemoveLocationInput) input: RemoveLocationInput, @Ctx() ctx: RequestContext) {
    return ctx.services.locationEdits.remove(callerOf(ctx), input, ctx.loaders);
  }
}
