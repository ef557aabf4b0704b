import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn, TextColumn } from '../db/columns';

export enum OutboxStatus {
  /** Waiting for (another) delivery attempt. Without SMTP_URL messages stay here. */
  PENDING = 'PENDING',
  SENT = 'SENT',
  /** Rejected permanently (5xx) or out of attempts. */
  FAILED = 'FAILED',
  /** Never to be sent: its customer (deleteCustomer) or user (removeUsers) was deleted, or its user's address changed (updateUsers queues a new one), before it went out. */
  CANCELLED = 'CANCELLED',
}

export enum OutboxKind {
  ADMIN_INVITATION = 'ADMIN_INVITATION',
  WELCOME = 'WELCOME',
}

@ObjectType({ description: 'An onboarding email of a customer and its delivery state.' })
@Entity('outbox_message')
export class OutboxMessage {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  customerId!: string;

  @Field(() => String, { description: 'ADMIN_INVITATION (createCustomer, resendInvitation of the full administrator) or WELCOME (each user setupCustomer creates, resendInvitation of another user).' })
  @TextColumn()
  kind!: OutboxKind;

  @Field(() => String, { description: 'The recipient’s address.' })
  @TextColumn({ name: 'recipient' })
  to!: string;

  @Field(() => String)
  @TextColumn()
  subject!: string;

  @TextColumn()
  body!: string;

  @Field(() => String, { description: 'PENDING, SENT, FAILED or CANCELLED (before it went out, its customer or user was deleted, or the user’s email changed and a new message to the new address replaced it).' })
  @TextColumn()
  status!: OutboxStatus;

  @Field(() => Int, { description: 'Delivery attempts so far.' })
  @Column({ type: 'integer' })
  attempts!: number;

  @InstantColumn()
  nextAttemptAt!: Date;

  @InstantColumn({ nullable: true })
  leaseUntil!: Date | null;

  @TextColumn({ length: 36, nullable: true })
  claimToken!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  @TextColumn({ nullable: true })
  lastError!: string | null;

  @Field(() => Date)
  @InstantColumn()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @InstantColumn({ nullable: true })
  sentAt!: Date | null;
}
