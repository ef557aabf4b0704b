import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Page, PageArgs, pageOf } from '../graphql/connection';
import type { Database } from '../db/database';
import { bulkInsert } from '../db/bulk-insert';
import { newId } from '../db/ids';
import { AuditEvent } from './audit-event.entity';

/**
 * Records one audit event inside the mutation's own write transaction, so the change and its
 * record commit together (and a dry run's rollback takes both away).
 */
export async function recordAudit(tx: EntityManager, caller: Caller, operation: string, targetIds: string[]): Promise<void> {
  // Through bulkInsert: one prepared statement for every event (TypeORM's insert() would inline
  // the timestamp into the SQL text and prepare a new statement each time).
  const event = Object.assign(new AuditEvent(), {
    id: newId(), partnerId: caller.partnerId, adminId: caller.admin.id, operation, targetIds, at: new Date(),
  });
  await bulkInsert(tx, AuditEvent, [event]);
}

export class AuditService {
  constructor(private readonly db: Database) {}

  /** The caller partner's events, newest first. */
  async list(caller: Caller, args: PageArgs): Promise<Page<AuditEvent>> {
    const qb = this.db.manager.createQueryBuilder(AuditEvent, 'e').where('e.partnerId = :partnerId', { partnerId: caller.partnerId });
    return pageOf(qb, args, 'auditEvents');
  }
}
