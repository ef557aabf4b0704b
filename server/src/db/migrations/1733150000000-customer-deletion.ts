import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * deleteCustomer (domain.md §12) removes the customer row but keeps its emails, the unsent ones
 * CANCELLED, as the record of what was (and was not) sent: outbox_message."customerId" no longer
 * references customer. PostgreSQL drops the constraint; SQLite cannot drop a foreign key, so the
 * table is rebuilt (same columns, same indexes; nothing references outbox_message).
 */
export class CustomerDeletion1733150000000 implements MigrationInterface {
  name = 'CustomerDeletion1733150000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT IF EXISTS "outbox_message_customerId_fkey"`);
      return;
    }
    await rebuild(q, `"customerId" varchar(36) NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`ALTER TABLE "outbox_message" ADD CONSTRAINT "outbox_message_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "customer"("id")`);
      return;
    }
    await rebuild(q, `"customerId" varchar(36) NOT NULL REFERENCES "customer"("id")`);
  }
}

const COLUMNS = '"id", "customerId", "kind", "recipient", "subject", "body", "status", "attempts", "nextAttemptAt", "leaseUntil", "claimToken", "lastError", "createdAt", "sentAt"';

async function rebuild(q: QueryRunner, customerColumn: string): Promise<void> {
  await q.query(`CREATE TABLE "outbox_message_new" (
    "id" varchar(36) PRIMARY KEY NOT NULL,
    ${customerColumn},
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
  await q.query(`INSERT INTO "outbox_message_new" (${COLUMNS}) SELECT ${COLUMNS} FROM "outbox_message"`);
  await q.query(`DROP TABLE "outbox_message"`);
  await q.query(`ALTER TABLE "outbox_message_new" RENAME TO "outbox_message"`);
  await q.query(`CREATE INDEX "ix_outbox_due" ON "outbox_message" ("status", "nextAttemptAt")`);
  await q.query(`CREATE INDEX "ix_outbox_customer" ON "outbox_message" ("customerId", "id")`);
  await q.query(`CREATE INDEX "ix_outbox_claim" ON "outbox_message" ("claimToken") WHERE "claimToken" IS NOT NULL`);
}
