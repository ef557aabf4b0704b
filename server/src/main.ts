import 'reflect-metadata';
import { startApp } from './app';
import { ConfigError, loadConfig } from './config';
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
  const app = await startApp(config, log);
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

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.stop().then(() => process.exit(0), (error) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
