import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { TokenUsage } from '../auth/token-usage';
import { bearerToken } from '../auth/tokens';
import type { AppConfig } from '../config';
import type { RequestContext } from '../graphql/context';
import { Loaders } from '../graphql/loaders';
import type { Services } from '../graphql/services';
import type { Database } from '../db/database';
import { runWithRequestStats } from '../db/request-stats';
import { errorBody } from '../errors/error-codes';
import { buildAppSchema } from '../schema';
import { accessLog, accessLogPlugin, attachAccessRecord } from './access-log';
import { accessPlugin, noSubscriptions, responsePlugin } from './apollo-plugins';
import { formatError } from './format-error';
import { authAttemptOf, rateLimit } from './rate-limit';
import { findWebAppDir, webAppRouter } from './web-app';

/** domain.md §9: 10,000 users with long fields fit. */
export const BODY_LIMIT = '8mb';

const SANDBOX_DOCUMENT = `# Paste your token in Headers: Authorization: Bearer <token>
query Viewer {
  viewer { id displayName partner { name admins { id email } subscriptions { id externalId } } }
}
`;

const PRODUCTION_GET = 'This is the GraphQL API, running in production mode (NODE_ENV=production): it has no page to '
  + 'show in a browser. POST operations to this URL with Content-Type: application/json and Authorization: Bearer <token>. '
  + 'The schema is schema/schema.graphql in the repository; to explore it interactively, run a server without NODE_ENV=production.';

export interface HttpServer {
  url: string;
  port: number;
  server: http.Server;
  stop(): Promise<void>;
}

/** Start-up failures an operator fixes (a busy port): main.ts prints the message alone, no stack. */
export class StartupError extends Error {}

/** Answers requests that arrive while the database is still being opened and migrated. */
function starting(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(JSON.stringify(errorBody('SERVICE_UNAVAILABLE', 'The server is starting; try again in a moment.')));
}

/**
 * Binds the port before anything else happens, so a busy port is one clear error before the
 * database is migrated or a demo partner created. startHttpServer then serves on it.
 */
export async function listen(config: AppConfig): Promise<http.Server> {
  const server = http.createServer(starting);
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `port ${config.port} on ${config.host}`;
      if (error.code === 'EADDRINUSE') reject(new StartupError(`Cannot listen: ${where} is already in use (another server running?). Stop it or set PORT.`));
      else if (error.code === 'EACCES') reject(new StartupError(`Cannot listen: ${where} needs privileges this process lacks. Set PORT above 1023.`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new StartupError(`Cannot listen on ${config.host}: no such interface on this machine. Check HOST.`));
      else reject(error);
    });
    server.listen(config.port, config.host, () => resolve());
  });
  return server;
}

export async function startHttpServer(deps: {
  server: http.Server; config: AppConfig; db: Database; log: Logger; services: Services; tokenUsage?: TokenUsage;
}): Promise<HttpServer> {
  const { server, config, db, log, services, tokenUsage } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(accessLog(log));
  app.set('trust proxy', false);

  const apollo = new ApolloServer<RequestContext>({
    schema: await buildAppSchema(),
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: [noSubscriptions],
    // Apollo would install its own SIGINT/SIGTERM handlers (outside NODE_ENV=test) and re-send the
    // signal after its stop(), killing the process (exit 143) before the outbox and the database
    // have drained: main.ts owns the signals and stops everything through app.stop().
    stopOnTerminationSignals: false,
    formatError: formatError(config.production),
    parseOptions: { maxTokens: 1_000_000 },
    logger: {
      debug: (m) => log.debug(m), info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m),
    },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: config.shutdownTimeoutMs }),
      // The default cache-control plugin wraps every field resolver (willResolveField); no answer
      // of this API is cacheable, and at 10,000 users per payload the wrapping shows (README, Performance).
      ApolloServerPluginCacheControlDisabled(),
      config.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, document: SANDBOX_DOCUMENT }),
      accessPlugin(tokenUsage),
      accessLogPlugin(),
      responsePlugin({ exposeSqlCount: config.exposeSqlCount }),
    ],
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    const ok = await db.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'database unavailable' });
  });
  // Apollo answers other methods on `/` the same way (405, Allow, a JSON error with code BAD_REQUEST).
  app.all('/healthz', (_req, res) => {
    res.status(405).set('allow', 'GET, HEAD').json(errorBody('BAD_REQUEST', '/healthz answers GET only.'));
  });

  const corsMiddleware = config.corsOrigins === null
    ? (_req: Request, _res: Response, next: NextFunction) => next()
    : cors({ origin: config.corsOrigins === '*' ? '*' : config.corsOrigins, maxAge: 600 });

  if (config.production) {
    // No landing page in production: a browser (or a probe) opening the URL is told what this is and
    // how to call it, rather than Apollo's CSRF refusal meant for GET queries.
    app.get('/', (req: Request, res: Response, next: NextFunction) => {
      if (req.query.query !== undefined) return next();
      res.status(400).json(errorBody('BAD_REQUEST', PRODUCTION_GET));
    });
  }

  // GraphQL lives at `/` only (GET for the landing page and GET queries, POST for everything):
  // `app.use('/')` would also run it for /healthz with POST, /graphql, /anything.
  app.all(
    '/',
    corsMiddleware,
    rateLimit({ burst: config.rateLimitBurst, perSecond: config.rateLimitPerSecond, maxBuckets: config.rateLimitMaxBuckets }),
    requireJsonPosts,
    express.json({ limit: BODY_LIMIT, strict: false }),
    // AsyncLocalStorage turns on promise hooks for every promise of the process: only where the
    // x-sql-* headers are exposed or test failpoints are configured, never in production (README, Performance).
    config.exposeSqlCount || config.failpoints?.size
      ? (req: Request, _res: Response, next: NextFunction) => runWithRequestStats(() => next(), armedFailpoint(config, req))
      : (_req: Request, _res: Response, next: NextFunction) => next(),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => attachAccessRecord({
        config, db, log, services,
        loaders: new Loaders(db),
        token: bearerToken(req.headers.authorization),
        caller: null,
        authAttempt: authAttemptOf(res),
      }, res),
    }),
  );
  // The partner portal (domain.md §13): same origin as the API, static files only.
  app.get('/app', (req, res, next) => (req.path === '/app' ? res.redirect(301, '/app/') : next()));
  app.use('/app/', webAppRouter(findWebAppDir()));
  app.use((req: Request, res: Response) => {
    res.status(404).json(errorBody('NOT_FOUND', `Nothing at ${req.path}: the GraphQL API is at / and the health check at GET /healthz.`));
  });
  app.use(bodyErrors(log));

  server.removeListener('request', starting);
  server.on('request', app);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}/`,
    port: address.port,
    server,
    stop: () => (stopping ??= apollo.stop()),
  };
}

/** The failpoint a test request asks for, honoured only when the in-process config lists it. */
function armedFailpoint(config: AppConfig, req: Request): string | undefined {
  if (!config.failpoints?.size) return undefined;
  const name = req.headers['x-failpoint'];
  return typeof name === 'string' && config.failpoints.has(name) ? name : undefined;
}

/** CSRF prevention and a clear contract: a POST body is JSON, nothing else. */
function requireJsonPosts(req: Request, res: Response, next: NextFunction) {
  if (req.method !== 'POST') return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return next();
  res.status(400).json(errorBody('BAD_REQUEST', 'POST bodies must be sent as Content-Type: application/json.'));
}

/** Errors of body parsing answer as JSON GraphQL errors with the right status, never HTML or a 500. */
function bodyErrors(log: Logger) {
  return (error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') {
      res.status(413).json(errorBody('PAYLOAD_TOO_LARGE', `The request body is over the ${BODY_LIMIT} limit.`));
    } else if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
      res.status(400).json(errorBody('BAD_REQUEST', 'The request body is not valid JSON.'));
    } else if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json(errorBody('BAD_REQUEST', error.message ?? 'Bad request'));
    } else {
      log.error({ err: error }, 'unhandled HTTP error');
      res.status(500).json(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error'));
    }
  };
}
