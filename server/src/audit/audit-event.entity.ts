import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { IdColumn, InstantColumn, JsonColumn, RefColumn, TextColumn } from '../db/columns';

@ObjectType({ description: 'Who changed what, and when: one per successful mutation (dry runs leave none).' })
@Entity('audit_event')
export class AuditEvent {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  partnerId!: string;

  @RefColumn()
  adminId!: string;

  @Field(() => String, { description: 'The mutation’s name, e.g. setupCustomer.' })
  @TextColumn()
  operation!: string;

  @Field(() => [ID], { description: 'Ids the mutation created or changed, the customer’s included.' })
  @JsonColumn()
  targetIds!: string[];

  @Field(() => Date)
  @InstantColumn()
  at!: Date;
}
