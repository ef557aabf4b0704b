import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, JsonColumn, RefColumn, TextColumn } from '../db/columns';

/** Target ids kept on the event row itself; the rest go 1,000 per row into AuditEventTargetChunk. */
export const AUDIT_TARGET_PREVIEW = 100;
export const AUDIT_TARGET_CHUNK = 1000;

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

  /** The first AUDIT_TARGET_PREVIEW target ids (the GraphQL field `targetIds` pages through all of them). */
  @JsonColumn()
  targetIds!: string[];

  @Field(() => Int, { description: 'How many ids the mutation created or changed (targetIds pages through them).' })
  @Column({ type: 'integer' })
  targetCount!: number;

  @Field(() => Date)
  @InstantColumn()
  at!: Date;
}

/** Target ids of one event beyond the first AUDIT_TARGET_PREVIEW, AUDIT_TARGET_CHUNK per row (chunk 0 first). */
@Entity('audit_event_target_chunk')
export class AuditEventTargetChunk {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  eventId!: string;

  @PrimaryColumn({ type: 'integer' })
  chunk!: number;

  @JsonColumn()
  targetIds!: string[];
}
