import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.ts';
import { createAuthenticator } from '../../api/rest/auth.ts';
import { createApiRateLimiter } from '../../api/rest/rate-limit.ts';
import { createAccessToken, type TokenScope } from '../../core/auth/tokens.ts';
import { ensureUser } from '../../core/users/ensure-user.ts';
import type { RedisClient } from '../../cli/platform.ts';
import { createAttemptLimiters } from '../../api/rest/limiters.ts';
import { createLogger } from '../../lib/logger.ts';
import { createNotifications } from '../../api/notifications/sse.ts';
import { InMemoryEventBus, type EventBus } from '../../events/bus.ts';
import { OutboxRelay } from '../../events/outbox-relay.ts';
import { preparedRunner } from '../../db/pg.ts';
import type { TestDatabase } from './db.ts';
import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { paymentWebhooksRouter } from '../../api/payments/webhooks.ts';
import type { PaymentGateways } from '../../core/topups/gateways.ts';
import type { Presence } from '../../core/agents/presence.ts';
import { attachAgentGateway } from '../../api/agent/gateway.ts';
import { RedisSignalRelay } from '../../api/agent/signaling.ts';
import { playRouter } from '../../api/agent/play.ts';
import { createWebServices } from '../../api/web/services.ts';
import { viewerOfRequest, webBuildExists, webRouter } from '../../api/web/web-router.ts';
import type { DiscordOAuthConfig } from '../../lib/discord-oauth.ts';
import type { IceConfig } from '../../core/gameboost/ice.ts';

export interface CallResult<T> {
  status: number;
  headers: Headers;
  body: T;
  /** The problem details when the answer is application/problem+json. */
  problem: { code: string; detail: string; status: number; [key: string]: unknown } | null;
}

export interface TestApi {
  url: string;
  bus: EventBus;
  /** Publishes the outbox now (the relay also runs every 50 ms). */
  relay: OutboxRelay;
  /** A user (created on first use, by name) and a token for them. */
  user(name: string, scopes?: TokenScope[]): Promise<{ userId: string; token: string }>;
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; key?: string; headers?: Record<string, string> },
  ): Promise<CallResult<T>>;
  close(): Promise<void>;
}

/** The real Express app over a test database on a free loopback port, with in-memory limits unless Redis is given. */
export async function startApi(
  db: TestDatabase,
  options: {
    redis?: RedisClient | null;
    prefix?: string;
    perMinute?: number;
    serviceToken?: string;
    bus?: EventBus;
    /** Payment providers (fakes) for top-ups and their webhooks. */
    payments?: PaymentGateways;
    /** Host agents' presence; the agent gateway is attached with it. */
    presence?: Presence;
    presenceTtlSeconds?: number;
    /** Mount the web companion (needs `npm run build:web`), with these sign-in methods. */
    web?: { telegramBotToken?: string; discord?: DiscordOAuthConfig };
    ice?: IceConfig;
  } = {},
): Promise<TestApi> {
  const redis = options.redis ?? null;
  const logger = createLogger('silent');
  const bus = options.bus ?? new InMemoryEventBus(() => undefined);
  const relay = new OutboxRelay(db.pool, bus, logger, 50);
  relay.start();
  const prefix = options.prefix ?? `test-${Math.random().toString(36).slice(2)}`;
  const limiters = createAttemptLimiters(redis, prefix);
  const authenticate = createAuthenticator({ serviceToken: options.serviceToken });
  const appContext = (em = db.orm.em.fork()) => ({
    em,
    ledger: db.ctx,
    limiters,
    defaults: { platformFeeBps: 1000, premiumPoolFeeMicros: 50_000_000n },
    prepared: preparedRunner(db.pool),
    payments: options.payments,
    presence: options.presence,
    ice: options.ice,
  });
  const notifications = createNotifications({
    bus,
    pgPool: db.pool,
    authenticate: async (req) => (await authenticate(req, appContext())) ?? (await viewerOfRequest(req, appContext())),
    logger,
    heartbeatMs: 1000,
  });
  if (options.web && !webBuildExists()) throw new Error('the web companion is not built: npm run build:web');
  const web = options.web
    ? await webRouter({
        appContext: () =>
          appContext((RequestContext.getEntityManager() as EntityManager | undefined) ?? db.orm.em.fork()),
        services: createWebServices(options.web),
        secureCookies: false,
      })
    : null;
  const app = createApp({
    logger,
    orm: db.orm,
    readiness: { checks: {} },
    isDraining: () => false,
    api: {
      appContext,
      authenticate,
      extraRouters: [
        notifications.router,
        playRouter(),
        paymentWebhooksRouter({
          appContext: () =>
            appContext((RequestContext.getEntityManager() as EntityManager | undefined) ?? db.orm.em.fork()),
          logger,
        }),
      ],
      pageRouters: web ? [web] : [],
      rateLimiter: createApiRateLimiter({ redis, prefix, perMinute: options.perMinute ?? 100_000 }),
      validateResponses: true,
      version: 'test',
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agents = options.presence
    ? attachAgentGateway(server, {
        appContext: () => appContext(),
        bus,
        logger,
        presenceTtlSeconds: options.presenceTtlSeconds,
        pingMs: 500,
        signals: redis ? new RedisSignalRelay(redis, prefix) : undefined,
      })
    : null;
  return {
    url,
    bus,
    relay,
    async user(name, scopes = ['read', 'write']) {
      const em = db.orm.em.fork();
      const user = await ensureUser(em, { displayName: name });
      const { token } = await createAccessToken(em, { userId: user.id, name: 'test', scopes });
      return { userId: user.id, token };
    },
    async call<T>(
      method: string,
      path: string,
      options: { token?: string; body?: unknown; key?: string; headers?: Record<string, string> },
    ) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.key) headers['idempotency-key'] = options.key;
      if (options.body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body),
      });
      const text = await response.text();
      const body = (text ? JSON.parse(text) : null) as T;
      const isProblem = response.headers.get('content-type')?.startsWith('application/problem+json') ?? false;
      return {
        status: response.status,
        headers: response.headers,
        body,
        problem: isProblem ? (body as CallResult<T>['problem']) : null,
      };
    },
    async close() {
      notifications.close();
      agents?.close();
      await relay.stop();
      if (!options.bus) await bus.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
