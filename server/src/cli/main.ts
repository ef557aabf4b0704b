import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { openDatabase } from '../app';
import { AppConfig, ConfigError, loadConfig } from '../config';
import type { Logger } from 'pino';
import { createServices, Services } from '../graphql/services';
import type { Database } from '../db/database';
import { createLogger } from '../logger';
import { PartnerAdminRole } from '../partners/partner-admin.entity';
import { DISPLAY_NAME_MAX, EMAIL, PartnerCommandError, SYSTEM_EMAIL_DOMAIN } from '../partners/partner.service';
import { backupCommand } from './backup';
import { importUsersCommand } from './import-users';
import { removeUsersCommand, updateUsersCommand } from './change-users';
import { connectWebexCommand } from './connect-webex';

const USAGE = `Usage: npm run cli -- <command> [options]   (DATABASE_URL selects the database)

  create-partner --name <name> --admin-email <email> [--subscription <externalId>]...
  create-admin   --partner-id <id> --email <email> --role <FULL_ADMIN|READ_ONLY> [--display-name <name>]
  list-admins    --partner-id <id>
  disable-admin  --admin-id <id>
  create-token   --admin-id <id> [--expires-in-days <n>]
  list-tokens    --admin-id <id>
  revoke-token   --token <token> | --token-id <id>
  import-users   --customer-id <id> --file <users.csv> [--admin-id <id>] [--dry-run] [--batch-size <N>]
  update-users   --customer-id <id> --file <changes.csv> [--admin-id <id>] [--dry-run]   (id column + the columns to change)
  remove-users   --customer-id <id> --file <ids.csv> [--admin-id <id>] [--dry-run]       (id column)
  connect-webex  --partner-id <id> --access-token <token> [--refresh-token <token>]
  backup         --to <file>   a consistent copy of the SQLite database, also while the server runs
  help           this text (also --help)

Each command prints one line of JSON on stdout; logs go to stderr. Exit codes: 0 done;
1 failed (import-users, update-users, remove-users: the JSON lists the errors with their lines,
\`imported\` / \`updated\` / \`removed\` the users written); 2 a mistake in
the command or its options.`;

type Command = (services: Services, args: string[], db: Database, context: { config: AppConfig; log: Logger }) => Promise<unknown>;

/** A command's JSON answer that still exits non-zero (an import that reported errors exits 1). */
class Outcome {
  constructor(readonly json: unknown, readonly exitCode: number) {}
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new PartnerCommandError(`--${name} is required`);
  return value;
}

/** A flag holding an email address (checked here, so the message names the flag). */
function emailFlag(values: Record<string, unknown>, name: string): string {
  const value = required(values, name);
  if (!EMAIL.test(value.trim())) throw new PartnerCommandError(`--${name} must be an email address (got ${JSON.stringify(value)})`);
  if (value.trim().toLowerCase().endsWith(SYSTEM_EMAIL_DOMAIN)) {
    throw new PartnerCommandError(`--${name}: ${SYSTEM_EMAIL_DOMAIN} addresses are reserved for the CLI's own identity`);
  }
  return value;
}

function roleFlag(values: Record<string, unknown>): PartnerAdminRole {
  const value = required(values, 'role');
  const roles = Object.values(PartnerAdminRole) as string[];
  if (!roles.includes(value)) throw new PartnerCommandError(`--role must be one of ${roles.join(', ')} (got ${JSON.stringify(value)})`);
  return value as PartnerAdminRole;
}

function displayNameFlag(values: Record<string, unknown>): string | undefined {
  if (values['display-name'] === undefined) return undefined;
  const value = required(values, 'display-name');
  if (value.trim().length > DISPLAY_NAME_MAX) throw new PartnerCommandError(`--display-name must be 1 to ${DISPLAY_NAME_MAX} characters`);
  return value;
}

export const COMMANDS: Record<string, Command> = {
  'create-partner': async (services, args) => {
    const { values } = parseArgs({ args, options: {
      name: { type: 'string' }, 'admin-email': { type: 'string' }, subscription: { type: 'string', multiple: true },
    } });
    return services.partners.createPartner({
      name: required(values, 'name'), adminEmail: emailFlag(values, 'admin-email'), subscriptions: values.subscription,
    });
  },
  'create-admin': async (services, args) => {
    const { values } = parseArgs({ args, options: {
      'partner-id': { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, 'display-name': { type: 'string' },
    } });
    return services.partners.createAdmin({
      partnerId: required(values, 'partner-id'), email: emailFlag(values, 'email'), role: roleFlag(values),
      displayName: displayNameFlag(values),
    });
  },
  'list-admins': async (services, args) => {
    const { values } = parseArgs({ args, options: { 'partner-id': { type: 'string' } } });
    return services.partners.listAdmins(required(values, 'partner-id'));
  },
  'disable-admin': async (services, args) => {
    const { values } = parseArgs({ args, options: { 'admin-id': { type: 'string' } } });
    return services.partners.disableAdmin(required(values, 'admin-id'));
  },
  'create-token': async (services, args) => {
    const { values } = parseArgs({ args, options: { 'admin-id': { type: 'string' }, 'expires-in-days': { type: 'string' } } });
    const raw = values['expires-in-days'];
    const days = raw === undefined ? undefined : Number(raw);
    if (days !== undefined && (!/^\d+$/.test(raw!.trim()) || days < 1 || days > 3650)) {
      throw new PartnerCommandError('--expires-in-days must be a whole number of days from 1 to 3650');
    }
    return services.partners.createToken(required(values, 'admin-id'), { expiresInDays: days });
  },
  'list-tokens': async (services, args) => {
    const { values } = parseArgs({ args, options: { 'admin-id': { type: 'string' } } });
    return services.partners.listTokens(required(values, 'admin-id'));
  },
  'revoke-token': async (services, args) => {
    const { values } = parseArgs({ args, options: { token: { type: 'string' }, 'token-id': { type: 'string' } } });
    if ((values.token === undefined) === (values['token-id'] === undefined)) {
      throw new PartnerCommandError('revoke-token takes exactly one of --token <token> and --token-id <id>');
    }
    return values.token !== undefined
      ? services.partners.revokeToken(required(values, 'token'))
      : services.partners.revokeTokenById(required(values, 'token-id'));
  },
  'import-users': async (services, args, db) => {
    const result = await importUsersCommand(services, db, args);
    return new Outcome(result, result.errors.length > 0 ? 1 : 0);
  },
  'update-users': async (services, args, db) => {
    const result = await updateUsersCommand(services, db, args);
    return new Outcome(result, result.errors.length > 0 ? 1 : 0);
  },
  'remove-users': async (services, args, db) => {
    const result = await removeUsersCommand(services, db, args);
    return new Outcome(result, result.errors.length > 0 ? 1 : 0);
  },
  'connect-webex': async (_services, args, db, { config, log }) => {
    const result = await connectWebexCommand(db, config, log, args);
    return new Outcome(result.json, result.ok ? 0 : 1);
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const command = name && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command && name !== 'backup') {
    process.stderr.write(`${name ? `Unknown command "${name}".\n\n` : ''}${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  if (!command) {
    // backup: no openDatabase, which would migrate; a backup copies the database as it is.
    process.stdout.write(JSON.stringify(await backupCommand(config, args)) + '\n');
    return 0;
  }
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const db = await openDatabase(config, log);
  try {
    const result = await command(createServices(db), args, db, { config, log });
    const outcome = result instanceof Outcome ? result : new Outcome(result, 0);
    process.stdout.write(JSON.stringify(outcome.json) + '\n');
    return outcome.exitCode;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    const operatorMistake = error instanceof PartnerCommandError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`Error: ${operatorMistake ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
    if (operatorMistake) process.stderr.write(`\n${USAGE}\n`);
    process.exit(operatorMistake ? 2 : 1);
  },
);
