import 'reflect-metadata';
import { startApp, type RunningApp } from './app';
import { StartupError } from './http/app';
import { ConfigError, loadConfig } from './config';
import type { Logger } from 'pino';
import { createLogger } from './logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  // SIGTERM (a process manager, docker stop) and SIGINT (Ctrl-C) drain: new connections are refused,
  // requests in flight finish, the outbox finishes the email in flight and hands back the rest of its
  // claim, the database closes, the logs are flushed, and the process exits 0. Past the drain
  // timeout the connections still open are cut (app.stop() then returns) and, as a last resort, the
  // process exits 1. A repeated signal (a terminal sends SIGINT to npm and node alike) changes nothing.
  // Installed before start-up: until a handler exists the kernel's default action (death, exit 143)
  // applies, and a signal during the migrations waits for them and then stops the same way.
  let app: RunningApp | null = null;
  let received: NodeJS.Signals | null = null;
  const shutdown = (signal: NodeJS.Signals) => {
    if (received) return;
    received = signal;
    log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: draining requests and background work');
    if (app) drain(app, signal);
  };
  const drain = (running: RunningApp, signal: NodeJS.Signals) => {
    const force = setTimeout(() => {
      log.error({ signal }, 'shutdown: still draining after the timeout; exiting');
      exitAfterFlush(log, 1);
    }, config.shutdownTimeoutMs + 5_000);
    force.unref();
    running.stop().then(() => {
      log.info({ signal }, 'shutdown complete');
      exitAfterFlush(log, 0);
    }, (error) => {
      log.error({ err: error }, 'shutdown failed');
      exitAfterFlush(log, 1);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  try {
    app = await startApp(config, log);
  } catch (error) {
    // An operator's mistake is one line that says what to do, not a stack trace.
    if (error instanceof StartupError || error instanceof ConfigError) {
      process.stderr.write(`${error instanceof ConfigError ? 'Configuration error' : 'Failed to start'}: ${error.message}\n`);
      log.flush(() => process.exit(error instanceof ConfigError ? 2 : 1));
      return;
    }
    throw error;
  }
  if (received) {
    drain(app, received);
    return;
  }
  const where = config.database.kind === 'sqlite' ? `sqlite:${config.database.file}` : 'postgres';
  log.info({ url: app.url, database: where, production: config.production }, 'server ready');
  const displayUrl = app.url.replace('127.0.0.1', 'localhost');
  const lines = [`GraphQL API ready at ${displayUrl}  (database ${where})`, `Partner portal at ${displayUrl}app/  (sign in with an API token)`];
  if (app.demo) {
    lines.push(
      'Created a demo partner on this empty database. Its API token (shown once):',
      `  ${app.demo.token}`,
      `Open ${displayUrl}app/ and paste it as the API token, or open ${displayUrl} (Apollo Sandbox) and add the header  Authorization: Bearer ${app.demo.token}`,
    );
  } else if (app.demoAdminId) {
    lines.push(`Lost the demo token? Make a new one:  npm run cli -- create-token --admin-id ${app.demoAdminId}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** pino writes asynchronously: flush what it holds before exiting, or the last lines are lost. */
function exitAfterFlush(log: Logger, code: number): void {
  log.flush(() => process.exit(code));
}

main().catch((error) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
