import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agenda } from 'agenda';
import { createApp } from '../api/app.ts';
import { createAuthenticator } from '../api/rest/auth.ts';
import { createApiRateLimiter } from '../api/rest/rate-limit.ts';
import { createNotifications } from '../api/notifications/sse.ts';
import { paymentWebhooksRouter } from '../api/payments/webhooks.ts';
import { attachAgentGateway } from '../api/agent/gateway.ts';
import { RedisSignalRelay } from '../api/agent/signaling.ts';
import { playRouter } from '../api/agent/play.ts';
import { createWebServices } from '../api/web/services.ts';
import { viewerOfRequest, webBuildExists, webRouter } from '../api/web/web-router.ts';
import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { optionalParts, type Env } from '../config/env.ts';
import { OutboxRelay } from '../events/outbox-relay.ts';
import { safeUrl, type Logger } from '../lib/logger.ts';
import { startScheduler } from '../worker/scheduler.ts';
import { startBots } from '../bots/run.ts';
import { openPlatform } from './platform.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export interface Roles {
  api: boolean;
  worker: boolean;
  bots: boolean;
}

/** Runs the HTTP API and/or the worker until SIGTERM or SIGINT, then drains and exits cleanly. */
export async function serve(env: Env, logger: Logger, roles: Roles): Promise<number> {
  const platform = await openPlatform(env, logger, { migrate: true });
  let draining = false;
  let server: Server | null = null;
  let agents: ReturnType<typeof attachAgentGateway> | null = null;
  let agenda: Agenda | null = null;
  let relay: OutboxRelay | null = null;
  let notifications: ReturnType<typeof createNotifications> | null = null;
  let bots: Awaited<ReturnType<typeof startBots>> | null = null;
  const lines: string[] = [];

  // The bots first: in webhook mode Telegram's updates arrive through the API's Express app.
  if (roles.bots) bots = await startBots(platform, logger, { withApi: roles.api });
  if (roles.api) {
    const authenticate = createAuthenticator({ serviceToken: env.SERVICE_TOKEN });
    notifications = createNotifications({
      bus: platform.bus,
      pgPool: platform.pgPool,
      // A token, or the web companion's session cookie (EventSource sends cookies, not headers).
      authenticate: async (req) =>
        (await authenticate(req, platform.appContext())) ?? (await viewerOfRequest(req, platform.appContext())),
      logger,
    });
    const publicUrl = env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`;
    const web = webBuildExists()
      ? await webRouter({
          appContext: () => platform.appContext(RequestContext.getEntityManager() as EntityManager | undefined),
          services: createWebServices({
            telegramBotToken: env.TELEGRAM_BOT_TOKEN,
            discord:
              env.DISCORD_CLIENT_ID && env.DISCORD_CLIENT_SECRET
                ? {
                    clientId: env.DISCORD_CLIENT_ID,
                    clientSecret: env.DISCORD_CLIENT_SECRET,
                    apiBase: env.DISCORD_API_BASE,
                    redirectUri: `${publicUrl.replace(/\/$/, '')}/auth/discord/callback`,
                  }
                : undefined,
          }),
          secureCookies: publicUrl.startsWith('https:'),
        })
      : null;
    if (!web) lines.push('Web companion off: not built (npm run build:web)');
    const app = createApp({
      logger,
      orm: platform.orm,
      readiness: { checks: platform.readinessChecks },
      isDraining: () => draining,
      api: {
        appContext: (em) => platform.appContext(em),
        authenticate,
        extraRouters: [
          notifications.router,
          paymentWebhooksRouter({
            appContext: () => platform.appContext(RequestContext.getEntityManager() as EntityManager | undefined),
            logger,
          }),
          playRouter(),
          ...(bots?.routers ?? []),
        ],
        pageRouters: web ? [web] : [],
        rateLimiter: createApiRateLimiter({
          redis: platform.redis,
          prefix: env.REDIS_KEY_PREFIX,
          perMinute: env.API_RATE_LIMIT_PER_MINUTE,
        }),
        validateResponses: env.NODE_ENV !== 'production',
        version: VERSION,
      },
    });
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(env.PORT, env.HOST, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    const { port } = server.address() as AddressInfo;
    agents = attachAgentGateway(server, {
      appContext: () => platform.appContext(),
      bus: platform.bus,
      logger,
      presenceTtlSeconds: env.AGENT_PRESENCE_TTL_SECONDS,
      // With Redis, a browser and its agent may be connected to different API processes.
      signals: platform.redis ? new RedisSignalRelay(platform.redis, env.REDIS_KEY_PREFIX) : undefined,
    });
    // Every API process relays the outbox too (rows are claimed with SKIP LOCKED, so each is published once):
    // events reach Redis within milliseconds of the request that caused them.
    if (!relay) {
      relay = new OutboxRelay(platform.pgPool, platform.bus, logger);
      relay.start();
    }
    lines.push(
      `Power Realms listening on http://${env.HOST}:${port} (web companion: /, API docs: /api/docs, health: /healthz, readiness: /readyz)`,
    );
  }
  if (roles.worker) {
    agenda = await startScheduler(
      platform.pgPool,
      { ledger: platform.ledger, logger, orm: platform.orm, appContext: (em) => platform.appContext(em) },
      { holdExpirySweepSeconds: env.HOLD_EXPIRY_SWEEP_SECONDS, checkpointMinutes: env.LEDGER_CHECKPOINT_MINUTES },
    );
    if (!relay) {
      relay = new OutboxRelay(platform.pgPool, platform.bus, logger);
      relay.start();
    }
    lines.push(
      `Worker running: hold expiry every ${env.HOLD_EXPIRY_SWEEP_SECONDS}s, ledger checkpoints every ${env.LEDGER_CHECKPOINT_MINUTES} min, outbox relay`,
    );
  }
  if (bots) lines.push(...bots.lines);
  lines.push(
    platform.database.embedded
      ? `Database: embedded PostgreSQL under ${env.DATA_DIR}/postgres (DATABASE_URL not set)`
      : `Database: ${safeUrl(platform.database.url)}`,
  );
  for (const part of optionalParts(env)) {
    lines.push(part.on ? `${part.name}: ${part.why}` : `${part.name} off: ${part.why}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  logger.info({ roles }, 'started');

  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      if (draining) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      draining = true;
      logger.info({ signal }, 'draining');
      const force = setTimeout(() => {
        logger.error('drain took longer than SHUTDOWN_GRACE_SECONDS; exiting');
        process.exit(1);
      }, env.SHUTDOWN_GRACE_SECONDS * 1000);
      force.unref();
      void (async () => {
        if (server) {
          const closing = new Promise<void>((done) => server?.close(() => done()));
          // Event streams never end by themselves: end them so the server can close.
          notifications?.close();
          agents?.close();
          server.closeIdleConnections();
          await closing;
        }
        if (bots) await bots.stop();
        if (relay) await relay.stop();
        if (agenda) await agenda.drain({ timeout: env.SHUTDOWN_GRACE_SECONDS * 1000, closeConnection: false });
        await platform.close();
        clearTimeout(force);
        logger.info('stopped');
        resolve(0);
      })().catch((error: unknown) => {
        logger.error({ err: error }, 'error while draining');
        resolve(1);
      });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}
