import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators' lifecycle of admins and tokens (domain.md §14): an admin can be disabled (its tokens
 * stop working, it leaves `viewer.partner.admins` and cannot be named on a template); the CLI's own
 * import identity is a system admin, never listed or nameable; a token may expire and records when
 * it was last used. The CLI identity of earlier imports is recognised by its reserved address.
 */
export class AdminLifecycle1733100000000 implements MigrationInterface {
  name = 'AdminLifecycle1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "partner_admin" ADD COLUMN "disabledAt" bigint`);
    await q.query(`ALTER TABLE "partner_admin" ADD COLUMN "system" boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE "partner_admin" SET "system" = true WHERE "email" = 'cli-import@system.invalid'`);
    await q.query(`ALTER TABLE "api_token" ADD COLUMN "expiresAt" bigint`);
    await q.query(`ALTER TABLE "api_token" ADD COLUMN "lastUsedAt" bigint`);
    await q.query(`CREATE INDEX "ix_api_token_admin" ON "api_token" ("adminId")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_api_token_admin"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "lastUsedAt"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "expiresAt"`);
    await q.query(`ALTER TABLE "partner_admin" DROP COLUMN "system"`);
    await q.query(`ALTER TABLE "partner_admin" DROP COLUMN "disabledAt"`);
  }
}
