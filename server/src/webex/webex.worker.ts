import type { Logger } from 'pino';
import { In } from 'typeorm';
import { packageRow } from '../catalog/packages';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import type { Database } from '../db/database';
import { Claim, LeaseClaims } from '../db/lease-claims';
import { PollingLoop } from '../db/polling-loop';
import { lockWebexUserCounts } from '../db/webex-user-counts';
import { OnboardingTemplate } from '../templates/template.entity';
import {
  WebexDeferredError, WebexRefusedError, WebexResponse, WebexStoppingError, WebexTokenRefusedError, WebexTransientError, webexErrorOf,
} from './webex-api';
import { PartnerSession } from './webex-partner-session';
import {
  customerBody, customerUpdateBody, idFromLocation, locationBody, locationUpdateBody, subscriberBody, subscriberUpdateBody, userReady,
} from './webex-payloads';
import type { WebexConfig } from './webex.config';
import {
  CONTROL_HUB_CODE, WebexChange, WebexConnectionRow, WebexError, WebexJob, WebexJobStatus, WebexObjectKind, WebexSyncRow, WebexSyncStatus,
} from './webex.entities';

/** The worker lost its claim on the job (its lease lapsed and another process may hold it): stop touching it. */
class LeaseLostError extends Error {}

/** Users whose creates are marked attempted (one write) and then sent together. */
const USER_CHUNK = 25;
/** Jobs (customers) one process works on at once. */
const JOBS_PER_ROUND = 8;
/** Objects on hold at Cisco (a compliance review, a user's consent) are polled this much more slowly. */
const ON_HOLD_SLOWDOWN = 4;

/** Cisco's status of a customer or subscriber → ours (domain.md §11). Unknown statuses keep polling. */
export function statusOf(webexStatus: string | null | undefined): WebexSyncStatus {
  switch (webexStatus) {
    case 'provisioned': return WebexSyncStatus.PROVISIONED;
    case 'provisioned_with_errors': return WebexSyncStatus.PROVISIONED_WITH_ERRORS;
    case 'error': return WebexSyncStatus.FAILED;
    case 'pending_rpl_review':
    case 'pending_user_migration': return WebexSyncStatus.ON_HOLD;
    default: return WebexSyncStatus.IN_PROGRESS;
  }
}

function ciscoErrors(body: any): WebexError[] {
  if (!Array.isArray(body?.errors)) return [];
  return body.errors.filter((e: any) => e && typeof e.description === 'string').map((e: any) => ({
    code: e.errorCode === undefined || e.errorCode === null ? null : String(e.errorCode),
    description: String(e.description).slice(0, 2000),
    trackingId: typeof e.trackingId === 'string' ? e.trackingId : null,
  }));
}

/**
 * Waits for every request of a batch before passing on the first failure (a stop, a lease lost, a
 * refused token): the job is released only once none of its creates is still on its way, or
 * another process could look one up before it reached Cisco and send it again.
 */
async function settleAll(work: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** One round over one customer: what it read, and the earliest time something is due again. */
interface Round {
  job: WebexJob;
  claim: Claim<WebexJob>;
  session: PartnerSession;
  wake: number | null;
}

/**
 * Carries customers, their locations and users to Cisco (domain.md §11), in the background of every
 * server process. Work comes as one durable job per customer (webex_job), claimed under a lease with
 * the outbox's machinery (db/lease-claims.ts), so processes share the jobs and a crashed one's are
 * taken over when its lease ends.
 *
 * Exactly once: before a create is sent, "create attempted" is committed on the object's sync row
 * (in a transaction that also checks this process still holds the job); whoever finds that mark
 * without Cisco's id (a retry after a timeout or a 5xx, a restart after kill -9, another process)
 * looks the object up at Cisco before sending it again. A request is cut off after at most a third
 * of the lease, and the lease is renewed whenever less than two thirds are left, so a create is
 * never in flight after the job's lease could have passed to another process.
 */
export class WebexWorker {
  private readonly claims: LeaseClaims<WebexJob>;
  private readonly sessions = new Map<string, PartnerSession>();
  /** Consecutive transient failures per object (backoff exponent); in memory, reset on success. */
  private readonly failures = new Map<string, number>();
  private readonly renewals = new Map<string, Promise<Set<string>>>();
  private readonly loop: PollingLoop;

  constructor(
    private readonly db: Database,
    private readonly config: WebexConfig,
    private readonly log: Logger,
  ) {
    this.claims = new LeaseClaims(db, WebexJob, { pendingStatus: WebexJobStatus.PENDING, leaseMs: config.leaseMs, batchSize: JOBS_PER_ROUND });
    // A full round suggests more jobs are due: the next goes at once.
    this.loop = new PollingLoop(async () => (await this.runOnce()) >= JOBS_PER_ROUND, config.workerIntervalMs,
      (error) => this.log.error({ err: error }, 'webex: sync round failed'));
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming; each job finishes its request in flight and hands its claim back. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private get stopped(): boolean {
    return this.loop.stopped;
  }

  /** Claims due jobs and drives each one round; returns how many were claimed. */
  async runOnce(): Promise<number> {
    const claim = await this.claims.claim();
    await Promise.all(claim.rows.map((job) => this.runJob(job, claim)));
    return claim.rows.length;
  }

  private async runJob(job: WebexJob, claim: Claim<WebexJob>): Promise<void> {
    try {
      // Work added from now on re-arms the job (see finish).
      await this.db.write((tx) => tx.update(WebexJob, { id: job.id, claimToken: claim.token }, { rearm: 0 }));
      const session = await this.sessionFor(job.partnerId);
      if (!session) {
        await this.finish(job, claim, WebexJobStatus.HELD, null, 'The partner is not connected to Webex (or its connection has an error).');
        return;
      }
      const round: Round = { job, claim, session, wake: null };
      await this.drive(round);
      await this.finish(job, claim, round.wake === null ? WebexJobStatus.DONE : WebexJobStatus.PENDING, round.wake, null);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.log.warn({ customerId: job.id }, 'webex: lost the claim on a job; another process has it');
      } else if (error instanceof WebexStoppingError) {
        await this.finish(job, claim, WebexJobStatus.PENDING, Date.now(), null);
      } else if (error instanceof WebexDeferredError) {
        await this.finish(job, claim, WebexJobStatus.PENDING, error.until, null);
      } else if (error instanceof WebexTokenRefusedError) {
        await this.holdPartner(job.partnerId, error.message);
        await this.finish(job, claim, WebexJobStatus.HELD, null, error.message);
      } else {
        this.log.error({ err: error, customerId: job.id }, 'webex: sync round failed for a customer');
        const wait = this.backoff(`job:${job.id}`);
        await this.finish(job, claim, WebexJobStatus.PENDING, Date.now() + wait, String((error as Error).message ?? error).slice(0, 1000))
          .catch((e) => this.log.error({ err: e }, 'webex: could not release a job'));
      }
    }
  }

  /**
   * Ends the round: the job's next state, only while this process still holds it. A job re-armed
   * meanwhile (new locations or users, a retry) stays PENDING and is due at once.
   */
  private async finish(job: WebexJob, claim: Claim<WebexJob>, status: WebexJobStatus, next: number | null, lastError: string | null): Promise<void> {
    const now = Date.now();
    await this.db.write((tx) => tx.createQueryBuilder().update(WebexJob)
      .set({
        status: () => `CASE WHEN "rearm" = 1 AND :status = 'DONE' THEN 'PENDING' ELSE :status END`,
        nextAttemptAt: () => `CASE WHEN "rearm" = 1 THEN CAST(:now AS bigint) ELSE CAST(:next AS bigint) END`,
        attempts: () => '"attempts" + 1',
        rearm: 0, claimToken: null, leaseUntil: null, lastError, updatedAt: new Date(now),
      })
      .where('id = :id', { id: job.id })
      .andWhere('"claimToken" = :token', { token: claim.token })
      .setParameters({ status, now, next: next ?? now })
      .execute());
  }

  /** The partner's token was refused for good: its jobs wait until it connects again. */
  private async holdPartner(partnerId: string, message: string): Promise<void> {
    this.log.warn({ partnerId }, 'webex: partner token refused; its jobs are held until connectWebex');
    await this.db.write(async (tx) => {
      await tx.update(WebexConnectionRow, { partnerId }, { lastError: message, updatedAt: new Date() });
      await tx.update(WebexJob, { partnerId, status: WebexJobStatus.PENDING }, { status: WebexJobStatus.HELD, updatedAt: new Date() });
    });
    this.sessions.delete(partnerId);
  }

  /** The partner's session with its stored token; null without a usable connection. Only this partner's token is ever loaded for its jobs. */
  private async sessionFor(partnerId: string): Promise<PartnerSession | null> {
    const row = await this.db.manager.findOneBy(WebexConnectionRow, { partnerId });
    if (!row || row.lastError) return null;
    let session = this.sessions.get(partnerId);
    if (!session) {
      session = new PartnerSession(partnerId, this.config, this.db, this.log, () => this.stopped);
      this.sessions.set(partnerId, session);
    }
    if (!session.load(row)) {
      await this.holdPartner(partnerId, 'The stored token cannot be decrypted (was WEBEX_TOKEN_KEY changed?); connect again with connectWebex.');
      return null;
    }
    return session;
  }

  private backoff(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const base = Math.min(this.config.maxBackoffMs, this.config.retryBaseMs * 2 ** Math.min(n - 1, 20));
    // Full jitter over the upper half: processes retrying after one outage do not come back in step.
    return Math.round(base / 2 + Math.random() * base / 2);
  }

  private pollWait(row: WebexSyncRow, onHold: boolean): number {
    const wait = this.config.pollIntervalMs * 1.5 ** Math.max(0, row.attempts - 1) * (onHold ? ON_HOLD_SLOWDOWN : 1);
    return Math.round(Math.min(this.config.maxBackoffMs, wait));
  }

  private later(round: Round, at: number): void {
    round.wake = round.wake === null ? at : Math.min(round.wake, at);
  }

  /** Renews the job's lease when less than two thirds are left; throws when the claim was lost. */
  private async ensureLease(round: Round): Promise<void> {
    if (this.stopped) throw new WebexStoppingError();
    const { claim } = round;
    if (claim.leaseUntil - Date.now() >= (2 * this.config.leaseMs) / 3) return;
    let renewal = this.renewals.get(claim.token);
    if (!renewal) {
      renewal = this.claims.renew(claim).finally(() => this.renewals.delete(claim.token));
      this.renewals.set(claim.token, renewal);
    }
    if (!(await renewal).has(round.job.id)) throw new LeaseLostError();
  }

  /**
   * Commits "create attempted" on the rows before their creates are sent, in a transaction that
   * also checks this process still holds the job.
   */
  private async markCreateAttempted(round: Round, rows: WebexSyncRow[]): Promise<WebexSyncRow[]> {
    await this.ensureLease(round);
    const now = new Date();
    const fresh = await this.db.write(async (tx) => {
      const own = await tx.existsBy(WebexJob, { id: round.job.id, claimToken: round.claim.token });
      if (!own) throw new LeaseLostError();
      // An object changed (or removed) since this round read it is not sent with what was read: the
      // change re-armed the job, and the next round reads it again (domain.md §12).
      const current = await tx.find(WebexSyncRow, { select: { id: true, changeSeq: true }, where: { id: In(rows.map((r) => r.id)) } });
      const seq = new Map(current.map((r) => [r.id, r.changeSeq]));
      const unchanged = rows.filter((r) => seq.get(r.id) === r.changeSeq);
      if (unchanged.length > 0) {
        await tx.createQueryBuilder().update(WebexSyncRow)
          .set({ createAttemptedAt: now })
          .where('id IN (:...ids)', { ids: unchanged.map((r) => r.id) })
          .andWhere('"createAttemptedAt" IS NULL')
          .execute();
      }
      return unchanged;
    });
    for (const row of fresh) row.createAttemptedAt ??= now;
    if (fresh.length < rows.length) this.later(round, Date.now());
    return fresh;
  }

  /** The pending change was carried: cleared, unless a newer change came while the request was out (then it goes next round). */
  private async changeCarried(round: Round, row: WebexSyncRow, seq: number): Promise<void> {
    const result = await this.db.write((tx) => tx.createQueryBuilder().update(WebexSyncRow)
      .set({ pendingChange: null, lookupKey: null })
      .where('id = :id', { id: row.id })
      .andWhere('"changeSeq" = :seq', { seq })
      .execute());
    if ((result.affected ?? 0) > 0) row.pendingChange = null;
    else this.later(round, Date.now());
  }

  /** A deleted object is gone at Cisco too: its row is forgotten. */
  private async forgetRows(where: { id?: string; customerId?: string }): Promise<void> {
    await this.db.write((tx) => tx.delete(WebexSyncRow, where));
  }

  private async save(row: WebexSyncRow): Promise<void> {
    row.updatedAt = new Date();
    // The change columns belong to the mutations (and changeCarried): a round's copy never overwrites them.
    const { id, kind, customerId, pendingChange: _p, changeSeq: _s, lookupKey: _l, ...changes } = row;
    await this.db.write(async (tx) => {
      // A user's status counts in its customer's stored counts: their lock first (db/webex-user-counts.ts).
      if (kind === WebexObjectKind.USER) await lockWebexUserCounts(tx, customerId);
      await tx.update(WebexSyncRow, { id }, changes);
    });
  }

  /** Runs one object's step: a refusal marks it FAILED (siblings go on), a transient error schedules a retry. */
  private async attempt(round: Round, row: WebexSyncRow, step: () => Promise<void>): Promise<void> {
    try {
      await step();
      this.failures.delete(row.id);
    } catch (error) {
      if (error instanceof WebexRefusedError) {
        row.status = WebexSyncStatus.FAILED;
        row.errors = [error.error];
        row.nextAttemptAt = null;
        this.failures.delete(row.id);
        await this.save(row);
      } else if (error instanceof WebexTransientError) {
        row.errors = [error.error];
        row.nextAttemptAt = new Date(Date.now() + this.backoff(row.id));
        this.log.warn({ objectId: row.id, kind: row.kind, err: error.message }, 'webex: request failed, will retry');
        await this.save(row);
        this.later(round, row.nextAttemptAt.getTime());
      } else {
        throw error;
      }
    }
  }

  private async request(round: Round, row: WebexSyncRow, call: Parameters<PartnerSession['call']>[0]): Promise<WebexResponse> {
    await this.ensureLease(round);
    row.attempts += 1;
    row.lastAttemptAt = new Date();
    return round.session.call(call);
  }

  private refused(response: WebexResponse): WebexRefusedError {
    return new WebexRefusedError(webexErrorOf(response), response.status);
  }

  private async drive(round: Round): Promise<void> {
    const customerId = round.job.id;
    // The sync rows (with their changeSeq) are read before the objects: an object changed after this
    // read is caught by markCreateAttempted, never sent as it was before the change.
    const rows = await this.db.manager.findBy(WebexSyncRow, { customerId });
    const customer = await this.db.manager.findOneBy(Customer, { id: customerId });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const customerRow = byId.get(customerId);
    if (!customer) {
      if (customerRow?.pendingChange === WebexChange.DELETE) await this.deleteCustomer(round, customerRow);
      return;
    }
    const template = await this.db.manager.findOneBy(OnboardingTemplate, { id: customer.templateId });
    const locations = await this.db.manager.findBy(Location, { customerId });
    const users = await this.db.manager.find(CustomerUser, { where: { customerId }, order: { id: 'ASC' } });
    const headquarters = locations.find((l) => l.isHeadquarters);
    if (!customerRow || !headquarters) return;
    if (!(await this.driveCustomer(round, customer, headquarters, template?.webexProvisioningId ?? null, customerRow))) return;
    const orgId = customerRow.orgId!;
    locations.sort((a, b) => Number(b.isHeadquarters) - Number(a.isHeadquarters));
    for (const location of locations) {
      const row = byId.get(location.id);
      if (row) await this.driveLocation(round, location, orgId, row);
    }
    await this.driveUsers(round, customerRow.webexId!, users, byId);
    await this.driveChanges(round, orgId, customerRow.webexId!, locations, users, rows, byId);
    if (customerRow.pendingChange === WebexChange.DOWNGRADE) {
      // Cisco drops every package missing from the customer's list: the subscribers move down first (a refused one,
      // FAILED, no longer holds it back: Cisco then says why the customer's PUT cannot go either).
      const moving = rows.some((r) => r.kind === WebexObjectKind.USER && r.status !== WebexSyncStatus.FAILED
        && (r.pendingChange === WebexChange.UPDATE || r.pendingChange === WebexChange.UPDATE_CALLING));
      // A user change still waiting has its own next attempt (or waits for a change here), which wakes the job again.
      if (!moving) await this.putCustomer(round, customer, headquarters, customerRow);
    }
  }

  /** deleteCustomer: DELETE /wholesale/customers/{id} (looked up by externalId when a lost answer hid its id); then its rows go. */
  private async deleteCustomer(round: Round, row: WebexSyncRow): Promise<void> {
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > Date.now()) {
      this.later(round, row.nextAttemptAt.getTime());
      return;
    }
    await this.attempt(round, row, async () => {
      let webexId = row.webexId;
      if (!webexId) {
        const found = await this.request(round, row, { method: 'GET', path: '/wholesale/customers', query: { externalId: row.id } });
        if (found.status !== 200) throw this.refused(found);
        const item = Array.isArray(found.json?.items) ? found.json.items.find((c: any) => c?.externalId === row.id) : undefined;
        webexId = item?.id ? String(item.id) : null;
      }
      if (webexId) {
        const deleted = await this.request(round, row, { method: 'DELETE', path: `/wholesale/customers/${encodeURIComponent(webexId)}` });
        // 404: already gone (a DELETE whose answer was lost, sent again).
        if ((deleted.status < 200 || deleted.status > 299) && deleted.status !== 404) throw this.refused(deleted);
      }
      await this.forgetRows({ customerId: row.id });
    });
  }

  /** The changes made after onboarding (domain.md §12): users first (a location at Cisco cannot go while users are there), then locations. */
  private async driveChanges(
    round: Round, orgId: string, ciscoCustomerId: string, locations: Location[], users: CustomerUser[], rows: WebexSyncRow[], byId: Map<string, WebexSyncRow>,
  ): Promise<void> {
    const pending = rows.filter((r) => r.pendingChange !== null && r.kind !== WebexObjectKind.CUSTOMER);
    if (pending.length === 0) return;
    const usersById = new Map(users.map((u) => [u.id, u]));
    const locationsById = new Map(locations.map((l) => [l.id, l]));
    const userRows = pending.filter((r) => r.kind === WebexObjectKind.USER);
    for (let i = 0; i < userRows.length; i += USER_CHUNK * 4) {
      await settleAll(userRows.slice(i, i + USER_CHUNK * 4).map((row) => this.driveUserChange(round, row, usersById.get(row.id) ?? null, ciscoCustomerId, byId)));
    }
    for (const row of pending.filter((r) => r.kind === WebexObjectKind.LOCATION)) {
      await this.driveLocationChange(round, row, locationsById.get(row.id) ?? null, orgId);
    }
  }

  private due(round: Round, row: WebexSyncRow): boolean {
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > Date.now()) {
      this.later(round, row.nextAttemptAt.getTime());
      return false;
    }
    return true;
  }

  private async driveUserChange(round: Round, row: WebexSyncRow, user: CustomerUser | null, ciscoCustomerId: string, byId: Map<string, WebexSyncRow>): Promise<void> {
    if (!this.due(round, row)) return;
    const seq = row.changeSeq;
    if (row.pendingChange === WebexChange.DELETE) {
      await this.attempt(round, row, async () => {
        let webexId = row.webexId;
        if (!webexId && row.lookupKey) {
          // Its create may have reached Cisco without an answer: look it up by email.
          const found = await this.request(round, row, { method: 'GET', path: '/wholesale/subscribers', query: { customerId: ciscoCustomerId, email: row.lookupKey } });
          if (found.status !== 200) throw this.refused(found);
          const items: any[] = Array.isArray(found.json?.items) ? found.json.items : [];
          const item = items.find((x) => String(x?.email ?? '').toLowerCase() === row.lookupKey!.toLowerCase());
          webexId = item?.id ? String(item.id) : null;
        }
        if (webexId) {
          const deleted = await this.request(round, row, { method: 'DELETE', path: `/wholesale/subscribers/${encodeURIComponent(webexId)}` });
          if ((deleted.status < 200 || deleted.status > 299) && deleted.status !== 404) throw this.refused(deleted);
        }
        await this.forgetRows({ id: row.id });
      });
      return;
    }
    if (!user) return;
    if (!row.webexId) {
      // Not created at Cisco yet: the create carries the user as it is now; one refused waits for retryWebexSync.
      if (row.createAttemptedAt === null || row.status === WebexSyncStatus.FAILED) await this.changeCarried(round, row, seq);
      return;
    }
    const toCalling = row.pendingChange === WebexChange.UPDATE_CALLING;
    let locationId: string | null = null;
    if (toCalling) {
      if (user.phoneNumber === null && user.extension === null) {
        await this.note(row, 'A move to a calling package needs a phone number or an extension at Webex: the package is changed there once updateUsers gives one.');
        return;
      }
      const locationRow = byId.get(user.locationId);
      if (locationRow?.status !== WebexSyncStatus.PROVISIONED || !locationRow.webexId) return; // waits for its location
      locationId = locationRow.webexId;
    }
    await this.attempt(round, row, async () => {
      const updated = await this.request(round, row, {
        method: 'PUT', path: `/wholesale/subscribers/${encodeURIComponent(row.webexId!)}`, body: subscriberUpdateBody(user, locationId, toCalling),
      });
      if (updated.status < 200 || updated.status > 299) throw this.refused(updated);
      // Notes that a change must also be made in Control Hub stay; the rest is Cisco's answer.
      row.errors = [...row.errors.filter((e) => e.code === CONTROL_HUB_CODE), ...ciscoErrors(updated.json)];
      row.nextAttemptAt = null;
      await this.save(row);
      await this.changeCarried(round, row, seq);
    });
  }

  private async driveLocationChange(round: Round, row: WebexSyncRow, location: Location | null, orgId: string): Promise<void> {
    if (!this.due(round, row)) return;
    const seq = row.changeSeq;
    if (row.pendingChange === WebexChange.DELETE) {
      await this.attempt(round, row, async () => {
        let webexId = row.webexId;
        if (!webexId && row.lookupKey) webexId = await this.findLocation(round, row, orgId, row.lookupKey);
        if (webexId) {
          const deleted = await this.request(round, row, { method: 'DELETE', path: `/locations/${encodeURIComponent(webexId)}`, query: { orgId } });
          if ((deleted.status < 200 || deleted.status > 299) && deleted.status !== 404) throw this.refused(deleted);
        }
        await this.forgetRows({ id: row.id });
      });
      return;
    }
    if (!location) return;
    if (!row.webexId) {
      if (row.createAttemptedAt === null || row.status === WebexSyncStatus.FAILED) await this.changeCarried(round, row, seq);
      return;
    }
    await this.attempt(round, row, async () => {
      const updated = await this.request(round, row, {
        method: 'PUT', path: `/locations/${encodeURIComponent(row.webexId!)}`, query: { orgId }, body: locationUpdateBody(location),
      });
      if (updated.status < 200 || updated.status > 299) throw this.refused(updated);
      row.errors = [];
      row.nextAttemptAt = null;
      await this.save(row);
      await this.changeCarried(round, row, seq);
    });
  }

  /** True once the customer is provisioned at Cisco and its orgId is known. */
  private async driveCustomer(round: Round, customer: Customer, headquarters: Location, provisioningId: string | null, row: WebexSyncRow): Promise<boolean> {
    if ((row.status === WebexSyncStatus.PROVISIONED || row.status === WebexSyncStatus.PROVISIONED_WITH_ERRORS) && row.orgId) {
      // A downgrade waits for the subscribers (see drive); nothing else holds them back.
      if (row.pendingChange !== WebexChange.UPDATE) return true;
      // An upgrade: the customer gets the new package before any subscriber is moved to it.
      await this.putCustomer(round, customer, headquarters, row);
      return false;
    }
    if (row.status === WebexSyncStatus.FAILED) return false;
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > Date.now()) {
      this.later(round, row.nextAttemptAt.getTime());
      return false;
    }
    let settled = false;
    await this.attempt(round, row, async () => {
      if (!row.webexId && row.createAttemptedAt) {
        // The answer of an earlier create may have been lost: look it up before sending it again.
        const found = await this.request(round, row, { method: 'GET', path: '/wholesale/customers', query: { externalId: customer.id } });
        if (found.status !== 200) throw this.refused(found);
        const item = Array.isArray(found.json?.items) ? found.json.items.find((c: any) => c?.externalId === customer.id) : undefined;
        if (item?.id) {
          row.webexId = String(item.id);
          settled = await this.applyCustomer(round, row, item);
          return;
        }
      }
      if (!row.webexId) {
        if (!provisioningId) {
          throw new WebexRefusedError({ code: null, description: 'The customer’s template has no webexProvisioningId: set it with updateTemplate, then retryWebexSync.', trackingId: null }, 0);
        }
        if ((await this.markCreateAttempted(round, [row])).length === 0) return;
        const created = await this.request(round, row, { method: 'POST', path: '/wholesale/customers', body: customerBody(customer, headquarters, provisioningId) });
        if (created.status < 200 || created.status > 299) throw this.refused(created);
        const webexId = idFromLocation(created.headers.get('location'), created.json?.url);
        if (!webexId) throw new WebexTransientError('customer created without a Location', { code: null, description: 'Webex accepted the customer but did not say where it is; it will be looked up.', trackingId: null });
        row.webexId = webexId;
        row.status = WebexSyncStatus.IN_PROGRESS;
        row.webexStatus = 'provisioning';
        row.errors = [];
        row.nextAttemptAt = new Date(Date.now() + this.config.pollIntervalMs);
        await this.save(row);
        this.later(round, row.nextAttemptAt.getTime());
        return;
      }
      const polled = await this.request(round, row, { method: 'GET', path: `/wholesale/customers/${encodeURIComponent(row.webexId)}` });
      if (polled.status !== 200) throw this.refused(polled);
      settled = await this.applyCustomer(round, row, polled.json ?? {});
    });
    return settled;
  }

  /** updateCustomer's new package or add-ons: the complete list, then poll until Cisco has settled the update. */
  private async putCustomer(round: Round, customer: Customer, headquarters: Location, row: WebexSyncRow): Promise<void> {
    if (!this.due(round, row)) return;
    const seq = row.changeSeq;
    await this.attempt(round, row, async () => {
      const updated = await this.request(round, row, {
        method: 'PUT', path: `/wholesale/customers/${encodeURIComponent(row.webexId!)}`, body: customerUpdateBody(customer, headquarters),
      });
      if (updated.status < 200 || updated.status > 299) throw this.refused(updated);
      row.status = WebexSyncStatus.IN_PROGRESS;
      row.webexStatus = 'updating';
      row.errors = [];
      row.nextAttemptAt = new Date(Date.now() + this.config.pollIntervalMs);
      await this.save(row);
      this.later(round, row.nextAttemptAt.getTime());
      await this.changeCarried(round, row, seq);
    });
  }

  private async applyCustomer(round: Round, row: WebexSyncRow, body: any): Promise<boolean> {
    const webexStatus = typeof body.status === 'string' ? body.status : null;
    row.webexStatus = webexStatus;
    row.status = statusOf(webexStatus);
    if (typeof body.orgId === 'string' && body.orgId) row.orgId = body.orgId;
    row.errors = ciscoErrors(body);
    const settled = (row.status === WebexSyncStatus.PROVISIONED || row.status === WebexSyncStatus.PROVISIONED_WITH_ERRORS) && row.orgId !== null;
    if (settled || row.status === WebexSyncStatus.FAILED) {
      row.nextAttemptAt = null;
    } else {
      if (row.status === WebexSyncStatus.PROVISIONED) row.status = WebexSyncStatus.IN_PROGRESS; // provisioned without an orgId yet
      row.nextAttemptAt = new Date(Date.now() + this.pollWait(row, row.status === WebexSyncStatus.ON_HOLD));
      this.later(round, row.nextAttemptAt.getTime());
    }
    await this.save(row);
    return settled;
  }

  private async findLocation(round: Round, row: WebexSyncRow, orgId: string, name: string): Promise<string | null> {
    const found = await this.request(round, row, { method: 'GET', path: '/locations', query: { orgId, name } });
    if (found.status !== 200) throw this.refused(found);
    const items: any[] = Array.isArray(found.json?.items) ? found.json.items : [];
    // Cisco's docs answer `name`; the spec's item shape says `displayName` (webex-wholesale-api.md §12).
    const item = items.find((l) => String(l?.name ?? l?.displayName ?? '').toLowerCase() === name.toLowerCase());
    return item?.id ? String(item.id) : null;
  }

  private async driveLocation(round: Round, location: Location, orgId: string, row: WebexSyncRow): Promise<void> {
    if (row.status === WebexSyncStatus.PROVISIONED || row.status === WebexSyncStatus.FAILED) return;
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > Date.now()) {
      this.later(round, row.nextAttemptAt.getTime());
      return;
    }
    await this.attempt(round, row, async () => {
      // The headquarters is the location Cisco created from provisioningParameters.calling.location:
      // found, not created. Any other location is looked up first when a create may have been sent.
      if (location.isHeadquarters || row.createAttemptedAt) {
        const id = await this.findLocation(round, row, orgId, location.name);
        if (id) return this.provisioned(row, id, null);
      }
      if ((await this.markCreateAttempted(round, [row])).length === 0) return;
      const created = await this.request(round, row, { method: 'POST', path: '/locations', query: { orgId }, body: locationBody(location) });
      if (created.status === 409) {
        const id = await this.findLocation(round, row, orgId, location.name);
        if (id) return this.provisioned(row, id, null);
      }
      if (created.status < 200 || created.status > 299 || !created.json?.id) throw this.refused(created);
      await this.provisioned(row, String(created.json.id), null);
    });
  }

  private async provisioned(row: WebexSyncRow, webexId: string, webexStatus: string | null): Promise<void> {
    row.webexId = webexId;
    row.webexStatus = webexStatus;
    row.status = WebexSyncStatus.PROVISIONED;
    row.errors = [];
    row.nextAttemptAt = null;
    await this.save(row);
  }

  private async driveUsers(round: Round, ciscoCustomerId: string, users: CustomerUser[], byId: Map<string, WebexSyncRow>): Promise<void> {
    const now = Date.now();
    const toCreate: { user: CustomerUser; row: WebexSyncRow; locationId: string | null }[] = [];
    const onHold: { user: CustomerUser; row: WebexSyncRow }[] = [];
    for (const user of users) {
      const row = byId.get(user.id);
      if (!row || row.status === WebexSyncStatus.PROVISIONED || row.status === WebexSyncStatus.FAILED) continue;
      if (row.nextAttemptAt && row.nextAttemptAt.getTime() > now) {
        this.later(round, row.nextAttemptAt.getTime());
        continue;
      }
      if (row.status === WebexSyncStatus.ON_HOLD && row.webexId) {
        onHold.push({ user, row });
        continue;
      }
      const locationRow = byId.get(user.locationId);
      const calling = packageRow(user.package).calling;
      if (!userReady(user)) {
        await this.note(row, 'A calling package needs a phone number or an extension at Webex: the user is sent once setupCustomer gives one.');
        continue;
      }
      if (calling && locationRow?.status !== WebexSyncStatus.PROVISIONED) {
        // Waits for its location (a FAILED one is re-driven by retryWebexSync, which wakes its users too).
        if (locationRow?.status === WebexSyncStatus.FAILED) await this.note(row, 'Waits for its location, which Webex refused (see the location’s webex.errors).');
        continue;
      }
      toCreate.push({ user, row, locationId: calling ? locationRow!.webexId : null });
    }
    for (let i = 0; i < toCreate.length; i += USER_CHUNK) {
      const lookupFirst = new Set(toCreate.slice(i, i + USER_CHUNK).filter((c) => c.row.createAttemptedAt !== null).map((c) => c.row.id));
      const unchanged = new Set(await this.markCreateAttempted(round, toCreate.slice(i, i + USER_CHUNK).map((c) => c.row)));
      const chunk = toCreate.slice(i, i + USER_CHUNK).filter((c) => unchanged.has(c.row));
      await settleAll(chunk.map(({ user, row, locationId }) => this.attempt(round, row, async () => {
        if (lookupFirst.has(row.id) && (await this.lookupSubscriber(round, row, ciscoCustomerId, user.email))) return;
        const created = await this.request(round, row, { method: 'POST', path: '/wholesale/subscribers', body: subscriberBody(user, ciscoCustomerId, locationId) });
        if (created.status === 409 && (await this.lookupSubscriber(round, row, ciscoCustomerId, user.email))) return;
        if (created.status < 200 || created.status > 299) throw this.refused(created);
        await this.applySubscriber(round, row, created.json ?? {});
      })));
    }
    await settleAll(onHold.map(({ row }) => this.attempt(round, row, async () => {
      const polled = await this.request(round, row, { method: 'GET', path: `/wholesale/subscribers/${encodeURIComponent(row.webexId!)}` });
      if (polled.status !== 200) throw this.refused(polled);
      await this.applySubscriber(round, row, polled.json ?? {});
    })));
  }

  private async lookupSubscriber(round: Round, row: WebexSyncRow, ciscoCustomerId: string, email: string): Promise<boolean> {
    const found = await this.request(round, row, { method: 'GET', path: '/wholesale/subscribers', query: { customerId: ciscoCustomerId, email } });
    if (found.status !== 200) throw this.refused(found);
    const items: any[] = Array.isArray(found.json?.items) ? found.json.items : [];
    const item = items.find((s) => String(s?.email ?? '').toLowerCase() === email.toLowerCase());
    if (!item) return false;
    await this.applySubscriber(round, row, item);
    return true;
  }

  private async applySubscriber(round: Round, row: WebexSyncRow, body: any): Promise<void> {
    if (typeof body.id === 'string') row.webexId = body.id;
    row.webexStatus = typeof body.status === 'string' ? body.status : null;
    // A subscriber answered without a status was accepted synchronously (200): provisioned.
    row.status = row.webexStatus === null ? WebexSyncStatus.PROVISIONED : statusOf(row.webexStatus);
    row.errors = ciscoErrors(body);
    if (row.status === WebexSyncStatus.ON_HOLD || row.status === WebexSyncStatus.IN_PROGRESS) {
      row.nextAttemptAt = new Date(Date.now() + this.pollWait(row, row.status === WebexSyncStatus.ON_HOLD));
      this.later(round, row.nextAttemptAt.getTime());
    } else {
      row.nextAttemptAt = null;
    }
    await this.save(row);
  }

  /** Says on the object why it waits (once; no request is made). */
  private async note(row: WebexSyncRow, description: string): Promise<void> {
    if (row.errors.length === 1 && row.errors[0].description === description) return;
    row.errors = [{ code: null, description, trackingId: null }];
    await this.save(row);
  }
}
