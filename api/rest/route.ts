import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { TokenScope } from '../../core/auth/tokens.ts';
import type { AppContext } from '../../core/context.ts';
import { AppError, type ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { sendAppError, sendProblem } from '../problem.ts';
import type { IdempotencyStore } from './idempotency.ts';
import type { ApiRateLimiter } from './rate-limit.ts';

/** Who is calling, as authenticated from the Authorization header. */
export interface Caller {
  userId: string;
  isGlobalAdmin: boolean;
  scopes: TokenScope[];
  /** 'service': the bots' credential acting for a user named in X-Acting-User / X-Acting-Identity. */
  via: 'token' | 'service';
  tokenId: string | null;
}

export type RouteAuth = 'none' | TokenScope;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Nothing = z.ZodUndefined;

export interface HandlerContext<P, Q, B, A extends RouteAuth> {
  params: P;
  query: Q;
  body: B;
  caller: A extends 'none' ? Caller | null : Caller;
  app: AppContext;
  /** The Idempotency-Key namespaced by caller (`api:<userId>:<key>`): the ledger key of the command. */
  idempotencyKey: string | null;
  req: Request;
  res: Response;
}

/** One REST operation: its contract (validated and documented from the same zod schemas) and its thin handler. */
export interface RouteDefinition<
  P extends z.ZodType = Nothing,
  Q extends z.ZodType = Nothing,
  B extends z.ZodType = Nothing,
  R extends z.ZodType = z.ZodType,
  A extends RouteAuth = RouteAuth,
> {
  method: Method;
  /** OpenAPI path template relative to /api/v1, e.g. '/pools/{poolId}/holds'. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** The least token scope the route needs (scopes nest: admin ⊇ write ⊇ read), or 'none' for public routes. */
  auth: A;
  /** POST only. 'required' on money-moving routes: same key and body replay the first answer. */
  idempotency?: 'required' | 'optional';
  /**
   * Where replays come from. 'table' (default): the first 2xx answer is stored in api_idempotency and replayed.
   * 'ledger': the use case is one ledger command under the key, which the ledger itself replays (same transfers, so
   * the same answer) or refuses for another input; the handler sets Idempotent-Replayed. Saves two commits a request.
   */
  replayFrom?: 'table' | 'ledger';
  params?: P;
  query?: Q;
  body?: B;
  response: { status: 200 | 201 | 202; description: string; schema: R };
  /** The business failures this route can answer with (documented in OpenAPI). */
  errors: readonly ErrorCode[];
  handler(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>, A>): Promise<z.input<R>>;
}

/** Any route, as the router and the OpenAPI builder see it (its types erased). */
export interface AnyRoute {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: RouteAuth;
  idempotency?: 'required' | 'optional';
  replayFrom?: 'table' | 'ledger';
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: { status: 200 | 201 | 202; description: string; schema: z.ZodType };
  errors: readonly ErrorCode[];
  handler(ctx: never): Promise<unknown>;
}

export function defineRoute<
  P extends z.ZodType = Nothing,
  Q extends z.ZodType = Nothing,
  B extends z.ZodType = Nothing,
  R extends z.ZodType = z.ZodType,
  A extends RouteAuth = RouteAuth,
>(route: RouteDefinition<P, Q, B, R, A>): RouteDefinition<P, Q, B, R, A> {
  return route;
}

const SCOPE_RANK: Record<TokenScope, number> = { read: 1, write: 2, admin: 3 };
export const hasScope = (caller: Caller, needed: TokenScope): boolean =>
  caller.scopes.some((scope) => SCOPE_RANK[scope] >= SCOPE_RANK[needed]);

export interface ApiRouterOptions {
  routes: AnyRoute[];
  appContext: () => AppContext;
  authenticate: (req: Request, app: AppContext) => Promise<Caller | null>;
  rateLimiter: ApiRateLimiter;
  idempotency: IdempotencyStore;
  logger: Logger;
  /** Check every answer against its schema (tests): a route that drifts from its documented shape fails loudly. */
  validateResponses: boolean;
}

const toExpressPath = (path: string) => `/v1${path.replace(/\{(\w+)\}/g, ':$1')}`;

/** Problem details for zod issues, with the place of each (`body.amountMicros`). */
function validationError(where: 'params' | 'query' | 'body', error: z.ZodError): AppError {
  // An unknown field is reported at its own place (`body.surprise`), not at the object that holds it.
  const errors = error.issues
    .flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: [where, ...issue.path.map(String), key].join('.'),
            message: 'unknown field',
          }))
        : [{ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }],
    )
    .slice(0, 20);
  const first = errors[0];
  return new AppError('VALIDATION_FAILED', first ? `${first.path}: ${first.message}` : 'invalid request', { errors });
}

function parsePart<S extends z.ZodType | undefined>(
  where: 'params' | 'query' | 'body',
  schema: S,
  value: unknown,
): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(where, parsed.error);
  return parsed.data;
}

const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** The /api router: REST v1 routes plus 405s for known paths with other methods. */
export function createApiRouter(options: ApiRouterOptions): Router {
  const router = express.Router();
  const json = express.json({ limit: '64kb', strict: false });
  const methodsByPath = new Map<string, Set<string>>();

  for (const route of options.routes) {
    const path = toExpressPath(route.path);
    methodsByPath.set(path, (methodsByPath.get(path) ?? new Set()).add(route.method.toUpperCase()));
    router[route.method](path, async (req: Request, res: Response, next: NextFunction) => {
      const app = options.appContext();
      let claimed: { userId: string; key: string } | null = null;
      try {
        const caller = await options.authenticate(req, app);
        const limit = await options.rateLimiter.consume(caller ? `u:${caller.userId}` : `ip:${req.ip ?? 'unknown'}`);
        res.set(limit.headers);
        if (!limit.allowed)
          throw new AppError('RATE_LIMITED', 'too many requests', { retryAfterSeconds: limit.retryAfterSeconds });
        if (route.auth !== 'none') {
          if (!caller) throw new AppError('UNAUTHENTICATED', 'send Authorization: Bearer <personal access token>');
          if (!hasScope(caller, route.auth))
            throw new AppError('INSUFFICIENT_SCOPE', `this operation needs a token with the ${route.auth} scope`);
        }
        if (route.body && hasBody(req) && !req.is('application/json')) {
          sendProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
          return;
        }
        if (route.body)
          await new Promise<void>((resolve, reject) =>
            json(req, res, (error?: Error) => (error ? reject(error) : resolve())),
          );
        const params = parsePart('params', route.params, req.params);
        const query = parsePart('query', route.query, req.query);
        const body = parsePart('body', route.body, req.body);

        let idempotencyKey: string | null = null;
        if (route.idempotency && caller) {
          const key = req.get('idempotency-key');
          if (key === undefined) {
            if (route.idempotency === 'required')
              throw new AppError(
                'IDEMPOTENCY_KEY_REQUIRED',
                'send an Idempotency-Key header (any unique string per operation)',
              );
          } else {
            if (!/^[\x21-\x7e]{1,200}$/.test(key))
              throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1..200 visible ASCII characters', {
                errors: [{ path: 'headers.idempotency-key', message: 'invalid' }],
              });
            idempotencyKey = `api:${caller.userId}:${key}`;
            // With replayFrom 'ledger' the ledger keeps this key: nothing to claim here.
            if (route.replayFrom !== 'ledger') {
              const begun = await options.idempotency.begin(app.em, {
                userId: caller.userId,
                key,
                method: req.method,
                path: req.path,
                body: req.body as unknown,
              });
              if (begun.kind === 'replay') {
                res.set('Idempotent-Replayed', 'true').status(begun.status).json(begun.body);
                return;
              }
              claimed = { userId: caller.userId, key };
            }
          }
        }

        const output: unknown = await route.handler({
          params,
          query,
          body,
          caller,
          app,
          idempotencyKey,
          req,
          res,
        } as never);
        const payload: unknown = options.validateResponses ? route.response.schema.parse(output) : output;
        if (claimed) {
          await options.idempotency.complete(app.em, { ...claimed, status: route.response.status, body: payload });
          claimed = null;
        }
        res.status(route.response.status).json(payload);
      } catch (error) {
        if (claimed) await options.idempotency.abandon(app.em, claimed).catch(() => undefined);
        next(error);
      }
    });
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods, ...(methods.has('GET') ? ['HEAD'] : [])].join(', ');
    router.all(path, (req, res) => {
      res.set('Allow', allow);
      sendProblem(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allow}`);
    });
  }
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof AppError) {
      sendAppError(res, error);
      return;
    }
    next(error);
  });
  return router;
}
