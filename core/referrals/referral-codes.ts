import { randomInt } from 'node:crypto';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';

/** Unambiguous when read aloud or copied from a screenshot: no 0/O, no 1/I. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const MAX_LIVE_CODES = 20;

export interface ReferralCodeView {
  code: string;
  link: string;
  createdAt: Date;
  revoked: boolean;
}

const linkFor = (publicUrl: string, poolId: string, code: string) =>
  `${publicUrl.replace(/\/$/, '')}/join/${poolId}?ref=${code}`;

/** A member makes a code (and link) to invite friends; at most 20 live codes each. */
export async function createReferralCode(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; publicUrl: string },
): Promise<ReferralCodeView> {
  return ctx.em.transactional(async (em) => {
    const access = await loadPoolAccess(em, actor, input.poolId, { lock: true });
    requirePoolRole(access, 'member');
    const live = await em.execute<{ n: string }[]>(
      'select count(*) as n from referral_codes where pool_id = ? and user_id = ? and revoked_at is null',
      [input.poolId, actor.userId],
    );
    if (Number(live[0]?.n ?? 0) >= MAX_LIVE_CODES)
      throw new AppError('VALIDATION_FAILED', `you have ${MAX_LIVE_CODES} live codes; revoke one first`);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      let code = '';
      for (let i = 0; i < 8; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
      const rows = await em.execute<{ created_at: Date }[]>(
        `insert into referral_codes (code, pool_id, user_id) values (?, ?, ?) on conflict (code) do nothing
         returning created_at`,
        [code, input.poolId, actor.userId],
      );
      const row = rows[0];
      if (row)
        return {
          code,
          link: linkFor(input.publicUrl, input.poolId, code),
          createdAt: new Date(row.created_at),
          revoked: false,
        };
    }
    throw new Error('five referral code collisions in a row');
  });
}

/**
 * The caller's codes in a pool, and how many people joined through any of them and are still active (memberships
 * record who referred them, which is what the machine-limit bonus counts).
 */
export async function listReferralCodes(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; publicUrl: string },
): Promise<{ codes: ReferralCodeView[]; joined: number; stillActive: number }> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  requirePoolRole(access, 'member', { write: false });
  const [codes, totals] = await Promise.all([
    ctx.em.execute<{ code: string; created_at: Date; revoked_at: Date | null }[]>(
      'select code, created_at, revoked_at from referral_codes where pool_id = ? and user_id = ? order by created_at desc',
      [input.poolId, actor.userId],
    ),
    ctx.em.execute<{ joined: string; active: string }[]>(
      `select count(*) as joined, count(*) filter (where status = 'active') as active
         from pool_members where pool_id = ? and referred_by_user_id = ?`,
      [input.poolId, actor.userId],
    ),
  ]);
  return {
    codes: codes.map((row) => ({
      code: row.code,
      link: linkFor(input.publicUrl, input.poolId, row.code),
      createdAt: new Date(row.created_at),
      revoked: row.revoked_at !== null,
    })),
    joined: Number(totals[0]?.joined ?? 0),
    stillActive: Number(totals[0]?.active ?? 0),
  };
}

/** Revokes a code: its owner may, and so may the pool's officers and owner. People who joined with it stay. */
export async function revokeReferralCode(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; code: string },
): Promise<{ code: string }> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  const role = requirePoolRole(access, 'member');
  const rows = await ctx.em.execute<{ user_id: string }[]>(
    'select user_id from referral_codes where code = ? and pool_id = ? and revoked_at is null',
    [input.code.toUpperCase(), input.poolId],
  );
  const found = rows[0];
  if (!found) throw new AppError('REFERRAL_CODE_INVALID');
  if (found.user_id !== actor.userId && role === 'member') throw new AppError('NOT_AN_OFFICER');
  await ctx.em.execute('update referral_codes set revoked_at = now() where code = ?', [input.code.toUpperCase()]);
  return { code: input.code.toUpperCase() };
}
