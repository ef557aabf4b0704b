import { MigrationInterface, QueryRunner } from 'typeorm';

/** Wholesale Setup Assist requests, one row per request for a customer's location. */
export class SetupAssist1732600000000 implements MigrationInterface {
  name = 'SetupAssist1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "setup_assist_request" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "customerId" varchar(36) NOT NULL REFERENCES "customer"("id"),
      "locationId" varchar(36) NOT NULL REFERENCES "location"("id"),
      "contactName" varchar NOT NULL,
      "contactEmail" varchar NOT NULL,
      "contactPhone" varchar,
      "notes" text,
      "status" varchar NOT NULL,
      "createdAt" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_setup_assist_customer" ON "setup_assist_request" ("customerId", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "setup_assist_request"`);
  }
}
