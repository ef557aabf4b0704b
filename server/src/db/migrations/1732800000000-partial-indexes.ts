import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes over columns that are NULL on most rows now hold only the rows that have a value: a
 * customer's full administrator starts with no phone number or extension, most customers have no
 * externalId, and an outbox message has a claim token only while a sender holds it. Every
 * createCustomer wrote four index entries nobody could look up (NULLs never clash in a unique
 * index, and no query asks for NULL in these columns), and each dirtied a B-tree page its commit
 * had to write. Uniqueness and every lookup (`= ?`, `IN (…)`, which imply NOT NULL) are unchanged
 * on both engines; the names stay, so the unique-violation mappings still match.
 */
export class PartialIndexes1732800000000 implements MigrationInterface {
  name = 'PartialIndexes1732800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const index of PARTIAL) {
      await q.query(`DROP INDEX "${index.name}"`);
      await q.query(`${index.create} WHERE "${index.column}" IS NOT NULL`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of PARTIAL) {
      await q.query(`DROP INDEX "${index.name}"`);
      await q.query(index.create);
    }
  }
}

const PARTIAL = [
  { name: 'ux_user_phone', column: 'phoneNumber', create: `CREATE UNIQUE INDEX "ux_user_phone" ON "customer_user" ("phoneNumber")` },
  { name: 'ux_user_extension', column: 'extension', create: `CREATE UNIQUE INDEX "ux_user_extension" ON "customer_user" ("customerId", "extension")` },
  { name: 'ux_customer_external_id', column: 'externalId', create: `CREATE UNIQUE INDEX "ux_customer_external_id" ON "customer" ("partnerId", "externalId")` },
  { name: 'ix_outbox_claim', column: 'claimToken', create: `CREATE INDEX "ix_outbox_claim" ON "outbox_message" ("claimToken")` },
];
