import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AddOn, Package } from '../catalog/packages';
import { UserError } from '../errors/user-error';
import { Customer } from './customer.entity';
import { Location } from './location.entity';
import { AddressInput } from './location.inputs';

@InputType({ description: 'Change a customer (domain.md §12): a field left out keeps its value.' })
export class UpdateCustomerInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: '1–256 characters, no %.' })
  companyName?: string | null;

  @Field(() => Package, {
    nullable: true,
    description: 'The new organization package: the full administrator and the admin-role holders move to it; every other '
      + 'user must already hold it or a package it includes (NOT_ALLOWED otherwise, saying how many users block and who).',
  })
  package?: Package | null;

  @Field(() => [AddOn], { nullable: true, description: 'The complete new list (an empty list or null removes them all); checked against the (new) package.' })
  addOns?: AddOn[] | null;

  @Field(() => String, { nullable: true, description: '`ll` or `ll_CC`; null: the template’s defaultEmailLanguage.' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'Unique per partner; null removes it.' })
  externalId?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class UpdateCustomerPayload {
  @Field(() => Customer, { nullable: true })
  customer!: Customer | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: 'Delete a customer with its locations, users and Setup Assist requests (domain.md §12).' })
export class DeleteCustomerInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class DeleteCustomerPayload {
  @Field(() => ID, { nullable: true })
  deletedCustomerId!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: 'Change a location (domain.md §12): a field left out keeps its value; an address given replaces the whole address.' })
export class UpdateLocationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: '1–80 characters, unique per customer (case-insensitive).' })
  name?: string | null;

  @Field(() => AddressInput, { nullable: true, description: 'The whole new address; a new country must fit the numbers of the location’s users.' })
  address?: AddressInput | null;

  @Field(() => String, { nullable: true, description: 'An IANA time zone, e.g. Europe/Amsterdam.' })
  timeZone?: string | null;

  @Field(() => String, { nullable: true, description: '`ll` or `ll_CC`; null: the customer’s language.' })
  language?: string | null;

  @Field(() => String, { nullable: true, description: 'null removes it.' })
  emergencyLocationIdentifier?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class UpdateLocationPayload {
  @Field(() => Location, { nullable: true })
  location!: Location | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: 'Remove a location: never the headquarters, never while users are there (domain.md §12).' })
export class RemoveLocationInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class RemoveLocationPayload {
  @Field(() => ID, { nullable: true })
  removedLocationId!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
