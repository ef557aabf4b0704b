import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cancelling the unsent emails of removed or re-addressed users (removeUsers, updateUsers) finds
 * them by customer and address. Without this index that read every email the customer ever had
 * (one welcome per user), so a removal cost grew with the customer. Partial: only unsent emails are
 * in it, and a message leaves it once sent, so it costs nothing for the outbox's history.
 */
export class OutboxUnsentRecipient1733250000001 implements MigrationInterface {
  name = 'OutboxUnsentRecipient1733250000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_outbox_unsent_recipient" ON "outbox_message" ("customerId", "recipient") WHERE "status" = 'PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_outbox_unsent_recipient"`);
  }
}
