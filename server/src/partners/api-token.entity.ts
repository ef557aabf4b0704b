import { Entity } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn, TextColumn } from '../db/columns';

/** An admin's bearer token; only its SHA-256 hash is stored. */
@Entity('api_token')
export class ApiToken {
  @IdColumn()
  id!: string;

  @RefColumn()
  adminId!: string;

  @TextColumn({ length: 64 })
  tokenHash!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  revokedAt!: Date | null;

  /** After this instant the token no longer works (null: never expires). */
  @InstantColumn({ nullable: true })
  expiresAt!: Date | null;

  /** When a request last authenticated with it, to within TOKEN_TOUCH_INTERVAL_MS (see caller.ts). */
  @InstantColumn({ nullable: true })
  lastUsedAt!: Date | null;
}
