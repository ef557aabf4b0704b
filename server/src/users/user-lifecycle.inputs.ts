import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Package } from '../catalog/packages';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { UserError } from '../errors/user-error';

@InputType({ description: 'Changes to one user of the customer. A field left out keeps its value.' })
export class CustomerUserUpdateInput {
  @Field(() => ID, { description: 'A user of the customer.' })
  id!: string;

  @Field(() => String, { nullable: true, description: '1–64 characters; cannot be cleared.' })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: '1–64 characters; cannot be cleared.' })
  lastName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Unique across the system after the call (case-insensitive); the full administrator’s change moves the customer’s adminEmail.',
  })
  email?: string | null;

  @Field(() => Package, { nullable: true, description: 'The customer’s package or one it includes; administrators keep exactly the customer’s.' })
  package?: Package | null;

  @Field(() => String, { nullable: true, description: 'An existing location of the customer (case-insensitive).' })
  locationName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'International form, valid for the country of the user’s (new) location; stored as E.164. null (or blank) clears it.',
  })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: '2–10 digits, unique within the customer after the call. null (or blank) clears it.' })
  extension?: string | null;
}

@InputType({ description: 'Change up to 10,000 users of one customer, all or nothing.' })
export class UpdateUsersInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => [CustomerUserUpdateInput], { description: 'At most 10,000 per call; uniqueness is judged on the state after the call, so users may swap numbers.' })
  users!: CustomerUserUpdateInput[];

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class UpdateUsersPayload {
  @Field(() => Customer, { nullable: true })
  customer!: Customer | null;

  @Field(() => [CustomerUser], { description: 'The users of the request as they are after it, in input order.' })
  users!: CustomerUser[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType({ description: 'Remove up to 10,000 users of one customer, all or nothing.' })
export class RemoveUsersInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => [ID], { description: 'At most 10,000 per call; never the full administrator.' })
  userIds!: string[];

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class RemoveUsersPayload {
  @Field(() => [ID], { description: 'The removed users’ ids, in input order (empty on failure).' })
  removedUserIds!: string[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}
