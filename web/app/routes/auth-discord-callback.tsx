import { Link, redirect, useLoaderData } from 'react-router';
import type { LoaderArgs } from '../lib/route-args.ts';
import { useT } from '../i18n.ts';
import { OAUTH_STATE_COOKIE } from '../../../api/web/context.ts';
import { safeNext } from '../lib/next.ts';

/**
 * Discord sends the browser back with `code` and our `state`: the state must equal the cookie set when the
 * sign-in began (no one else can start a sign-in in this browser), then the code is exchanged once.
 */
export async function loader({ context, request }: LoaderArgs) {
  const url = new URL(request.url);
  const state = url.searchParams.get('state') ?? '';
  const code = url.searchParams.get('code') ?? '';
  const expected = context.requestCookies[OAUTH_STATE_COOKIE] ?? '';
  const clear = context.cookies.clearOauthState();
  if (!code || !state || state !== expected) return { error: context.errorMessage(context.locale, 'SIGN_IN_REFUSED') };
  try {
    const { sessionToken } = await context.services.signInWithDiscord(
      context.app,
      code,
      request.headers.get('user-agent') ?? '',
    );
    const next = safeNext(Buffer.from(state.split('.')[1] ?? '', 'base64url').toString());
    const headers = new Headers();
    headers.append('Set-Cookie', context.cookies.session(sessionToken));
    headers.append('Set-Cookie', clear);
    return redirect(next, { headers });
  } catch (error) {
    const appCode = error instanceof Error && error.name === 'AppError' ? (error as { code?: string }).code : null;
    if (!appCode) throw error;
    return { error: context.errorMessage(context.locale, appCode) };
  }
}

export default function DiscordCallback() {
  const { error } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section className="narrow card">
      <h1>{t('web-discord-failed')}</h1>
      <p data-testid="discord-error">{error}</p>
      <Link to="/">{t('web-back-home')}</Link>
    </section>
  );
}
