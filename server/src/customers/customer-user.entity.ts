import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { Package } from '../catalog/packages';
import { IdColumn, InstantColumn, JsonColumn, RefColumn, TextColumn } from '../db/columns';
import { CustomerAdminRole } from './customer.enums';

// simpleResolvers: graphql's default resolver for plain fields, without type-graphql's per-field
// middleware wrapper (there is no middleware); 10,000 users per payload make it count (README, Performance).
@ObjectType({ description: 'A user of a customer organization.', simpleResolvers: true })
@Entity('customer_user')
export class CustomerUser {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  customerId!: string;

  @RefColumn()
  locationId!: string;

  @Field(() => String)
  @TextColumn()
  firstName!: string;

  @Field(() => String)
  @TextColumn()
  lastName!: string;

  @Field(() => String, { description: 'Trimmed and lower-cased; unique across the system.' })
  @TextColumn()
  email!: string;

  @Field(() => Package)
  @TextColumn()
  package!: Package;

  @Field(() => String, { nullable: true, description: 'E.164; unique across the system.' })
  @TextColumn({ nullable: true })
  phoneNumber!: string | null;

  @Field(() => String, { nullable: true, description: '2–10 digits; unique within the customer.' })
  @TextColumn({ nullable: true })
  extension!: string | null;

  @Field(() => [CustomerAdminRole])
  @JsonColumn()
  roles!: CustomerAdminRole[];

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}

/**
 * A CustomerUser from its fields, assigned one by one: `Object.assign(new CustomerUser(), {...})`
 * costs about ten times more per row, which shows at 10,000 users (README, Performance).
 */
export function customerUserOf(f: CustomerUser): CustomerUser {
  const user = new CustomerUser();
  user.id = f.id;
  user.customerId = f.customerId;
  user.locationId = f.locationId;
  user.firstName = f.firstName;
  user.lastName = f.lastName;
  user.email = f.email;
  user.package = f.package;
  user.phoneNumber = f.phoneNumber;
  user.extension = f.extension;
  user.roles = f.roles;
  user.createdAt = f.createdAt;
  user.updatedAt = f.updatedAt;
  return user;
}
