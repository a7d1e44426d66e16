import { createHash, randomInt } from 'node:crypto';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import type { IdentityPlatform } from '../users/ensure-user.ts';

/** No 0/O or 1/I: codes are read off one screen and typed on another. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
const CODE_TTL_MINUTES = 10;

const hashCode = (code: string) => createHash('sha256').update(`power-realms:link:${code}`).digest('hex');

/** Normalises what a person typed: case, spaces and dashes do not matter. */
export const normaliseLinkCode = (typed: string): string => typed.toUpperCase().replace(/[\s-]/g, '');

/**
 * Issues a one-time code that links the caller's identities: shown on one platform (e.g. Discord), entered on the
 * other (Telegram) within 10 minutes. A new code replaces the caller's earlier unused ones; only a hash is stored.
 */
export async function createLinkCode(
  ctx: AppContext,
  actor: Actor,
  input: { issuedOn: IdentityPlatform },
): Promise<{ code: string; expiresAt: Date }> {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  const rows = await ctx.em.transactional(async (em) => {
    await em.execute(
      'update identity_link_codes set used_at = now() where user_id = ? and used_at is null and expires_at > now()',
      [actor.userId],
    );
    return em.execute<{ expires_at: Date }[]>(
      `insert into identity_link_codes (code_hash, user_id, issued_on, expires_at)
       values (?, ?, ?, now() + make_interval(mins => ?)) returning expires_at`,
      [hashCode(code), actor.userId, input.issuedOn, CODE_TTL_MINUTES],
    );
  });
  const expiresAt = rows[0]?.expires_at;
  if (!expiresAt) throw new Error('link code insert returned nothing');
  return { code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt: new Date(expiresAt) };
}

/**
 * The caller entered a code issued to another user: the caller's identities join that user, who is then one person
 * across platforms. Refused when the caller already has pools or money of their own (two histories cannot be
 * merged in an append-only ledger), when both have an identity on the same platform, and for the Global Admin's seat.
 * The caller's own access tokens are revoked: from now on they act as the linked user.
 */
export async function redeemLinkCode(
  ctx: AppContext,
  actor: Actor,
  input: { code: string },
): Promise<{ userId: string; linked: IdentityPlatform[] }> {
  const code = normaliseLinkCode(input.code);
  const limit = await ctx.limiters.linkCodePerUser.consume(actor.userId);
  if (!limit.allowed)
    throw new AppError('RATE_LIMITED', 'too many link attempts', {
      retryAfterSeconds: Math.ceil(limit.retryAfterMs / 1000),
    });
  if (code.length !== CODE_LENGTH || [...code].some((c) => !ALPHABET.includes(c)))
    throw new AppError('LINK_CODE_INVALID');
  return ctx.em.transactional(async (em) => {
    const found = await em.execute<{ user_id: string }[]>(
      `select user_id from identity_link_codes
        where code_hash = ? and used_at is null and expires_at > now() for update`,
      [hashCode(code)],
    );
    const target = found[0]?.user_id;
    if (!target) throw new AppError('LINK_CODE_INVALID');
    const identities = await em.execute<{ platform: IdentityPlatform; user_id: string }[]>(
      'select platform, user_id from user_identities where user_id in (?, ?) for update',
      [actor.userId, target],
    );
    const mine = identities.filter((i) => i.user_id === actor.userId).map((i) => i.platform);
    await em.execute('update identity_link_codes set used_at = now() where code_hash = ?', [hashCode(code)]);
    if (target === actor.userId) return { userId: target, linked: [] };
    const theirs = new Set(identities.filter((i) => i.user_id === target).map((i) => i.platform));
    const clash = mine.filter((platform) => theirs.has(platform));
    if (clash.length > 0)
      throw new AppError('IDENTITY_ALREADY_LINKED', 'both users already have an identity on the same platform', {
        platforms: clash,
      });
    const activity = await em.execute<{ memberships: string; accounts: string; admin: boolean }[]>(
      `select (select count(*) from pool_members where user_id = ?) as memberships,
              (select count(*) from ledger_accounts where user_id = ?) as accounts,
              (select is_global_admin from users where id = ?) as admin`,
      [actor.userId, actor.userId, actor.userId],
    );
    const row = activity[0];
    if (!row || Number(row.memberships) > 0 || Number(row.accounts) > 0 || row.admin)
      throw new AppError('IDENTITY_ALREADY_LINKED', 'this account already has pools or money of its own', {
        memberships: Number(row?.memberships ?? 0),
      });
    await em.execute('update user_identities set user_id = ?, linked_at = now() where user_id = ?', [
      target,
      actor.userId,
    ]);
    await em.execute('update personal_access_tokens set revoked_at = now() where user_id = ? and revoked_at is null', [
      actor.userId,
    ]);
    await recordEvent(em, {
      type: 'IdentityLinked',
      poolId: null,
      payload: { userId: target, mergedUserId: actor.userId, platforms: mine },
    });
    return { userId: target, linked: mine };
  });
}
