import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { RequestContext } from '../graphql/context';

/** What the access line says about a GraphQL request, filled in by accessLogPlugin. */
interface AccessRecord {
  operation: string | null;
  operationType: string | null;
  adminId: string | null;
  /** The `userErrors` of the mutation's payloads (null for a query or an operation that did not run). */
  userErrors: number | null;
  /** The codes of thrown GraphQL errors (UNAUTHENTICATED, BAD_USER_INPUT…), when there were any. */
  errors?: string[];
}



/** Where a context carries its access record (a symbol: Apollo copies the context's own properties). */
const ACCESS = Symbol('access record');
type WithAccess = RequestContext & { [ACCESS]?: AccessRecord };

/**
 * One access line per HTTP request, written when the answer is finished (or the connection closed
 * first): method, path (never the query string: a GET query carries its operation and variables
 * there), status, duration, and for GraphQL the operation's name and type, the caller's admin id
 * and the number of userErrors. Never a header (the token) or a body (customer data).
 */
export function accessLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const record: AccessRecord = { operation: null, operationType: null, adminId: null, userErrors: null };
    res.locals.access = record;
    let logged = false;
    const write = () => {
      if (logged) return;
      logged = true;
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
      log.info({
        method: req.method, path: req.path, status: res.statusCode, ms, ...record,
        ...(res.writableFinished ? {} : { aborted: true }),
      }, 'request');
    };
    res.once('finish', write);
    res.once('close', write);
    next();
  };
}

/** Links a GraphQL request's context to its access record (called where the context is built). */
export function attachAccessRecord(ctx: RequestContext, res: Response): RequestContext {
  const record = res.locals.access as AccessRecord | undefined;
  if (record) (ctx as WithAccess)[ACCESS] = record;
  return ctx;
}

/** Fills the access record from the operation and its answer. */
export function accessLogPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const record = (rc.contextValue as WithAccess)[ACCESS];
          if (!record) return;
          record.operation = rc.operationName ?? null;
          record.operationType = rc.operation?.operation ?? null;
          record.adminId = rc.contextValue.caller?.admin.id ?? null;
          const body = rc.response.body;
          if (body.kind !== 'single') return;
          const { data, errors } = body.singleResult;
          if (errors?.length) record.errors = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          if (record.operationType === 'mutation' && data) {
            record.userErrors = Object.values(data).reduce<number>((sum, payload) => {
              const list = (payload as { userErrors?: unknown } | null)?.userErrors;
              return sum + (Array.isArray(list) ? list.length : 0);
            }, 0);
          }
        },
      };
    },
  };
}
