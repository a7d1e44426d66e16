import { ConfigError, loadEnv } from '../config/env.ts';
import { createLogger } from '../lib/logger.ts';
import { admin, ADMIN_HELP } from './admin.ts';
import { openPlatform } from './platform.ts';
import { serve } from './serve.ts';

const HELP = `power-realms <command>

Roles:
  start     everything in one process: API, worker (and the bots when their tokens are set)
  api       the HTTP API only
  worker    scheduled jobs (hold expiry, ledger checkpoints) and the outbox relay
  bots      the Discord and Telegram bots (DISCORD_TOKEN, TELEGRAM_BOT_TOKEN)
  migrate   apply database migrations and exit
  agent     the host agent (join, run, status, bench) — power-realms agent help

${ADMIN_HELP}

Configuration comes from the environment and .env; see .env.example.`;

/** The `power-realms` command. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  let env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const serverRole = ['start', 'api', 'worker', 'bots'].includes(command);
  // One-shot commands print their result on stdout; their logs go to stderr, quieter unless LOG_LEVEL says otherwise.
  const level = serverRole || process.env.LOG_LEVEL ? env.LOG_LEVEL : 'warn';
  const logger = createLogger(level, { toStderr: !serverRole });
  try {
    switch (command) {
      case 'start':
        return await serve(env, logger, { api: true, worker: true, bots: true });
      case 'api':
        return await serve(env, logger, { api: true, worker: false, bots: false });
      case 'worker':
        return await serve(env, logger, { api: false, worker: true, bots: false });
      case 'bots':
        return await serve(env, logger, { api: false, worker: false, bots: true });
      case 'migrate': {
        const platform = await openPlatform(env, logger, { migrate: true });
        await platform.close();
        process.stdout.write('Migrations are up to date.\n');
        return 0;
      }
      case 'admin':
        return await admin(env, logger, rest);
      default:
        process.stderr.write(`Unknown command: ${command}\n\n${HELP}\n`);
        return 2;
    }
  } catch (error) {
    logger.fatal({ err: error }, `${command} failed`);
    process.stderr.write(`power-realms ${command} failed: ${(error as Error).message}\n`);
    return 1;
  }
}
