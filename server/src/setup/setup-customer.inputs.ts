import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Package } from '../catalog/packages';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import { LocationInput } from '../customers/location.inputs';
import { UserError } from '../errors/user-error';

@InputType({ description: 'A user to create (or, with the full administrator’s email, to update).' })
export class CustomerUserInput {
  @Field(() => String, { description: '1–64 characters.' })
  firstName!: string;

  @Field(() => String, { description: '1–64 characters.' })
  lastName!: string;

  @Field(() => String, { description: 'Unique across the system (case-insensitive).' })
  email!: string;

  @Field(() => Package, { description: 'The customer’s package or one it includes.' })
  package!: Package;

  @Field(() => String, { nullable: true, description: 'An existing location or one added in the same call (case-insensitive); default the headquarters.' })
  locationName?: string | null;

  @Field(() => String, { nullable: true, description: 'International form (+31 20 794 8000) or the national form of the location’s country (020 794 8000 in NL, (512) 472-1003 in the US); valid for that country; stored as E.164. Blank (as a form sends it) means none.' })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: '2–10 digits, unique within the customer. Blank (as a form sends it) means none.' })
  extension?: string | null;
}

@InputType({ description: 'Step 3: add locations and users to a customer, all or nothing.' })
export class SetupCustomerInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => [LocationInput], { nullable: true, description: 'At most 1,000 per call.' })
  locations?: LocationInput[] | null;

  @Field(() => [CustomerUserInput], { nullable: true, description: 'At most 10,000 per call.' })
  users?: CustomerUserInput[] | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class SetupCustomerPayload {
  @Field(() => Customer, { nullable: true })
  customer!: Customer | null;

  @Field(() => [Location], { description: 'The locations this call added.' })
  locations!: Location[];

  @Field(() => [CustomerUser], { description: 'The users this call created or updated, in input order.' })
  users!: CustomerUser[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}
