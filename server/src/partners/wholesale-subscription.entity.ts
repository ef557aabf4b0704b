import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn, TextColumn } from '../db/columns';

@ObjectType({ description: 'A partner’s Webex for Wholesale subscription; templates bill against one.' })
@Entity('wholesale_subscription')
export class WholesaleSubscription {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  partnerId!: string;

  @Field(() => String, { description: 'The subscription id on the partner’s side, e.g. Sub100452.' })
  @TextColumn()
  externalId!: string;

  @Field(() => String)
  @TextColumn()
  name!: string;

  @InstantColumn()
  createdAt!: Date;
}
