import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { AddOn, Package } from '../catalog/packages';
import { DataRegion } from '../catalog/regions';
import { IdColumn, InstantColumn, JsonColumn, RefColumn, TextColumn } from '../db/columns';
import type { TemplateSettings } from '../templates/template.entity';
import { CustomerStatus } from './customer.enums';

@ObjectType({ description: 'Step 2 of onboarding: a business customer’s Webex organization.', simpleResolvers: true })
@Entity('customer')
export class Customer {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  partnerId!: string;

  @RefColumn()
  templateId!: string;

  @Field(() => String)
  @TextColumn()
  companyName!: string;

  @Field(() => String, { description: 'The full administrator’s email, trimmed and lower-cased.' })
  @TextColumn()
  adminEmail!: string;

  @Field(() => Package)
  @TextColumn()
  package!: Package;

  @Field(() => [AddOn])
  @JsonColumn()
  addOns!: AddOn[];

  @Field(() => String, { nullable: true, description: 'The partner’s own id for this customer; unique per partner.' })
  @TextColumn({ nullable: true })
  externalId!: string | null;

  @Field(() => CustomerStatus)
  @TextColumn()
  status!: CustomerStatus;

  @Field(() => DataRegion)
  @TextColumn()
  dataRegion!: DataRegion;

  @Field(() => String, { description: 'Language of the customer’s onboarding emails (ll or ll_CC).' })
  @TextColumn()
  language!: string;

  /** The template's settings as they were when this customer was created. */
  @JsonColumn()
  templateSettings!: TemplateSettings;

  /** Fingerprint of the normalised create input, for idempotent replays by externalId. */
  @TextColumn({ length: 64 })
  inputFingerprint!: string;

  @Field(() => Date)
  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
