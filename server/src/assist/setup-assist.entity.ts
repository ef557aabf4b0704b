import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn, TextColumn } from '../db/columns';

/** Every request starts REQUESTED; the Setup Assist team moves it on outside this system. */
export const SETUP_ASSIST_REQUESTED = 'REQUESTED';

@ObjectType({ description: 'A Wholesale Setup Assist request for one location of a customer.' })
@Entity('setup_assist_request')
export class SetupAssistRequest {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  customerId!: string;

  @RefColumn()
  locationId!: string;

  @Field(() => String)
  @TextColumn()
  contactName!: string;

  @Field(() => String, { description: 'Trimmed and lower-cased.' })
  @TextColumn()
  contactEmail!: string;

  @Field(() => String, { nullable: true, description: 'E.164.' })
  @TextColumn({ nullable: true })
  contactPhone!: string | null;

  @Field(() => String, { nullable: true })
  @TextColumn({ nullable: true })
  notes!: string | null;

  @Field(() => String, { description: 'REQUESTED when created.' })
  @TextColumn()
  status!: string;

  @Field(() => Date)
  @InstantColumn()
  createdAt!: Date;
}
