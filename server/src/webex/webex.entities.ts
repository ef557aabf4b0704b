import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IdColumn, InstantColumn, JsonColumn, RefColumn, TextColumn } from '../db/columns';
import { WebexSyncStatus } from '../catalog/webex-sync-status';

// Declared in catalog/ (the vocabulary customers/ filters users by) and re-exported as the connector's own.
export { WebexSyncStatus } from '../catalog/webex-sync-status';

/** What Cisco must still be told about an object changed or removed here. */
export enum WebexChange {
  /** PUT the object as it is now. */
  UPDATE = 'UPDATE',
  /** A user moved from a package without calling to one with it: the PUT carries number, extension and location. */
  UPDATE_CALLING = 'UPDATE_CALLING',
  /**
   * A customer's package list loses its package for one it includes (a downgrade, e.g. Suite → Calling): PUT once the
   * subscribers' pending package changes are carried. Cisco removes every package missing from the list, so no
   * subscriber may still hold the old one; an upgrade (UPDATE) goes the other way round, customer first.
   */
  DOWNGRADE = 'DOWNGRADE',
  /** The object is gone here: DELETE it at Cisco, then forget the row. */
  DELETE = 'DELETE',
}

/** The code of a WebexError that says a change must also be made in Control Hub (kept across the connector's own updates). */
export const CONTROL_HUB_CODE = 'CONTROL_HUB';

export enum WebexObjectKind {
  CUSTOMER = 'CUSTOMER',
  LOCATION = 'LOCATION',
  USER = 'USER',
}

@ObjectType({ description: 'An error Cisco reported, in its words, with the trackingId its support asks for.' })
export class WebexError {
  @Field(() => String, { nullable: true, description: 'Cisco’s errorCode or the HTTP status, when there is one.' })
  code!: string | null;

  @Field(() => String)
  description!: string;

  @Field(() => String, { nullable: true })
  trackingId!: string | null;
}

/** Cisco's side of one customer, location or user. The row's id is our object's id. */
@Entity('webex_sync')
export class WebexSyncRow {
  @IdColumn()
  id!: string;

  @TextColumn({ length: 16 })
  kind!: WebexObjectKind;

  @RefColumn()
  customerId!: string;

  @TextColumn({ length: 32 })
  status!: WebexSyncStatus;

  @TextColumn({ nullable: true })
  webexId!: string | null;

  @TextColumn({ nullable: true })
  orgId!: string | null;

  @TextColumn({ nullable: true })
  webexStatus!: string | null;

  @JsonColumn()
  errors!: WebexError[];

  @Column({ type: 'integer' })
  attempts!: number;

  @InstantColumn({ nullable: true })
  lastAttemptAt!: Date | null;

  @InstantColumn({ nullable: true })
  nextAttemptAt!: Date | null;

  /** Set and committed before a create is sent: a later attempt looks the object up first. */
  @InstantColumn({ nullable: true })
  createAttemptedAt!: Date | null;

  /** A change made here that Cisco must still get (domain.md §12): see WebexChange. Null: none. */
  @TextColumn({ length: 16, nullable: true })
  pendingChange!: WebexChange | null;

  /** Bumped by every change: a pending change is cleared only when no newer one came meanwhile. */
  @Column({ type: 'integer', default: 0 })
  changeSeq!: number;

  /** A deleted object's lookup key at Cisco (a user's email, a location's name), for a DELETE whose target id is unknown. */
  @TextColumn({ nullable: true })
  lookupKey!: string | null;

  @InstantColumn()
  updatedAt!: Date;
}

@ObjectType('WebexSync', { description: 'Where a customer, location or user stands at Cisco.' })
export class WebexSync {
  @Field(() => WebexSyncStatus)
  status!: WebexSyncStatus;

  @Field(() => String, { nullable: true, description: 'Cisco’s id of the object.' })
  webexId!: string | null;

  @Field(() => String, { nullable: true, description: 'The customer’s Webex organization, once provisioned.' })
  orgId!: string | null;

  @Field(() => String, { nullable: true, description: 'Cisco’s raw status (e.g. provisioning, pending_rpl_review, pending_user_migration).' })
  webexStatus!: string | null;

  @Field(() => [WebexError])
  errors!: WebexError[];

  @Field(() => Int, { description: 'Requests made for this object so far.' })
  attempts!: number;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the next poll or retry is due, if one is planned.' })
  nextAttemptAt!: Date | null;
}

@ObjectType('WebexStatusCount', { description: 'How many of a customer’s users stand in one Webex status.' })
export class WebexStatusCount {
  @Field(() => WebexSyncStatus)
  status!: WebexSyncStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType('WebexRemoval', { description: 'A customer deleted here whose removal at Webex is not done yet.' })
export class WebexRemoval {
  @Field(() => ID, { description: 'The deleted customer’s id (what retryWebexSync takes to send the removal again).' })
  customerId!: string;

  @Field(() => WebexSync, { description: 'Where its removal stands: FAILED with Cisco’s words when Cisco refused it.' })
  webex!: WebexSync;
}

export const NOT_SYNCED: WebexSync = {
  status: WebexSyncStatus.NOT_SYNCED, webexId: null, orgId: null, webexStatus: null, errors: [], attempts: 0,
  lastAttemptAt: null, nextAttemptAt: null,
};

export function syncOf(row: WebexSyncRow | null | undefined): WebexSync {
  if (!row) return NOT_SYNCED;
  return {
    status: row.status, webexId: row.webexId, orgId: row.orgId, webexStatus: row.webexStatus, errors: row.errors,
    attempts: row.attempts, lastAttemptAt: row.lastAttemptAt, nextAttemptAt: row.nextAttemptAt,
  };
}

/** A partner's Webex connection. Tokens are stored encrypted only (see webex-crypto.ts). */
@Entity('webex_connection')
export class WebexConnectionRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  partnerId!: string;

  @Column({ type: 'text' })
  accessToken!: string;

  @Column({ type: 'text', nullable: true })
  refreshToken!: string | null;

  @InstantColumn()
  connectedAt!: Date;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  /** A 429/423's Retry-After for this partner's token: no request with it before then (across processes). */
  @InstantColumn({ nullable: true })
  retryAfterUntil!: Date | null;

  @InstantColumn()
  updatedAt!: Date;
}

@ObjectType('WebexConnection', { description: 'The partner’s connection to Cisco’s Webex APIs. A token is never part of an answer.' })
export class WebexConnection {
  @Field(() => Boolean)
  connected!: boolean;

  @Field(() => Date, { nullable: true })
  connectedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the connector stopped using the token (the partner’s jobs wait until connectWebex is called again).' })
  lastError!: string | null;
}

export enum WebexJobStatus {
  PENDING = 'PENDING',
  /** The partner's token was refused: waits for connectWebex. */
  HELD = 'HELD',
  DONE = 'DONE',
}

/** One durable job per customer: drive its customer, locations and users to Cisco. Id = the customer's id. */
@Entity('webex_job')
export class WebexJob {
  @IdColumn()
  id!: string;

  @RefColumn()
  partnerId!: string;

  @TextColumn({ length: 16 })
  status!: WebexJobStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @InstantColumn()
  nextAttemptAt!: Date;

  @InstantColumn({ nullable: true })
  leaseUntil!: Date | null;

  @TextColumn({ length: 36, nullable: true })
  claimToken!: string | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  /** 1: work was added while the job was claimed; the round in flight leaves it PENDING. */
  @Column({ type: 'integer', default: 0 })
  rearm!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
