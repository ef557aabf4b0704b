import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A postal address. stateOrProvince and postalCode are required in some countries.' })
export class AddressInput {
  @Field(() => String, { description: '≤ 50 characters.' })
  line1!: string;

  @Field(() => String, { nullable: true, description: '≤ 50 characters.' })
  line2?: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true, description: 'Required for US, CA, AU, IN, BR, MX, CN, JP, and there a real subdivision of the country: its ISO 3166-2 code (TX or US-TX) or its name (Texas); stored as given.' })
  stateOrProvince?: string | null;

  @Field(() => String, { nullable: true, description: 'Required for the countries above, GB and every EU member; must fit the country’s format where it is known.' })
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

  @Field(() => String, { description: 'An IANA time zone used in the address’s country, e.g. Europe/Amsterdam for NL.' })
  timeZone!: string;

  @Field(() => String, { nullable: true, description: '`ll` or `ll_CC` (also written `ll-CC`, stored as `ll_CC`); default the customer’s language.' })
  language?: string | null;

  @Field(() => String, { nullable: true })
  emergencyLocationIdentifier?: string | null;
}
