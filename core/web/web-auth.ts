import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { ensureUserByIdentity } from '../users/ensure-user.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { Locale } from '../../lib/locales.ts';

export const LOGIN_LINK_TTL_MINUTES = 10;
export const WEB_SESSION_DAYS = 30;
/** Telegram Mini App data older than this is refused (a replayed launch). */
export const TELEGRAM_INIT_DATA_MAX_AGE_SECONDS = 24 * 3600;

const sha256 = (kind: string, value: string) =>
  createHash('sha256').update(`power-realms:${kind}:${value}`).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export type { Locale };

/** The person a browser session belongs to. */
export interface Viewer extends Actor {
  sessionId: string;
  displayName: string;
  locale: Locale;
}

/**
 * `/web` in a bot: a single-use sign-in link for the person asking, valid 10 minutes, stored as a hash. Earlier
 * unused links of theirs stop working, so only the newest link in any chat opens a session.
 */
export async function createLoginLink(ctx: AppContext, actor: Actor): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const rows = await ctx.em.transactional(async (em) => {
    await em.execute('update web_login_links set used_at = now() where user_id = ? and used_at is null', [
      actor.userId,
    ]);
    return em.execute<{ expires_at: Date }[]>(
      `insert into web_login_links (token_hash, user_id, expires_at)
       values (?, ?, now() + make_interval(mins => ?)) returning expires_at`,
      [sha256('login-link', token), actor.userId, LOGIN_LINK_TTL_MINUTES],
    );
  });
  return { token, expiresAt: new Date(rows[0]?.expires_at ?? Date.now()) };
}

/** Whose link this is, without using it (the page asks "continue as …?": link previews must not sign anyone in). */
export async function peekLoginLink(ctx: AppContext, token: string): Promise<{ displayName: string } | null> {
  if (!TOKEN.test(token)) return null;
  const rows = await ctx.em.execute<{ display_name: string }[]>(
    `select u.display_name from web_login_links l join users u on u.id = l.user_id
      where l.token_hash = ? and l.used_at is null and l.expires_at > now()`,
    [sha256('login-link', token)],
  );
  return rows[0] ? { displayName: rows[0].display_name } : null;
}

/** Uses the link once (two tabs racing: one wins) and opens a browser session for its owner. */
export async function signInWithLink(
  ctx: AppContext,
  input: { token: string; userAgent: string },
): Promise<{ sessionToken: string; userId: string }> {
  if (!TOKEN.test(input.token)) throw new AppError('LOGIN_LINK_INVALID');
  const claimed = await ctx.em.execute<{ user_id: string }[]>(
    `update web_login_links set used_at = now()
      where token_hash = ? and used_at is null and expires_at > now() returning user_id`,
    [sha256('login-link', input.token)],
  );
  const userId = claimed[0]?.user_id;
  if (!userId) throw new AppError('LOGIN_LINK_INVALID');
  return { sessionToken: await openSession(ctx, userId, 'link', input.userAgent), userId };
}

/**
 * The Telegram Mini App hands the page `initData`, signed with the bot token: HMAC-SHA256 keyed by
 * HMAC-SHA256("WebAppData", bot token) over the sorted `key=value` lines except `hash`. Checked in constant time and
 * for freshness; the Telegram user becomes (or is) a Power Realms user, like in the bot.
 */
export async function signInWithTelegram(
  ctx: AppContext,
  input: { initData: string; botToken: string; userAgent: string; nowMs?: number },
): Promise<{ sessionToken: string; userId: string }> {
  const user = verifyTelegramInitData(input.initData, input.botToken, input.nowMs ?? Date.now());
  const found = await ensureUserByIdentity(ctx.em, {
    platform: 'telegram',
    externalId: String(user.id),
    displayName: [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username || String(user.id),
    username: user.username ?? null,
  });
  if (found.created && user.language_code?.startsWith('ru'))
    await ctx.em.execute("update users set locale = 'ru' where id = ?", [found.id]);
  return { sessionToken: await openSession(ctx, found.id, 'telegram', input.userAgent), userId: found.id };
}

interface TelegramWebAppUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** The Mini App's user, when `initData` carries a valid, fresh signature; SIGN_IN_REFUSED otherwise. */
export function verifyTelegramInitData(initData: string, botToken: string, nowMs: number): TelegramWebAppUser {
  const params = new URLSearchParams(initData);
  const hash = params.get('hash') ?? '';
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new AppError('SIGN_IN_REFUSED', 'the Mini App data carries no signature');
  const lines = [...params.entries()]
    .filter(([key]) => key !== 'hash')
    .map(([key, value]) => `${key}=${value}`)
    .sort();
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const expected = createHmac('sha256', secret).update(lines.join('\n')).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, 'hex')))
    throw new AppError('SIGN_IN_REFUSED', 'the Mini App data is not signed by this bot');
  const authDate = Number(params.get('auth_date'));
  if (!Number.isInteger(authDate) || nowMs / 1000 - authDate > TELEGRAM_INIT_DATA_MAX_AGE_SECONDS)
    throw new AppError('SIGN_IN_REFUSED', 'the Mini App data is too old: open the app again');
  let user: TelegramWebAppUser;
  try {
    user = JSON.parse(params.get('user') ?? '') as TelegramWebAppUser;
  } catch {
    throw new AppError('SIGN_IN_REFUSED', 'the Mini App data names no user');
  }
  if (!Number.isSafeInteger(user?.id)) throw new AppError('SIGN_IN_REFUSED', 'the Mini App data names no user');
  return user;
}

/** A Discord user who completed OAuth2 (lib/discord-oauth.ts made the exchange) gets a browser session. */
export async function signInWithDiscord(
  ctx: AppContext,
  input: { discordUser: { id: string; username: string; global_name?: string | null }; userAgent: string },
): Promise<{ sessionToken: string; userId: string }> {
  const found = await ensureUserByIdentity(ctx.em, {
    platform: 'discord',
    externalId: input.discordUser.id,
    displayName: input.discordUser.global_name || input.discordUser.username,
    username: input.discordUser.username,
  });
  return { sessionToken: await openSession(ctx, found.id, 'discord', input.userAgent), userId: found.id };
}

async function openSession(
  ctx: AppContext,
  userId: string,
  via: 'link' | 'telegram' | 'discord',
  userAgent: string,
): Promise<string> {
  const token = newToken();
  await ctx.em.execute(
    `insert into web_sessions (id, token_hash, user_id, via, user_agent, expires_at)
     values (?, ?, ?, ?, ?, now() + make_interval(days => ?))`,
    [uuidv7(), sha256('web-session', token), userId, via, userAgent.slice(0, 300), WEB_SESSION_DAYS],
  );
  return token;
}

/** The viewer behind a session cookie, or null (unknown, expired or signed out). Sliding: use extends it. */
export async function viewerOfSession(ctx: AppContext, token: string): Promise<Viewer | null> {
  if (!TOKEN.test(token)) return null;
  const rows = await ctx.prepared<{
    id: string;
    user_id: string;
    display_name: string;
    is_global_admin: boolean;
    locale: Locale;
    stale: boolean;
  }>(
    'web-session',
    `select s.id, s.user_id, u.display_name, u.is_global_admin, coalesce(u.locale_override, u.locale) as locale,
            s.last_seen_at < now() - interval '5 minutes' as stale
       from web_sessions s join users u on u.id = s.user_id
      where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()`,
    [sha256('web-session', token)],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.stale)
    void ctx.em
      .execute(
        `update web_sessions set last_seen_at = now(), expires_at = now() + make_interval(days => ?) where id = ?`,
        [WEB_SESSION_DAYS, row.id],
      )
      .catch(() => undefined);
  return {
    sessionId: row.id,
    userId: row.user_id,
    isGlobalAdmin: row.is_global_admin,
    displayName: row.display_name,
    locale: row.locale,
  };
}

export async function signOut(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.em.execute('update web_sessions set revoked_at = now() where id = ? and revoked_at is null', [sessionId]);
}

/** The CSRF token of a session: derived from its secret cookie, so a page from another site cannot know it. */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('power-realms:csrf').digest('base64url');
}

export function csrfMatches(sessionToken: string, sent: string): boolean {
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The web's language switch: the same choice as `/language` in the bots. */
export async function setViewerLocale(ctx: AppContext, actor: Actor, locale: Locale): Promise<void> {
  await ctx.em.execute('update users set locale_override = ? where id = ?', [locale, actor.userId]);
}
