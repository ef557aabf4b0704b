import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { errorBody } from '../errors/error-codes';

/** Where `npm run build` puts the partner portal (web/dist), from the source tree or from dist/. */
export function findWebAppDir(): string | null {
  const candidates = [path.resolve(__dirname, '../../../web/dist'), path.resolve(__dirname, '../../../../web/dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? null;
}

/**
 * The page may load and call nothing but this server: scripts and styles are files of the build
 * (no inline code), the API is same-origin, and nothing may frame it.
 */
export const WEB_APP_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/**
 * The partner portal at /app/ (domain.md §13): the built files with cache headers (hashed assets
 * immutable for a year, everything else revalidated), and index.html for every other GET under
 * /app/ so client routes survive a reload. Only GET and HEAD: the API and its CSRF rules stay at `/`.
 */
export function webAppRouter(dir: string | null): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const setSecurityHeaders = (res: Response) => {
    res.set('x-content-type-options', 'nosniff');
    res.set('referrer-policy', 'no-referrer');
  };
  router.use((req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).set('allow', 'GET, HEAD').json(errorBody('BAD_REQUEST', 'The partner portal answers GET only; the API is at /.'));
      return;
    }
    if (!dir) {
      res.status(404).json(errorBody('NOT_FOUND', 'The partner portal is not built: run `npm run build`, then restart the server.'));
      return;
    }
    setSecurityHeaders(res);
    next();
  });
  if (!dir) return router;
  const sendIndex = (_req: Request, res: Response) => {
    res.set('cache-control', 'no-cache');
    res.set('content-security-policy', WEB_APP_CSP);
    res.sendFile(path.join(dir, 'index.html'));
  };
  router.get('/', sendIndex);
  router.get('/index.html', sendIndex);
  router.use(express.static(dir, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      // Vite names every bundled asset by its content hash: it can be cached for good.
      const hashed = path.relative(dir, file).startsWith(`assets${path.sep}`);
      res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  }));
  // A missing asset is a 404 (not index.html, which a browser would try to run as a script).
  router.get('/assets/{*rest}', (req: Request, res: Response) => {
    res.status(404).json(errorBody('NOT_FOUND', `No such file: /app${req.path}`));
  });
  router.get('/{*route}', sendIndex);
  return router;
}
