import http from 'node:http';
import type { AppConfig } from '../config';
import { StartupError, urlOf } from '../http/app';
import type { AppMetrics } from './app-metrics';

export interface MetricsServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * METRICS_PORT: /metrics on a listener of its own, e.g. on an internal interface (METRICS_HOST)
 * while the API's port is public. It answers GET /metrics and nothing else (404, 405).
 */
export async function startMetricsServer(config: AppConfig, metrics: AppMetrics): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only /metrics is served on this port.\n');
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('/metrics answers GET only.\n');
    } else {
      metrics.render().then(({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
      }, () => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be read\n');
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `METRICS_PORT ${config.metricsPort} on ${config.metricsHost}`;
      reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
        ? new StartupError(`Cannot listen for metrics: ${where} (${error.code}). Change METRICS_PORT or METRICS_HOST.`)
        : error);
    });
    server.listen(config.metricsPort ?? 0, config.metricsHost, () => resolve());
  });
  return {
    url: `${urlOf(server)}metrics`,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // scrapes are short; nothing to drain
    }),
  };
}
