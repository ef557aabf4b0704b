import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { BooleanColumn, IdColumn, InstantColumn, RefColumn, TextColumn } from '../db/columns';

@ObjectType({ description: 'A postal address.', simpleResolvers: true })
export class Address {
  @Field(() => String)
  line1!: string;

  @Field(() => String, { nullable: true })
  line2!: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  stateOrProvince!: string | null;

  @Field(() => String, { nullable: true })
  postalCode!: string | null;

  @Field(() => String)
  countryCode!: string;
}

@ObjectType({ description: 'A customer’s site (branch); one of them is the headquarters.', simpleResolvers: true })
@Entity('location')
export class Location {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  customerId!: string;

  @Field(() => String)
  @TextColumn()
  name!: string;

  @TextColumn()
  line1!: string;

  @TextColumn({ nullable: true })
  line2!: string | null;

  @TextColumn()
  city!: string;

  @TextColumn({ nullable: true })
  stateOrProvince!: string | null;

  @TextColumn({ nullable: true })
  postalCode!: string | null;

  @TextColumn({ length: 2 })
  countryCode!: string;

  @Field(() => String, { description: 'IANA time zone, e.g. Europe/Amsterdam.' })
  @TextColumn()
  timeZone!: string;

  @Field(() => String)
  @TextColumn()
  language!: string;

  @Field(() => String, { nullable: true })
  @TextColumn({ nullable: true })
  emergencyLocationIdentifier!: string | null;

  @Field(() => Boolean)
  @BooleanColumn()
  isHeadquarters!: boolean;

  @InstantColumn()
  createdAt!: Date;
}
