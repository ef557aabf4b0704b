import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { AddOn, Package } from '../catalog/packages';
import { DataRegion } from '../catalog/regions';
import { UserError } from '../errors/user-error';
import { WebexSyncStatus } from '../catalog/webex-sync-status';
import { CustomerStatus } from './customer.enums';
import { Customer } from './customer.entity';
import { LocationInput } from './location.inputs';

@InputType({ description: 'Step 2: create a customer organization from a template (by id or provisioning ID).' })
export class CreateCustomerInput {
  @Field(() => ID, { nullable: true, description: 'Exactly one of templateId and provisioningId.' })
  templateId?: string | null;

  @Field(() => String, { nullable: true, description: 'The template’s provisioning ID, as Cisco’s API takes it.' })
  provisioningId?: string | null;

  @Field(() => String, { description: '1–256 characters, no %.' })
  companyName!: string;

  @Field(() => String, { description: 'The full administrator; unique across the system.' })
  adminEmail!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The full administrator’s first name, 1–64 characters. Omitted: derived from the admin email (a later setupCustomer row can correct it).',
  })
  adminFirstName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The full administrator’s last name, 1–64 characters. Omitted: the company name (a later setupCustomer row can correct it).',
  })
  adminLastName?: string | null;

  @Field(() => Package, { description: 'A package users can hold (see packages).' })
  package!: Package;

  @Field(() => [AddOn], { nullable: true })
  addOns?: AddOn[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Your own id for this customer, unique per partner. Replaying the same input returns the existing customer.',
  })
  externalId?: string | null;

  @Field(() => LocationInput, { description: 'Becomes the customer’s headquarters.' })
  headquarters!: LocationInput;

  @Field(() => Boolean, { description: 'Must be true: the headquarters is in a Webex-supported location.' })
  supportedLocationConfirmed!: boolean;

  @Field(() => DataRegion, { nullable: true, description: 'Default: from the headquarters country.' })
  dataRegion?: DataRegion | null;

  @Field(() => String, { nullable: true, description: '`ll` or `ll_CC` (also written `ll-CC`, stored as `ll_CC`); default the template’s defaultEmailLanguage.' })
  language?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  dryRun?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
export class CreateCustomerPayload {
  @Field(() => Customer, { nullable: true })
  customer!: Customer | null;

  @Field(() => [UserError])
  userErrors!: UserError[];

  @Field(() => [String], { description: 'Advice that does not stop the call, e.g. that the onboarding emails have no text in the customer’s language and go out in English.' })
  warnings!: string[];
}

@InputType({ description: 'Filters; all given ones must match. `search` is case-insensitive, `externalId` exact.' })
export class CustomerFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Substring of company name, admin email or external id; every length matches by the same rule. A term of 3 characters or more is looked up in a trigram index; '
      + 'a shorter one reads the partner\'s customers one by one for an exact `totalCount` (the page itself stops as soon as it is full).',
  })
  search?: string | null;

  @Field(() => CustomerStatus, { nullable: true })
  status?: CustomerStatus | null;

  @Field(() => ID, { nullable: true })
  templateId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Exact, case-sensitive match of the external id (surrounding spaces ignored); for a substring, use `search`.',
  })
  externalId?: string | null;
}

@InputType({ description: 'Case-insensitive filters on a customer’s users.' })
export class CustomerUserFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Substring of first name, last name or email, case-insensitive, surrounding spaces ignored; every length matches by the same rule. '
      + 'A term of 3 characters or more is looked up in a trigram index, so a page and its `totalCount` cost about the same for any size of customer. '
      + 'A term of 1 or 2 characters cannot use that index: its `totalCount` is read from counts kept per character and pair of characters '
      + '(when it is the only filter), and its page walks the customer\'s users newest first until it is full: quick for a term many users contain, '
      + 'a read of every user for one that few or none contain.',
  })
  search?: string | null;

  @Field(() => ID, { nullable: true })
  locationId?: string | null;

  @Field(() => WebexSyncStatus, {
    nullable: true,
    description: 'Only users that stand in this Webex status (NOT_SYNCED: never carried to Webex), e.g. FAILED to find every refused user however many users the customer has.',
  })
  webexStatus?: WebexSyncStatus | null;
}
