import { AppError } from '../core/errors.ts';

/** Discord OAuth2 (authorization code, scope `identify`) for the web companion's sign-in. */
export interface DiscordOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** https://discord.com/api/v10, or a local fake in tests. */
  apiBase: string;
  /** Where Discord sends the browser back: `<PUBLIC_URL>/auth/discord/callback`. */
  redirectUri: string;
}

export interface DiscordUser {
  id: string;
  username: string;
  global_name?: string | null;
}

export function discordAuthorizeUrl(config: DiscordOAuthConfig, state: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    scope: 'identify',
    redirect_uri: config.redirectUri,
    state,
    prompt: 'none',
  });
  return `${config.apiBase.replace(/\/+$/, '')}/oauth2/authorize?${params.toString()}`;
}

/** Exchanges the callback's code for a token and asks who it belongs to; SIGN_IN_REFUSED when Discord says no. */
export async function discordUserFromCode(config: DiscordOAuthConfig, code: string): Promise<DiscordUser> {
  const base = config.apiBase.replace(/\/+$/, '');
  const tokenResponse = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: config.redirectUri }),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => {
    throw new AppError('SIGN_IN_REFUSED', `Discord did not answer: ${(error as Error).message}`);
  });
  const grant = (await tokenResponse.json().catch(() => ({}))) as { access_token?: string; token_type?: string };
  if (!tokenResponse.ok || !grant.access_token)
    throw new AppError('SIGN_IN_REFUSED', 'Discord refused the sign-in code (used, expired or forged)');
  const meResponse = await fetch(`${base}/users/@me`, {
    headers: { authorization: `Bearer ${grant.access_token}` },
    signal: AbortSignal.timeout(10_000),
  });
  const me = (await meResponse.json().catch(() => ({}))) as Partial<DiscordUser>;
  if (!meResponse.ok || typeof me.id !== 'string' || !/^[0-9]{5,30}$/.test(me.id) || typeof me.username !== 'string')
    throw new AppError('SIGN_IN_REFUSED', 'Discord did not say who signed in');
  return { id: me.id, username: me.username, global_name: me.global_name ?? null };
}
