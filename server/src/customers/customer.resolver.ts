import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, Page, parsePageArgs, toPage } from '../common/connection';
import { callerOf, RequestContext } from '../common/context';
import { hasNul } from '../common/strings';
import { PageArgsType } from '../common/page-args';
import { isId } from '../db/ids';
import { OnboardingTemplate } from '../templates/template.entity';
import { likePattern } from './customer.service';
import { CustomerTemplateSettings } from './customer-template-settings';
import { CustomerUser } from './customer-user.entity';
import { Customer } from './customer.entity';
import { CreateCustomerInput, CreateCustomerPayload, CustomerFilter, CustomerUserFilter } from './customer.inputs';
import { knownHeadquartersOf, previewLocationOf, previewOf } from './customer.preview';
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

/** A page over rows already in memory (a dry run's would-be rows), newest first like the database. */
function pageOfArray<T extends { id: string }>(rows: T[], args: PageArgsType, list: string): Page<T> {
  const request = parsePageArgs(args, list);
  const after = request.afterId;
  const visible = after ? rows.filter((r) => r.id < after) : rows;
  return toPage(visible.slice(0, request.first + 1), request, () => rows.length);
}

@Resolver(() => Customer)
export class CustomerResolver {
  @Mutation(() => CreateCustomerPayload, { description: 'Step 2: create a customer organization from a template.' })
  createCustomer(@Arg('input', () => CreateCustomerInput) input: CreateCustomerInput, @Ctx() ctx: RequestContext) {
    return ctx.services.customers.create(callerOf(ctx), input);
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
    return previewOf(customer)?.template ?? ctx.loaders.template.load(customer.templateId);
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
    const preview = previewOf(customer);
    if (preview) return preview.locations.find((l) => l.isHeadquarters);
    return knownHeadquartersOf(customer) ?? ctx.loaders.headquarters.load(customer.id);
  }

  @FieldResolver(() => LocationConnection)
  async locations(@Root() customer: Customer, @Args(() => PageArgsType) args: PageArgsType, @Ctx() ctx: RequestContext) {
    const preview = previewOf(customer);
    const list = `${customer.id}/locations`;
    if (preview) return pageOfArray(preview.locations, args, list);
    const request = parsePageArgs(args, list);
    const query = { ...request, where: null, key: '' };
    const rows = await ctx.loaders.childPage(Location, 'customerId', query).load(customer.id);
    return toPage(rows, request, () => ctx.loaders.childCount(Location, 'customerId', query).load(customer.id));
  }

  @FieldResolver(() => CustomerUserConnection)
  async users(@Root() customer: Customer, @Args(() => CustomerUsersArgs) args: CustomerUsersArgs, @Ctx() ctx: RequestContext) {
    const search = args.filter?.search?.trim().toLowerCase() || null;
    const locationId = args.filter?.locationId ?? null;
    const preview = previewOf(customer);
    if (preview) {
      const matches = preview.users.filter((u) =>
        (!search || [u.firstName.toLowerCase(), u.lastName.toLowerCase(), u.email].some((s) => s.includes(search)))
        && (!locationId || u.locationId === locationId));
      return pageOfArray(matches, args, `${customer.id}/users`);
    }
    const request = parsePageArgs(args, `${customer.id}/users`);
    const conditions: string[] = [];
    const params: Record<string, unknown> = {};
    // No stored text contains NUL (see hasNul): such a search matches nothing, and PostgreSQL would refuse it.
    if (search && hasNul(search)) conditions.push('1 = 0');
    else if (search) {
      conditions.push(`(${ctx.db.caseFold('c."firstName"')} LIKE :search ESCAPE '\\' OR ${ctx.db.caseFold('c."lastName"')} LIKE :search ESCAPE '\\' OR c."email" LIKE :search ESCAPE '\\')`);
      params.search = likePattern(search);
    }
    if (locationId) {
      conditions.push('c."locationId" = :locationId');
      params.locationId = isId(locationId) ? locationId : '';
    }
    const where = conditions.length ? { sql: conditions.join(' AND '), params } : null;
    const query = { ...request, where, key: JSON.stringify([search, locationId]) };
    const rows = await ctx.loaders.childPage(CustomerUser, 'customerId', query).load(customer.id);
    return toPage(rows, request, () => ctx.loaders.childCount(CustomerUser, 'customerId', query).load(customer.id));
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
    return previewLocationOf(user) ?? ctx.loaders.location.load(user.locationId);
  }
}
