import type { Logger } from 'pino';
import { In } from 'typeorm';
import type { Caller } from '../auth/caller';
import { defineMutation, STOP } from '../mutations/define-mutation';
import type { Loaders } from '../graphql/loaders';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import { bulkInsert } from '../db/bulk-insert';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { lockWebexUserCounts } from '../db/webex-user-counts';
import { UserErrorCode, UserErrors } from '../errors/user-error';
import { OnboardingTemplate } from '../templates/template.entity';
import { rawRequest, WebexTransientError } from './webex-api';
import { encryptToken } from './webex-crypto';
import { queuedRow, wakeJob } from './webex-sync';
import type { WebexConfig } from './webex.config';
import {
  syncOf, WebexChange, WebexConnection, WebexConnectionRow, WebexJob, WebexJobStatus, WebexObjectKind, WebexSyncRow, WebexSyncStatus,
} from './webex.entities';
import type { ConnectWebexInput, ConnectWebexPayload, RetryWebexSyncInput, RetryWebexSyncPayload } from './webex.inputs';

/** What retryWebexSync re-drives: a customer of the caller's partner, or the pending removal of one deleted here. */
type RetryTarget = { customer: Customer; synced: boolean } | { deleted: WebexSyncRow; partnerId: string };
type Retried = Pick<RetryWebexSyncPayload, 'customer' | 'deletedCustomerId' | 'webex'>;

/** The longest connectWebex waits for Cisco's answer: a mutation, so never long. */
const CHECK_TIMEOUT_MS = 10_000;

export function connectionOf(row: WebexConnectionRow | null | undefined): WebexConnection {
  return row
    ? { connected: true, connectedAt: row.connectedAt, lastError: row.lastError }
    : { connected: false, connectedAt: null, lastError: null };
}

/** A token as typed: no spaces inside, no control characters. The token itself is never quoted back. */
function tokenProblem(token: string): string | null {
  if (token === '') return 'is required';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(token)) return 'must not contain spaces or control characters';
  if (token.length > 4096) return 'is longer than any Webex token (4096 characters at most)';
  return null;
}

/** connectWebex and retryWebexSync: the partner-facing side of the connector (domain.md §11). */
export class WebexAdminService {
  constructor(private readonly db: Database, private readonly config: WebexConfig, private readonly log: Logger) {}

  /** The write of connectWebex, once the token passed Cisco's check (outside any transaction: never hold the writer on a network call). */
  private readonly connectMutation = defineMutation({
    name: 'connectWebex',
    dryRun: () => false,
    normalise: (checked: { accessToken: string; refreshToken: string | null; key: string }) => checked,
    check: async (_tx, checked) => checked,
    write: async (tx, { accessToken, refreshToken, key }, caller) => {
      const now = new Date();
      const row = Object.assign(new WebexConnectionRow(), {
        partnerId: caller.partnerId,
        accessToken: encryptToken(key, caller.partnerId, accessToken),
        refreshToken: refreshToken ? encryptToken(key, caller.partnerId, refreshToken) : null,
        connectedAt: now, lastError: null, retryAfterUntil: null, updatedAt: now,
      } satisfies WebexConnectionRow);
      // A new connection replaces the old one.
      await tx.delete(WebexConnectionRow, { partnerId: caller.partnerId });
      await bulkInsert(tx, WebexConnectionRow, [row]);
      // Jobs held on a refused token go on with the new one.
      await tx.update(WebexJob, { partnerId: caller.partnerId, status: WebexJobStatus.HELD },
        { status: WebexJobStatus.PENDING, nextAttemptAt: now, updatedAt: now });
      return { value: row, changed: [caller.partnerId] };
    },
    payload: (outcome): ConnectWebexPayload => (outcome.ok
      ? { connection: connectionOf(outcome.value), userErrors: [] }
      : { connection: null, userErrors: outcome.userErrors }),
  });

  async connect(caller: Caller, input: ConnectWebexInput): Promise<ConnectWebexPayload> {
    const errors = UserErrors.root('input');
    const key = this.config.tokenKey;
    if (!key) {
      errors.add(UserErrorCode.NOT_ALLOWED, 'Webex is not enabled on this server: the operator must set WEBEX_TOKEN_KEY '
        + '(a secret of at least 32 characters) before partners can connect.', 'accessToken');
      return { connection: null, userErrors: errors.list };
    }
    const accessToken = input.accessToken.trim();
    const refreshToken = input.refreshToken?.trim() || null;
    const accessProblem = tokenProblem(accessToken);
    if (accessProblem) errors.add(accessToken === '' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID, `The access token ${accessProblem}.`, 'accessToken');
    const refreshProblem = refreshToken === null ? null : tokenProblem(refreshToken);
    if (refreshProblem) errors.add(UserErrorCode.INVALID, `The refresh token ${refreshProblem}.`, 'refreshToken');
    if (errors.any()) return { connection: null, userErrors: errors.list };

    const problem = await this.check(accessToken);
    if (problem) {
      errors.add(UserErrorCode.INVALID, problem, 'accessToken');
      return { connection: null, userErrors: errors.list };
    }
    const payload = await this.connectMutation.run(this.db, { caller }, { accessToken, refreshToken, key });
    if (payload.connection) this.log.info({ partnerId: caller.partnerId }, 'webex: partner connected');
    return payload;
  }

  /** One cheap call with the token (GET /wholesale/customers?max=1); the problem in words, or null when Cisco accepted it. */
  private async check(token: string): Promise<string | null> {
    try {
      const response = await rawRequest(this.config.apiUrl, {
        method: 'GET', path: '/wholesale/customers', query: { max: 1 }, token,
        timeoutMs: Math.min(CHECK_TIMEOUT_MS, this.config.requestTimeoutMs),
      });
      if (response.status === 401 || response.status === 403) {
        return `Webex refused this access token (HTTP ${response.status}): it is expired, revoked, or lacks the `
          + 'spark-admin:wholesale_customers_read scope of a partner administrator.';
      }
      if (response.status < 200 || response.status > 299) {
        return `Webex could not check this access token (HTTP ${response.status}); try again later.`;
      }
      return null;
    } catch (error) {
      if (error instanceof WebexTransientError) {
        return `Webex could not be reached at ${this.config.apiUrl} to check the token (${error.message.replace(/^GET \S+: /, '')}); `
          + 'nothing was stored: try again later.';
      }
      throw error;
    }
  }

  private readonly retryMutation = defineMutation({
    name: 'retryWebexSync',
    normalise: (input: RetryWebexSyncInput) => input.customerId,
    check: async (tx, customerId, errors, caller): Promise<RetryTarget | typeof STOP> => {
      const customer = isId(customerId) ? await tx.findOneBy(Customer, { id: customerId, partnerId: caller.partnerId }) : null;
      if (!customer) {
        // A customer deleted here whose DELETE at Cisco was refused (or is still pending) keeps its sync row
        // and its job, which names the partner: that removal is re-driven (another partner's stays NOT_FOUND).
        const removal = isId(customerId) ? await tx.findOneBy(WebexSyncRow, { id: customerId, kind: WebexObjectKind.CUSTOMER, pendingChange: WebexChange.DELETE }) : null;
        const job = removal ? await tx.findOneBy(WebexJob, { id: customerId, partnerId: caller.partnerId }) : null;
        if (removal && job) return { deleted: removal, partnerId: job.partnerId };
        errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
        return STOP;
      }
      const synced = await tx.existsBy(WebexSyncRow, { id: customer.id });
      if (!synced) {
        // NOT_SYNCED: queued once both conditions hold, with everything the customer has by now.
        const connected = await tx.existsBy(WebexConnectionRow, { partnerId: caller.partnerId });
        const template = await tx.findOneBy(OnboardingTemplate, { id: customer.templateId });
        if (!connected) errors.add(UserErrorCode.NOT_ALLOWED, 'Your partner is not connected to Webex: call connectWebex first.', 'customerId');
        if (!template?.webexProvisioningId) {
          errors.add(UserErrorCode.NOT_ALLOWED, 'The customer’s template has no webexProvisioningId: set it with updateTemplate first.', 'customerId');
        }
      }
      return { customer, synced };
    },
    write: async (tx, target): Promise<{ value: Retried; changed: string[] }> => {
      const now = new Date();
      if ('deleted' in target) {
        // The worker sends the DELETE again (looked up by externalId first when its id is unknown; a 404 means done).
        const { deleted } = target;
        await tx.update(WebexSyncRow, { id: deleted.id }, { status: WebexSyncStatus.QUEUED, errors: [], nextAttemptAt: null, updatedAt: now });
        await wakeJob(tx, deleted.id, target.partnerId, now);
        const webex = syncOf(Object.assign(deleted, { status: WebexSyncStatus.QUEUED, errors: [], nextAttemptAt: null }));
        return { value: { customer: null, deletedCustomerId: deleted.id, webex }, changed: [deleted.id] };
      }
      const { customer, synced } = target;
      if (!synced) {
        const locations = await tx.find(Location, { select: { id: true }, where: { customerId: customer.id } });
        const users = await tx.find(CustomerUser, { select: { id: true }, where: { customerId: customer.id } });
        await bulkInsert(tx, WebexSyncRow, [
          queuedRow(customer.id, WebexObjectKind.CUSTOMER, customer.id, now),
          ...locations.map((l) => queuedRow(l.id, WebexObjectKind.LOCATION, customer.id, now)),
          ...users.map((u) => queuedRow(u.id, WebexObjectKind.USER, customer.id, now)),
        ]);
      } else {
        // FAILED objects go again; objects waiting for a retry or a poll go now. The users' stored
        // counts change: their lock before the rows' (db/webex-user-counts.ts).
        await lockWebexUserCounts(tx, customer.id);
        await tx.update(WebexSyncRow, { customerId: customer.id, status: WebexSyncStatus.FAILED },
          { status: WebexSyncStatus.QUEUED, errors: [], nextAttemptAt: null, updatedAt: now });
        await tx.update(WebexSyncRow, { customerId: customer.id, status: In([WebexSyncStatus.QUEUED, WebexSyncStatus.IN_PROGRESS, WebexSyncStatus.ON_HOLD]) },
          { nextAttemptAt: null, updatedAt: now });
      }
      await wakeJob(tx, customer.id, customer.partnerId, now);
      const webex = syncOf(await tx.findOneBy(WebexSyncRow, { id: customer.id }));
      return { value: { customer, deletedCustomerId: null, webex }, changed: [customer.id] };
    },
    payload: (outcome): RetryWebexSyncPayload => (outcome.ok
      ? { ...outcome.value, userErrors: [] }
      : { customer: null, deletedCustomerId: null, webex: null, userErrors: outcome.userErrors }),
  });

  retry(caller: Caller, input: RetryWebexSyncInput, loaders?: Loaders | null): Promise<RetryWebexSyncPayload> {
    return this.retryMutation.run(this.db, { caller, loaders }, input);
  }
}
