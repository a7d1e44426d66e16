import { RequestContext, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import express, { type Express, type Request } from 'express';
import type { AppContext } from '../core/context.ts';
import type { Logger } from '../lib/logger.ts';
import { errorHandler, notFound } from './problem.ts';
import { renderDocs } from './rest/docs.ts';
import { pgIdempotencyStore } from './rest/idempotency.ts';
import { buildOpenApi } from './rest/openapi.ts';
import type { ApiRateLimiter } from './rest/rate-limit.ts';
import { createApiRouter, type AnyRoute, type Caller } from './rest/route.ts';
import { v1Routes } from './v1/index.ts';

export interface Readiness {
  /** Each named check resolves to null when healthy or a short reason when not. */
  checks: Record<string, () => Promise<string | null>>;
}

export interface ApiOptions {
  /** The use cases' context for this request (its EntityManager is the request's fork). */
  appContext: (em: EntityManager) => AppContext;
  authenticate: (req: Request, app: AppContext) => Promise<Caller | null>;
  rateLimiter: ApiRateLimiter;
  validateResponses: boolean;
  version: string;
  /** Extra routers mounted before the REST routes (server-sent events). */
  extraRouters?: express.Router[];
  /** Routers after the REST routes: the web companion, which answers every other page. */
  pageRouters?: express.Router[];
  routes?: AnyRoute[];
}

/** The HTTP application: health endpoints, REST v1 with its OpenAPI document and docs page. */
export function createApp(options: {
  logger: Logger;
  orm: MikroORM;
  readiness: Readiness;
  isDraining: () => boolean;
  api?: ApiOptions;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  // One EntityManager fork per request (MikroORM's RequestContext); the global one is never used for work.
  app.use((_req, _res, next) => RequestContext.create(options.orm.em, next));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'alive' });
  });

  app.get('/readyz', async (_req, res) => {
    if (options.isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const entries = await Promise.all(
      Object.entries(options.readiness.checks).map(async ([name, check]) => {
        const problem = await check().catch((error: unknown) => (error as Error).message || 'failed');
        return [name, problem ?? 'ok'] as const;
      }),
    );
    const ready = entries.every(([, state]) => state === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(entries) });
  });

  if (options.api) {
    const api = options.api;
    const routes = api.routes ?? v1Routes;
    const document = buildOpenApi(routes, { version: api.version });
    const docsHtml = renderDocs(document);
    app.get('/api/openapi.json', (_req, res) => {
      res.json(document);
    });
    app.get('/api/docs', (_req, res) => {
      res.type('html').send(docsHtml);
    });
    for (const router of api.extraRouters ?? []) app.use(router);
    app.use(
      '/api',
      createApiRouter({
        routes,
        appContext: () => {
          const em = RequestContext.getEntityManager();
          if (!em) throw new Error('no request context');
          // The fork made for this request by RequestContext.create above (a PostgreSQL EntityManager).
          return api.appContext(em as EntityManager);
        },
        authenticate: api.authenticate,
        rateLimiter: api.rateLimiter,
        idempotency: pgIdempotencyStore,
        logger: options.logger,
        validateResponses: api.validateResponses,
      }),
    );
    for (const router of api.pageRouters ?? []) app.use(router);
  }

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
