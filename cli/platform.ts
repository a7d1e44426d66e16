import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { createClient } from 'redis';
import type { Env } from '../config/env.ts';
import type { AppContext } from '../core/context.ts';
import type { LedgerContext } from '../core/ledger/context.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createAttemptLimiters } from '../api/rest/limiters.ts';
import { paymentGatewaysFromEnv } from '../lib/payment-gateways.ts';
import { processPresence, RedisPresence, type Presence } from '../core/agents/presence.ts';
import { LedgerEngine } from '../core/ledger/engine.ts';
import { resolveDatabase, type DatabaseHandle } from '../db/database.ts';
import { PgLedgerStore } from '../db/ledger-store.ts';
import { migrate, migrationsApplied, openOrm } from '../db/orm.ts';
import { createPgPool, preparedRunner } from '../db/pg.ts';
import { InMemoryEventBus, type BusEvent, type EventBus } from '../events/bus.ts';
import { RedisStreamsEventBus } from '../events/redis-bus.ts';
import type { Logger } from '../lib/logger.ts';

function newRedisClient(url: string) {
  return createClient({
    url,
    socket: { connectTimeout: 3000, reconnectStrategy: (retries: number) => Math.min(200 * 2 ** retries, 5000) },
  });
}
export type RedisClient = ReturnType<typeof newRedisClient>;

/** The shared parts every role of the process stands on. */
export interface Platform {
  env: Env;
  logger: Logger;
  database: DatabaseHandle;
  orm: MikroORM;
  pgPool: pg.Pool;
  ledger: LedgerContext;
  bus: EventBus;
  redis: RedisClient | null;
  readinessChecks: Record<string, () => Promise<string | null>>;
  /** What a use case gets: `em` must be a fork for this request, update or job (a new fork when omitted). */
  appContext(em?: EntityManager): AppContext;
  close(): Promise<void>;
}

/** Advisory lock id that serialises migrations when several processes start at once. */
const MIGRATION_LOCK = 727_001;

export async function openPlatform(env: Env, logger: Logger, options: { migrate: boolean }): Promise<Platform> {
  const database = await resolveDatabase(env, logger);
  const orm = await openOrm(database.url, logger);
  const pgPool = createPgPool(database.url, 10);
  try {
    if (options.migrate) await runMigrations(orm, pgPool, logger);
  } catch (error) {
    await Promise.allSettled([orm.close(true), pgPool.end()]);
    await database.stop();
    throw error;
  }
  const engine = new LedgerEngine(new PgLedgerStore(pgPool), {
    logger,
    maxInFlight: env.LEDGER_MAX_IN_FLIGHT,
    maxBatch: env.LEDGER_MAX_BATCH,
  });
  const ledger: LedgerContext = { engine, store: new PgLedgerStore(pgPool) };
  const onHandlerError = (error: unknown, event: BusEvent, group: string) =>
    logger.error({ err: error, eventId: event.id, type: event.type, group }, 'event handler failed');
  const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, logger) : null;
  // Redis Streams when configured (any number of processes); otherwise the single-process in-memory bus.
  const bus: EventBus = redis
    ? new RedisStreamsEventBus(redis, { logger, onHandlerError, prefix: `${env.REDIS_KEY_PREFIX}:events` })
    : new InMemoryEventBus(onHandlerError);

  const readinessChecks: Record<string, () => Promise<string | null>> = {
    database: async () => {
      await pgPool.query('select 1');
      return null;
    },
    migrations: async () => ((await migrationsApplied(orm)) ? null : 'pending migrations'),
  };
  if (redis) {
    readinessChecks.redis = async () => {
      if (!redis.isReady) return 'not connected';
      return (await redis.ping()) === 'PONG' ? null : 'unexpected PING reply';
    };
  }

  const limiters = createAttemptLimiters(redis, env.REDIS_KEY_PREFIX);
  const prepared = preparedRunner(pgPool);
  const payments = paymentGatewaysFromEnv(env);
  const presence: Presence = redis ? new RedisPresence(redis, env.REDIS_KEY_PREFIX) : processPresence;
  const defaults = { platformFeeBps: env.PLATFORM_FEE_BPS, premiumPoolFeeMicros: env.PREMIUM_POOL_FEE_MICROS };

  return {
    env,
    logger,
    database,
    orm,
    pgPool,
    ledger,
    bus,
    redis,
    readinessChecks,
    appContext: (em) => ({
      em: em ?? orm.em.fork(),
      ledger,
      limiters,
      defaults,
      prepared,
      publicUrl: env.PUBLIC_URL,
      payments,
      presence,
      ice: {
        stunUrls: env.ICE_STUN_URLS.split(',')
          .map((u) => u.trim())
          .filter(Boolean),
        turnUrls: env.TURN_URLS.split(',')
          .map((u) => u.trim())
          .filter(Boolean),
        turnSecret: env.TURN_SECRET,
        turnTtlSeconds: env.TURN_TTL_SECONDS,
      },
    }),
    async close() {
      await engine.idle();
      await bus.close();
      if (redis) await redis.close().catch(() => undefined);
      await orm.close(true);
      await pgPool.end();
      await database.stop();
    },
  };
}

async function runMigrations(orm: MikroORM, pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}

function connectRedis(url: string, logger: Logger): RedisClient {
  const client = newRedisClient(url);
  let warned = false;
  client.on('error', (error: unknown) => {
    if (!warned) logger.warn({ err: error }, 'Redis unreachable; retrying in the background');
    warned = true;
  });
  client.on('ready', () => {
    warned = false;
  });
  client.connect().catch(() => undefined);
  return client;
}
