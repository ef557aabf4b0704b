import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { Package } from '../catalog/packages';
import { IdColumn, InstantColumn, JsonColumn, RefColumn, TextColumn } from '../db/columns';
import { CustomerAdminRole } from './customer.enums';

@ObjectType({ description: 'A user of a customer organization.' })
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
