import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database';
import { currentRequestStats } from '../db/request-stats';
import type { RequestContext } from '../graphql/context';
import { OperationNames } from './operation-names';
import { databaseSize, queueSnapshot, type QueueSnapshot } from './queue-gauges';

/** Every metric of this service starts with it (the process_* and nodejs_* defaults aside). */
const PREFIX = 'provisioning_';

/** What the access log learnt of a GraphQL request (res.locals.access, filled by accessLogPlugin). */
interface AccessRecordView {
  operation: string | null;
  operationType: string | null;
  adminId: string | null;
}

/** The paths that get their own `route` label, besides `/app` (the portal's files); anything else is `other` (404s must not add series). */
const ROUTES = new Set(['/', '/healthz', '/readyz', '/metrics']);

export type MutationOutcome = 'ok' | 'userErrors' | 'error';

/**
 * The process's Prometheus metrics (GET /metrics; README, Operating). One registry per app, so
 * several servers in one process (the tests) keep apart. Counters and histograms are updated as
 * requests finish; the queue and database gauges are read on scrape (cheap, bounded queries).
 * No label ever carries a token, an id, an email or any partner data: operation names (bounded,
 * see OperationNames), mutation field names (the schema's), routes and status codes.
 */
export class AppMetrics {
  readonly registry = new Registry();
  private readonly names = new OperationNames();
  private readonly graphqlDuration: Histogram<'operation' | 'operation_type'>;
  private readonly httpRequests: Counter<'route' | 'status'>;
  private readonly mutationOutcomes: Counter<'mutation' | 'outcome'>;
  private readonly requestStatements: Histogram<'operation'>;
  private readonly writerWait: Histogram;
  private snapshot: Promise<QueueSnapshot | null> | null = null;

  constructor(private readonly db: Database, private readonly log: Logger, options: { sqliteFile: string | null }) {
    const registers = [this.registry];
    const metrics = this; // the collect callbacks' `this` is their metric
    collectDefaultMetrics({ register: this.registry });
    this.graphqlDuration = new Histogram({
      name: `${PREFIX}graphql_request_duration_seconds`,
      help: 'GraphQL requests, from arrival to the last byte of the answer, by operation name (bounded: anonymous, other) and type (query, mutation; none when it did not parse or validate).',
      labelNames: ['operation', 'operation_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by route (/, /healthz, /readyz, /metrics, /app for the portal, other) and status code.',
      labelNames: ['route', 'status'],
      registers,
    });
    this.mutationOutcomes = new Counter({
      name: `${PREFIX}mutation_outcomes_total`,
      help: 'Mutations by field and outcome: ok (a payload without userErrors), userErrors (a payload with some), error (a GraphQL error instead of a payload: refused token or role, limits, an internal fault).',
      labelNames: ['mutation', 'outcome'],
      registers,
    });
    this.requestStatements = new Histogram({
      name: `${PREFIX}graphql_sql_statements`,
      help: 'SQL statements per GraphQL request, by operation; recorded only while per-request counting is on (METRICS_SQL_PER_REQUEST).',
      labelNames: ['operation'],
      buckets: [1, 2, 3, 5, 8, 13, 20, 50, 100, 500, 1000],
      registers,
    });
    let carried = 0;
    new Counter({
      name: `${PREFIX}sql_statements_total`,
      help: 'SQL statements this process ran, for requests and background work alike (divide by requests for a mean).',
      registers,
      collect() {
        // Counted by the database's statement logger (one increment per statement, no request
        // context needed); carried over here as the increase since the last scrape.
        const total = db.statements;
        if (total > carried) this.inc(total - carried);
        carried = total;
      },
    });
    this.writerWait = new Histogram({
      name: `${PREFIX}db_writer_wait_seconds`,
      help: 'How long each write waited before its transaction work began: SQLite, the single writer\'s queue and another process\'s lock; PostgreSQL, a pool connection and BEGIN.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    db.onWriterWait = (seconds) => this.writerWait.observe(seconds);

    const queue = (name: string, help: string, read: (s: QueueSnapshot) => number) => new Gauge({
      name: `${PREFIX}${name}`, help, registers,
      collect: async function collect(this: Gauge) {
        const s = await metrics.queues();
        if (s) this.set(read(s));
        else this.reset();
      },
    });
    queue('outbox_pending_messages', 'Onboarding emails waiting for delivery (PENDING; counted up to 100,000).', (s) => s.outboxPending);
    queue('outbox_oldest_due_age_seconds', 'Seconds since the most overdue PENDING email became due (for one never attempted, its age); 0 when none is due.', (s) => s.outboxOldestDueSeconds);
    new Gauge({
      name: `${PREFIX}webex_sync_jobs`,
      help: 'Customers waiting to be carried to Webex, by status: PENDING (to do), HELD (the partner\'s token was refused; waits for connectWebex). Counted up to 100,000.',
      labelNames: ['status'],
      registers,
      async collect() {
        const s = await metrics.queues();
        this.reset();
        if (s) {
          this.set({ status: 'PENDING' }, s.webexPending);
          this.set({ status: 'HELD' }, s.webexHeld);
        }
      },
    });
    queue('webex_sync_oldest_due_age_seconds', 'Seconds since the most overdue PENDING Webex sync job became due; 0 when none is due.', (s) => s.webexOldestDueSeconds);
    new Gauge({
      name: `${PREFIX}database_size_bytes`,
      help: 'Database size on disk: SQLite, the file (part=main) and its write-ahead log (part=wal); PostgreSQL, pg_database_size (part=database).',
      labelNames: ['part'],
      registers,
      async collect() {
        this.reset();
        try {
          for (const [part, bytes] of Object.entries(await databaseSize(db, options.sqliteFile))) this.set({ part }, bytes);
        } catch (error) {
          log.warn({ err: error }, 'metrics: database size not read');
        }
      },
    });
  }

  /** One read of the queues per scrape, shared by the gauges that show it (they are collected together). */
  private queues(): Promise<QueueSnapshot | null> {
    return this.snapshot ??= queueSnapshot(this.db).catch((error: unknown) => {
      this.log.warn({ err: error }, 'metrics: queue depths not read');
      return null;
    }).finally(() => { this.snapshot = null; });
  }

  /** Express middleware (after the request id and access log): counts every answer, times GraphQL ones. */
  http() {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      // Read now: a mounted router (the portal's /app/) rewrites req.url while it serves.
      const path = req.path;
      const route = ROUTES.has(path) ? path : path === '/app' || path.startsWith('/app/') ? '/app' : 'other';
      res.once('finish', () => {
        this.httpRequests.inc({ route, status: String(res.statusCode) });
        if (route !== '/' || (req.method !== 'POST' && req.query.query === undefined)) return;
        const record = res.locals.access as AccessRecordView | undefined;
        this.graphqlDuration.observe({
          operation: this.names.label(record?.operation, Boolean(record?.adminId)),
          operation_type: record?.operationType ?? 'none',
        }, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    };
  }

  /** Mutation outcomes per field, and the request's statement count when it was counted. */
  plugin(): ApolloServerPlugin<RequestContext> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async (rc) => {
          const stats = currentRequestStats();
          if (stats) this.requestStatements.observe({ operation: this.names.label(rc.operationName, Boolean(rc.contextValue.caller)) }, stats.statements);
          if (rc.operation?.operation !== 'mutation' || rc.response.body.kind !== 'single') return;
          const { data, errors } = rc.response.body.singleResult;
          for (const [mutation, outcome] of mutationOutcomes(rc.operation, data, errors)) this.mutationOutcomes.inc({ mutation, outcome });
        },
      }),
    };
  }

  /** The Prometheus text of a scrape. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * The outcome of each root field of a validated mutation: `error` when its payload is missing and
 * an error names it (or nothing executed: refused before any resolver), `userErrors` when the payload
 * lists some, `ok` otherwise. Keyed by the schema's field name (an alias is the client's choice).
 */
export function mutationOutcomes(
  operation: OperationDefinitionNode,
  data: Record<string, unknown> | null | undefined,
  errors: ReadonlyArray<{ path?: ReadonlyArray<string | number> }> | undefined,
): Array<[string, MutationOutcome]> {
  const out: Array<[string, MutationOutcome]> = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
    const key = selection.alias?.value ?? selection.name.value;
    const payload = data?.[key] as { userErrors?: unknown } | null | undefined;
    const failed = errors?.some((e) => e.path?.[0] === key);
    let outcome: MutationOutcome;
    if (payload === null || payload === undefined || (failed && !payload)) outcome = 'error';
    else outcome = Array.isArray(payload.userErrors) && payload.userErrors.length > 0 ? 'userErrors' : 'ok';
    out.push([selection.name.value, outcome]);
  }
  return out;
}
