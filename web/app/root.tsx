import { useEffect, useState } from 'react';
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRevalidator,
  useRouteError,
} from 'react-router';
import type { LoaderArgs } from './lib/route-args.ts';
import stylesheet from './app.css?url';
import { translator, useLocale, useT } from './i18n.ts';

export const links = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: 'data:,' },
];

export async function loader({ context }: LoaderArgs) {
  return {
    locale: context.locale,
    viewer: context.viewer ? { displayName: context.viewer.displayName } : null,
    csrf: context.csrf,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const locale = useLocale();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="color-scheme" content="dark light" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const { viewer, csrf, locale } = useLoaderData<typeof loader>();
  const t = translator(locale);
  const location = useLocation();
  const pool = /^\/pools\/([0-9a-f-]{36})/.exec(location.pathname)?.[1];
  return (
    <>
      <header className="top">
        <Brand />
        {viewer && pool ? (
          <nav className="tabs" aria-label={t('web-nav-label')}>
            <NavLink to={`/pools/${pool}`} end>
              {t('web-nav-wallet')}
            </NavLink>
            <NavLink to={`/pools/${pool}/market`}>{t('web-nav-market')}</NavLink>
            <NavLink to={`/pools/${pool}/gameboost`}>{t('web-nav-gameboost')}</NavLink>
          </nav>
        ) : null}
        <div className="who">
          <Form method="post" action="/language" className="inline">
            <input type="hidden" name="_csrf" value={csrf ?? ''} />
            <input type="hidden" name="back" value={location.pathname + location.search} />
            <button
              type="submit"
              name="locale"
              value={locale === 'en' ? 'ru' : 'en'}
              className="ghost"
              title={t('web-language-switch')}
            >
              {locale === 'en' ? 'RU' : 'EN'}
            </button>
          </Form>
          {viewer ? (
            <Form method="post" action="/signout" className="inline">
              <input type="hidden" name="_csrf" value={csrf ?? ''} />
              <span className="name" data-testid="viewer-name">
                {viewer.displayName}
              </span>
              <button type="submit" className="ghost">
                {t('web-sign-out')}
              </button>
            </Form>
          ) : null}
        </div>
      </header>
      <main>
        <Outlet />
      </main>
      {viewer ? <LiveNotifications /> : null}
    </>
  );
}

function Brand() {
  return (
    <Link to="/" className="brand">
      <span className="logo" aria-hidden="true">
        ◆
      </span>{' '}
      Power Realms
    </Link>
  );
}

interface Toast {
  id: string;
  text: string;
}

/** Server-sent events for the viewer (their money and their pools): a toast for theirs, fresh data for all. */
function LiveNotifications() {
  const t = useT();
  const revalidator = useRevalidator();
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    const source = new EventSource('/api/v1/events');
    const onEvent = (message: MessageEvent<string>) => {
      let event: { id: string; type: string; mine?: boolean };
      try {
        event = JSON.parse(message.data) as typeof event;
      } catch {
        return;
      }
      if (document.visibilityState === 'visible') void revalidator.revalidate();
      const key = `web-event-${event.type}`;
      const text = t(key);
      if (!event.mine || text === key) return;
      setToasts((shown) => [...shown.slice(-3), { id: event.id, text }]);
      setTimeout(() => setToasts((shown) => shown.filter((toast) => toast.id !== event.id)), 6000);
    };
    source.onmessage = onEvent;
    for (const type of LIVE_TYPES) source.addEventListener(type, onEvent);
    return () => source.close();
  }, []);
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast">
          {toast.text}
        </div>
      ))}
    </div>
  );
}

/** Named SSE events the page listens for (EventSource only delivers named events to their own listeners). */
const LIVE_TYPES = [
  'HoldCreated',
  'HoldReleased',
  'HoldVoided',
  'HoldExpired',
  'TransferPosted',
  'DealReserved',
  'DealDelivered',
  'DealCompleted',
  'DisputeOpened',
  'DisputeResolved',
  'WithdrawalRequested',
  'WithdrawalConfirmed',
  'WithdrawalCompleted',
  'TopupCredited',
  'TopupRefunded',
  'RewardsHeld',
  'SessionStarted',
  'SessionEnded',
  'MemberJoined',
  'OfferListed',
];

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const said = isRouteErrorResponse(error) ? (error.data as { error?: unknown } | null)?.error : undefined;
  return (
    <>
      <header className="top">
        <Brand />
      </header>
      <main className="narrow">
        <h1>{status === 404 ? t('web-not-found-title') : t('web-error-title')}</h1>
        <p data-testid="error-text">
          {typeof said === 'string' ? said : status === 404 ? t('web-not-found-text') : t('web-error-text')}
        </p>
        <p>
          <Link to="/">{t('web-back-home')}</Link>
        </p>
      </main>
    </>
  );
}
