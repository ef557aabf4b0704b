import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { IdColumn, InstantColumn, TextColumn } from '../db/columns';

@ObjectType({ description: 'A service provider reselling Webex for Wholesale.' })
@Entity('partner')
export class Partner {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @Field(() => String)
  @TextColumn()
  name!: string;

  @InstantColumn()
  createdAt!: Date;
}
