import { RequestContext, type MikroORM } from '@mikro-orm/postgresql';
import express, { type Express } from 'express';
import type { Logger } from '../lib/logger.ts';
import { errorHandler, notFound } from './problem.ts';

export interface Readiness {
  /** Each named check resolves to null when healthy or a short reason when not. */
  checks: Record<string, () => Promise<string | null>>;
}

/** The HTTP application: health endpoints now; the REST API, webhooks and the web companion mount here later. */
export function createApp(options: {
  logger: Logger;
  orm: MikroORM;
  readiness: Readiness;
  isDraining: () => boolean;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
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

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
