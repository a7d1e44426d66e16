import type { AppContext } from '../../core/context.ts';
import type { Locale, Viewer } from '../../core/web/web-auth.ts';
import type { WebServices } from './services.ts';

export const SESSION_COOKIE = 'pr_session';
export const OAUTH_STATE_COOKIE = 'pr_oauth_state';
export const LANGUAGE_COOKIE = 'pr_lang';

/** What every loader and action of the web companion receives as its `context` (React Router's AppLoadContext). */
// A type alias (not an interface) so it fits React Router's index-signature AppLoadContext.
export type WebContext = {
  /** The use cases' context for this request (its own EntityManager fork). */
  app: AppContext;
  services: WebServices;
  /** The signed-in person, or null. */
  viewer: Viewer | null;
  /** This session's CSRF token, for the hidden `_csrf` field of every form; null when signed out. */
  csrf: string | null;
  /** Whether a form's `_csrf` field is this session's token (compared in constant time); false when signed out. */
  csrfValid(sent: string): boolean;
  /** The language of the page: the viewer's choice, else the browser's Accept-Language. */
  locale: Locale;
  /** A localized sentence for a business error code (the same texts as the bots). */
  errorMessage(locale: Locale, code: string): string;
  /** The HTTP status REST answers for that code. */
  statusOf(code: string): number;
  /** Set-Cookie values. */
  cookies: {
    session(token: string): string;
    clearSession(): string;
    oauthState(state: string): string;
    clearOauthState(): string;
    language(locale: Locale): string;
  };
  /** Cookies the browser sent. */
  requestCookies: Record<string, string>;
};
