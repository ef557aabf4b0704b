import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events stay small (issue 13): a 10,000-user import wrote all its ids as one 380 KB JSON
 * text, and `auditEvents(first: 20)` answered 3.7 MB. Now "targetIds" keeps the first 100 ids (an
 * event with up to 100 targets, nearly all of them, is unchanged), "targetCount" says how many
 * there are, and the ids beyond the first 100 are stored 1,000 per row in "audit_event_target_chunk"
 * (chunk 0 holds positions 100–1099, and so on), read only when a client pages to them.
 * Events already stored are split the same way.
 */
const PREVIEW = 100;
const CHUNK = 1000;

export class AuditTargets1733200000002 implements MigrationInterface {
  name = 'AuditTargets1733200000002';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    const p = (i: number) => (postgres ? `$${i}` : '?');
    await q.query(`ALTER TABLE "audit_event" ADD COLUMN "targetCount" integer NOT NULL DEFAULT 0`);
    await q.query(`UPDATE "audit_event" SET "targetCount" = json_array_length("targetIds"${postgres ? '::json' : ''})`);
    await q.query(`CREATE TABLE "audit_event_target_chunk" (
      "eventId" varchar(36) NOT NULL REFERENCES "audit_event"("id"),
      "chunk" integer NOT NULL,
      "targetIds" text NOT NULL,
      PRIMARY KEY ("eventId", "chunk"))`);
    const long: Array<{ id: string; targetIds: string }> = await q.query(
      `SELECT "id", "targetIds" FROM "audit_event" WHERE "targetCount" > ${PREVIEW}`);
    for (const event of long) {
      const ids = JSON.parse(event.targetIds) as string[];
      for (let start = PREVIEW, chunk = 0; start < ids.length; start += CHUNK, chunk++) {
        await q.query(`INSERT INTO "audit_event_target_chunk" ("eventId", "chunk", "targetIds") VALUES (${p(1)}, ${p(2)}, ${p(3)})`,
          [event.id, chunk, JSON.stringify(ids.slice(start, start + CHUNK))]);
      }
      await q.query(`UPDATE "audit_event" SET "targetIds" = ${p(1)} WHERE "id" = ${p(2)}`, [JSON.stringify(ids.slice(0, PREVIEW)), event.id]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    const p = (i: number) => (postgres ? `$${i}` : '?');
    const chunks: Array<{ eventId: string; targetIds: string }> = await q.query(
      `SELECT "eventId", "targetIds" FROM "audit_event_target_chunk" ORDER BY "eventId", "chunk"`);
    const rest = new Map<string, string[]>();
    for (const c of chunks) rest.set(c.eventId, [...(rest.get(c.eventId) ?? []), ...(JSON.parse(c.targetIds) as string[])]);
    for (const [id, ids] of rest) {
      const [row] = await q.query(`SELECT "targetIds" FROM "audit_event" WHERE "id" = ${p(1)}`, [id]);
      await q.query(`UPDATE "audit_event" SET "targetIds" = ${p(1)} WHERE "id" = ${p(2)}`, [JSON.stringify([...JSON.parse(row.targetIds), ...ids]), id]);
    }
    await q.query(`DROP TABLE "audit_event_target_chunk"`);
    await q.query(`ALTER TABLE "audit_event" DROP COLUMN "targetCount"`);
  }
}
