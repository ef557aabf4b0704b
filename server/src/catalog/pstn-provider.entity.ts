import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { IdColumn, JsonColumn, TextColumn } from '../db/columns';

@ObjectType({ description: 'A Cloud Connected PSTN provider from the global catalog.' })
@Entity('pstn_provider')
export class PstnProvider {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @Field(() => String)
  @TextColumn()
  name!: string;

  @Field(() => [String], { description: 'ISO country codes served (informative only).' })
  @JsonColumn()
  countries!: string[];
}
