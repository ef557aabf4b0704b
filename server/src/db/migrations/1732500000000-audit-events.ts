import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail: one row per successful mutation, written in the mutation's transaction. */
export class AuditEvents1732500000000 implements MigrationInterface {
  name = 'AuditEvents1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "audit_event" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "partnerId" varchar(36) NOT NULL REFERENCES "partner"("id"),
      "adminId" varchar(36) NOT NULL REFERENCES "partner_admin"("id"),
      "operation" varchar NOT NULL,
      "targetIds" text NOT NULL,
      "at" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_audit_event_partner" ON "audit_event" ("partnerId", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_event"`);
  }
}
