import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import { partnerCount } from '../db/child-counts';
import { Page, PageArgs, pageOf } from '../graphql/connection';
import type { Database } from '../db/database';
import { bulkInsert } from '../db/bulk-insert';
import { newId } from '../db/ids';
import { AUDIT_TARGET_CHUNK, AUDIT_TARGET_PREVIEW, AuditEvent, AuditEventTargetChunk } from './audit-event.entity';

/**
 * Records one audit event inside the mutation's own write transaction, so the change and its
 * record commit together (and a dry run's rollback takes both away). The event row keeps the first
 * AUDIT_TARGET_PREVIEW ids; an import's thousands more go AUDIT_TARGET_CHUNK per row beside it, so
 * a page of events stays small (one 10,000-user import was a 380 KB row).
 */
export async function recordAudit(tx: EntityManager, caller: Caller, operation: string, targetIds: string[]): Promise<void> {
  // Through bulkInsert: one prepared statement for every event (TypeORM's insert() would inline
  // the timestamp into the SQL text and prepare a new statement each time).
  const event = Object.assign(new AuditEvent(), {
    id: newId(), partnerId: caller.partnerId, adminId: caller.admin.id, operation,
    targetIds: targetIds.slice(0, AUDIT_TARGET_PREVIEW), targetCount: targetIds.length, at: new Date(),
  });
  await bulkInsert(tx, AuditEvent, [event]);
  const chunks: AuditEventTargetChunk[] = [];
  for (let start = AUDIT_TARGET_PREVIEW, chunk = 0; start < targetIds.length; start += AUDIT_TARGET_CHUNK, chunk++) {
    chunks.push(Object.assign(new AuditEventTargetChunk(), { eventId: event.id, chunk, targetIds: targetIds.slice(start, start + AUDIT_TARGET_CHUNK) }));
  }
  await bulkInsert(tx, AuditEventTargetChunk, chunks);
}

export class AuditService {
  constructor(private readonly db: Database) {}

  /** The caller partner's events, newest first. */
  async list(caller: Caller, args: PageArgs): Promise<Page<AuditEvent>> {
    const qb = this.db.manager.createQueryBuilder(AuditEvent, 'e').where('e.partnerId = :partnerId', { partnerId: caller.partnerId });
    return pageOf(qb, args, 'auditEvents', partnerCount(this.db, 'audit_event', caller.partnerId));
  }
}
