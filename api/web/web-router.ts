import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequestHandler } from '@react-router/express';
import express, { type Request, type Router } from 'express';
import { matchRoutes, type RouteObject, type ServerBuild } from 'react-router';
import type { AppContext } from '../../core/context.ts';
import { csrfMatches, csrfTokenOf, viewerOfSession, WEB_SESSION_DAYS, type Locale } from '../../core/web/web-auth.ts';
import { errorMessage, LOCALES, pickLocale } from '../../bots/i18n.ts';
import { HTTP_STATUS } from '../problem.ts';
import { LANGUAGE_COOKIE, OAUTH_STATE_COOKIE, SESSION_COOKIE, type WebContext } from './context.ts';
import type { WebServices } from './services.ts';

/** Where `npm run build:web` (react-router build) leaves the server bundle and the browser assets. */
export const WEB_BUILD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'web');

/** The splat route (web/app/routes.ts) that renders the web's own 404 page. */
const NOT_FOUND_ROUTE = 'routes/not-found';

export function webBuildExists(dir = WEB_BUILD_DIR): boolean {
  return existsSync(path.join(dir, 'server', 'index.js'));
}

/** `a=1; b=2` → { a: '1', b: '2' } (the two cookies this app sets hold base64url, no quoting needed). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) cookies[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
  }
  return cookies;
}

function cookie(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${options.maxAgeSeconds}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The build's flat route manifest as the nested routes matchRoutes takes. */
function routeTree(manifest: ServerBuild['routes'], parentId?: string): RouteObject[] {
  return Object.values(manifest)
    .filter((route) => route?.parentId === parentId)
    .map((route) =>
      route?.index
        ? { id: route.id, index: true, path: route.path }
        : { id: route?.id, path: route?.path, children: routeTree(manifest, route?.id) },
    );
}

/** The viewer behind a request's session cookie (also used by the SSE notifications), or null. */
export async function viewerOfRequest(req: Request, app: AppContext) {
  const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  return token ? viewerOfSession(app, token) : null;
}

/**
 * The web companion: React Router 7 (framework mode) rendered by this Express app, the built browser assets, and
 * the request's viewer from the session cookie (httpOnly, SameSite=Lax; Secure behind https). Forms carry a CSRF
 * token derived from the session secret; actions check it.
 */
export async function webRouter(options: {
  appContext: () => AppContext;
  services: WebServices;
  /** Secure cookies (PUBLIC_URL is https). */
  secureCookies: boolean;
  buildDir?: string;
  mode?: string;
}): Promise<Router> {
  const dir = options.buildDir ?? WEB_BUILD_DIR;
  const build = (await import(pathToFileURL(path.join(dir, 'server', 'index.js')).href)) as ServerBuild;
  const secure = options.secureCookies;
  const cookies: WebContext['cookies'] = {
    session: (token) => cookie(SESSION_COOKIE, token, { maxAgeSeconds: WEB_SESSION_DAYS * 24 * 3600, secure }),
    clearSession: () => cookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure }),
    oauthState: (state) => cookie(OAUTH_STATE_COOKIE, state, { maxAgeSeconds: 600, secure }),
    clearOauthState: () => cookie(OAUTH_STATE_COOKIE, '', { maxAgeSeconds: 0, secure }),
    language: (locale) => cookie(LANGUAGE_COOKIE, locale, { maxAgeSeconds: 365 * 24 * 3600, secure }),
  };
  const routes = routeTree(build.routes);
  /** A path no page has, asked for by a program rather than a browser: the API's problem+json 404 answers it. */
  const notAPage = (req: Request) =>
    // React Router's own requests from the page: data (`*.data`) and lazy route discovery (`/__manifest`).
    !req.path.endsWith('.data') &&
    req.path !== '/__manifest' &&
    !(req.get('accept') ?? '').includes('text/html') &&
    matchRoutes(routes, req.path)?.at(-1)?.route.id === NOT_FOUND_ROUTE;
  const router = express.Router();
  // Hashed file names: cached for a year. Everything else from the client build for an hour.
  router.use('/assets', express.static(path.join(dir, 'client', 'assets'), { immutable: true, maxAge: '1y' }));
  router.use(express.static(path.join(dir, 'client'), { index: false, maxAge: '1h' }));
  router.all(
    /^\/(?!api\/|webhooks\/|healthz|readyz|play(\/|$)).*/,
    (req, _res, next) => next(notAPage(req) ? 'router' : undefined),
    createRequestHandler({
      build,
      mode: options.mode ?? 'production',
      async getLoadContext(req): Promise<WebContext> {
        const app = options.appContext();
        const requestCookies = parseCookies(req.headers.cookie);
        const token = requestCookies[SESSION_COOKIE] ?? null;
        const viewer = token ? await viewerOfSession(app, token) : null;
        const chosen = LOCALES.find((known) => known === requestCookies[LANGUAGE_COOKIE]);
        const locale: Locale = viewer?.locale ?? chosen ?? pickLocale(req.get('accept-language'));
        return {
          app,
          services: options.services,
          viewer,
          csrf: viewer && token ? csrfTokenOf(token) : null,
          csrfValid: (sent) => Boolean(viewer && token) && csrfMatches(token ?? '', sent),
          locale,
          errorMessage: (lang, code) => {
            try {
              return errorMessage(lang, code as Parameters<typeof errorMessage>[1]);
            } catch {
              return errorMessage(lang, 'VALIDATION_FAILED', {}, code);
            }
          },
          statusOf: (code) => HTTP_STATUS[code as keyof typeof HTTP_STATUS] ?? 400,
          cookies,
          requestCookies,
        };
      },
    }),
  );
  return router;
}
