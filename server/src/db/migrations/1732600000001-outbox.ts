import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Onboarding emails, written in the same transaction as the change that causes them (the
 * transactional outbox) and delivered later by the sender. "claimToken"/"leaseUntil" let several
 * server processes share the table without sending a message twice.
 */
export class Outbox1732600000001 implements MigrationInterface {
  name = 'Outbox1732600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "outbox_message" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "customerId" varchar(36) NOT NULL REFERENCES "customer"("id"),
      "kind" varchar NOT NULL,
      "recipient" varchar NOT NULL,
      "subject" varchar NOT NULL,
      "body" text NOT NULL,
      "status" varchar NOT NULL,
      "attempts" integer NOT NULL,
      "nextAttemptAt" bigint NOT NULL,
      "leaseUntil" bigint,
      "claimToken" varchar(36),
      "lastError" text,
      "createdAt" bigint NOT NULL,
      "sentAt" bigint)`);
    await q.query(`CREATE INDEX "ix_outbox_due" ON "outbox_message" ("status", "nextAttemptAt")`);
    await q.query(`CREATE INDEX "ix_outbox_customer" ON "outbox_message" ("customerId", "id")`);
    await q.query(`CREATE INDEX "ix_outbox_claim" ON "outbox_message" ("claimToken")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "outbox_message"`);
  }
}
