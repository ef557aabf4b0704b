import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Changes after onboarding carried to Cisco (domain.md §12), on the object's own sync row:
 * - "pendingChange": UPDATE (PUT the object as it is now), UPDATE_CALLING (a user moved from meetings
 *   to calling: the PUT carries its number, extension and location) or DELETE (the object is gone here;
 *   the row outlives it until Cisco's DELETE is done).
 * - "changeSeq": bumped by every change. The worker clears a pending change only if no newer one came
 *   while its request was out, and sends a create only if the object did not change since it read it.
 * - "lookupKey": what a deleted object is looked up by at Cisco when its id there is unknown (a create
 *   whose answer was lost): a user's email, a location's name.
 */
export class WebexChanges1733150000001 implements MigrationInterface {
  name = 'WebexChanges1733150000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webex_sync" ADD COLUMN "pendingChange" varchar(16)`);
    await q.query(`ALTER TABLE "webex_sync" ADD COLUMN "changeSeq" integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "webex_sync" ADD COLUMN "lookupKey" varchar`);
    await q.query(`CREATE INDEX "ix_webex_sync_pending" ON "webex_sync" ("customerId") WHERE "pendingChange" IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_webex_sync_pending"`);
    await q.query(`ALTER TABLE "webex_sync" DROP COLUMN "lookupKey"`);
    await q.query(`ALTER TABLE "webex_sync" DROP COLUMN "changeSeq"`);
    await q.query(`ALTER TABLE "webex_sync" DROP COLUMN "pendingChange"`);
  }
}
