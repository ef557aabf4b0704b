import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { childConnection } from '../graphql/child-connection';
import { selectsField } from '../graphql/selection';
import { ConnectionType } from '../graphql/connection';
import { callerOf, RequestContext } from '../graphql/context';
import { PageArgsType } from '../graphql/page-args';
import { OnboardingTemplate } from '../templates/template.entity';
import { WebexSyncStatus } from '../catalog/webex-sync-status';
import { customerUsersQuery } from './customer-user.filter';
import { CustomerTemplateSettings } from './customer-template-settings';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import { CreateCustomerInput, CreateCustomerPayload, CustomerFilter, CustomerUserFilter } from './customer.inputs';
import { Address, Location } from './location.entity';

export const CustomerConnection = ConnectionType('Customer', Customer);
export const LocationConnection = ConnectionType('Location', Location);
export const CustomerUserConnection = ConnectionType('CustomerUser', CustomerUser);

@ArgsType()
class CustomersArgs extends PageArgsType {
  @Field(() => CustomerFilter, { nullable: true })
  filter?: CustomerFilter | null;
}

@ArgsType()
class CustomerUsersArgs extends PageArgsType {
  @Field(() => CustomerUserFilter, { nullable: true })
  filter?: CustomerUserFilter | null;
}

@Resolver(() => Customer)
export class CustomerResolver {
  @Mutation(() => CreateCustomerPayload, { description: 'Step 2: create a customer organization from a template.' })
  createCustomer(@Arg('input', () => CreateCustomerInput) input: CreateCustomerInput, @Ctx() ctx: RequestContext) {
    return ctx.services.customers.create(callerOf(ctx), input, ctx.loaders);
  }

  @Query(() => CustomerConnection, { description: 'Your partner’s customers, newest first.' })
  customers(@Args(() => CustomersArgs) args: CustomersArgs, @Ctx() ctx: RequestContext) {
    return ctx.services.customers.list(callerOf(ctx), args);
  }

  @Query(() => Customer, { nullable: true })
  customer(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return ctx.services.customers.byId(callerOf(ctx), id);
  }

  @FieldResolver(() => OnboardingTemplate, {
    description: 'The template the customer was created from, as it is now: it shows later edits, which do not apply to '
      + 'this customer. What the customer was created with is templateSettings.',
  })
  template(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.template.load(customer.templateId);
  }

  @FieldResolver(() => CustomerTemplateSettings, {
    description: 'The template’s settings as they were when the customer was created (its own copy, used for its emails); '
      + 'unchanged by later edits of the template.',
  })
  templateSettings(@Root() customer: Customer): CustomerTemplateSettings {
    return customer.templateSettings;
  }

  @FieldResolver(() => Location)
  headquarters(@Root() customer: Customer, @Ctx() ctx: RequestContext) {
    return ctx.loaders.headquarters.load(customer.id);
  }

  @FieldResolver(() => LocationConnection)
  locations(@Root() customer: Customer, @Args(() => PageArgsType) args: PageArgsType, @Ctx() ctx: RequestContext) {
    return childConnection(ctx, Location, customer.id, 'locations', args);
  }

  @FieldResolver(() => CustomerUserConnection)
  users(@Root() customer: Customer, @Args(() => CustomerUsersArgs) args: CustomerUsersArgs, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo) {
    // A dry run's users are matched in memory, against the Webex states it captured with them.
    const webexStatusOf = (id: string) => ctx.services.customers.heldWebexStatus(ctx.loaders, id) ?? WebexSyncStatus.NOT_SYNCED;
    return childConnection(ctx, CustomerUser, customer.id, 'users', args, customerUsersQuery(ctx.db, args.filter, webexStatusOf),
      { countAsked: selectsField(info, 'totalCount') });
  }
}

@Resolver(() => Location)
export class LocationResolver {
  @FieldResolver(() => Address)
  address(@Root() location: Location): Address {
    const { line1, line2, city, stateOrProvince, postalCode, countryCode } = location;
    return { line1, line2, city, stateOrProvince, postalCode, countryCode };
  }
}

@Resolver(() => CustomerUser)
export class CustomerUserResolver {
  @FieldResolver(() => Location)
  location(@Root() user: CustomerUser, @Ctx() ctx: RequestContext) {
    return ctx.loaders.held(Location, user.locationId) ?? ctx.loaders.location.load(user.locationId);
  }
}
