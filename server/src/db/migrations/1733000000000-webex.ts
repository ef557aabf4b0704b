import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Webex connector (domain.md §11). Plain SQL both engines accept, like the other migrations.
 * - onboarding_template."webexProvisioningId": the Provisioning ID of the matching template in Partner Hub.
 * - webex_connection: one per partner; tokens only encrypted (AES-256-GCM), never in clear.
 * - webex_sync: Cisco's side of each customer, location and user (no row: NOT_SYNCED).
 *   "createAttemptedAt" is written and committed BEFORE a create is sent, so whoever comes next
 *   (a retry, a restarted process, another process) looks the object up before sending it again.
 * - webex_job: one durable job per customer, claimed under a lease like the outbox's messages.
 *   "rearm" is set by a change that adds work while a worker holds the job, so its round does
 *   not end the job as DONE over work it never saw.
 */
export class Webex1733000000000 implements MigrationInterface {
  name = 'Webex1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "onboarding_template" ADD COLUMN "webexProvisioningId" varchar(256)`);
    await q.query(`CREATE TABLE "webex_connection" (
      "partnerId" varchar(36) PRIMARY KEY NOT NULL REFERENCES "partner"("id"),
      "accessToken" text NOT NULL,
      "refreshToken" text,
      "connectedAt" bigint NOT NULL,
      "lastError" text,
      "retryAfterUntil" bigint,
      "updatedAt" bigint NOT NULL)`);
    await q.query(`CREATE TABLE "webex_sync" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "kind" varchar(16) NOT NULL,
      "customerId" varchar(36) NOT NULL,
      "status" varchar(32) NOT NULL,
      "webexId" varchar,
      "orgId" varchar,
      "webexStatus" varchar,
      "errors" text NOT NULL,
      "attempts" integer NOT NULL,
      "lastAttemptAt" bigint,
      "nextAttemptAt" bigint,
      "createAttemptedAt" bigint,
      "updatedAt" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_webex_sync_customer" ON "webex_sync" ("customerId", "kind")`);
    await q.query(`CREATE TABLE "webex_job" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "partnerId" varchar(36) NOT NULL,
      "status" varchar(16) NOT NULL,
      "attempts" integer NOT NULL,
      "nextAttemptAt" bigint NOT NULL,
      "leaseUntil" bigint,
      "claimToken" varchar(36),
      "lastError" text,
      "rearm" integer NOT NULL DEFAULT 0,
      "createdAt" bigint NOT NULL,
      "updatedAt" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_webex_job_due" ON "webex_job" ("status", "nextAttemptAt")`);
    await q.query(`CREATE INDEX "ix_webex_job_partner" ON "webex_job" ("partnerId", "status")`);
    await q.query(`CREATE INDEX "ix_webex_job_claim" ON "webex_job" ("claimToken") WHERE "claimToken" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webex_job"`);
    await q.query(`DROP TABLE "webex_sync"`);
    await q.query(`DROP TABLE "webex_connection"`);
    await q.query(`ALTER TABLE "onboarding_template" DROP COLUMN "webexProvisioningId"`);
  }
}
