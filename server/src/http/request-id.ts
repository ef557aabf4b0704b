import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What a caller's (or a proxy's) `x-request-id` may be to be kept: 1–128 characters of letters,
 * digits and `-_.:`. That covers UUIDs, ULIDs, hex trace ids and most proxies' formats, and nothing
 * that could forge a log line, carry a token-sized secret or blow up a log index. Anything else is
 * replaced by a fresh id (never echoed), so the header the client gets back always is the id logged.
 */
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's own id when it sent a valid one, else a new random UUID. */
export function requestIdFor(sent: string | string[] | undefined): string {
  return typeof sent === 'string' && ACCEPTED.test(sent) ? sent : randomUUID();
}

/** The request's id and its logger (a pino child carrying `requestId`), set by `requestIds`. */
export function requestLog(res: Response, fallback: Logger): Logger {
  return (res.locals.log as Logger | undefined) ?? fallback;
}

export function requestIdOf(res: Response): string | undefined {
  return res.locals.requestId as string | undefined;
}

/**
 * First middleware of the app: gives the request an id, answers it in `x-request-id`, and a child
 * logger that stamps it on every line the request writes (the access line, an internal error, the
 * services that log through the request's context), so one grep finds everything of one request.
 */
export function requestIds(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdFor(req.headers[REQUEST_ID_HEADER]);
    res.locals.requestId = requestId;
    res.locals.log = log.child({ requestId });
    res.setHeader(REQUEST_ID_HEADER, requestId);
    next();
  };
}
