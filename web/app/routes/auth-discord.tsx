import { randomBytes } from 'node:crypto';
import { data, redirect } from 'react-router';
import type { LoaderArgs } from '../lib/route-args.ts';
import { safeNext } from '../lib/next.ts';

/** Sign in with Discord: off to Discord's consent page with a one-time state kept in a short-lived cookie. */
export async function loader({ context, request }: LoaderArgs) {
  const next = safeNext(new URL(request.url).searchParams.get('next'));
  const state = `${randomBytes(24).toString('base64url')}.${Buffer.from(next).toString('base64url')}`;
  const url = context.services.discordAuthorizeUrl(state);
  if (!url) throw data(null, { status: 404 });
  return redirect(url, { headers: { 'Set-Cookie': context.cookies.oauthState(state) } });
}
