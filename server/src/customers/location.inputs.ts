import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A postal address. stateOrProvince and postalCode are required in some countries.' })
export class AddressInput {
  @Field(() => String, { description: '≤ 50 characters.' })
  line1!: string;

  @Field(() => String, { nullable: true, description: '≤ 50 characters.' })
  line2?: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true, description: 'Required for US, CA, AU, IN, BR, MX, CN, JP.' })
  stateOrProvince?: string | null;

  @Field(() => String, { nullable: true, description: 'Required for the countries above, GB and every EU member.' })
  postalCode?: string | null;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2.' })
  countryCode!: string;
}

@InputType({ description: 'A location (site) of a customer.' })
export class LocationInput {
  @Field(() => String, { description: '1–80 characters, unique per customer (case-insensitive).' })
  name!: string;

  @Field(() => AddressInput)
  address!: AddressInput;

  @Field(() => String, { description: 'An IANA time zone, e.g. Europe/Amsterdam.' })
  timeZone!: string;

  @Field(() => String, { nullable: true, description: '`ll` or `ll_CC`; default the customer’s language.' })
  language?: string | null;

  @Field(() => String, { nullable: true })
  emergencyLocationIdentifier?: string | null;
}
