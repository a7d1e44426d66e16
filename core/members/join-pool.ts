import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, type PoolRole } from '../access/pool-access.ts';
import { verifyPoolPassword } from '../pools/password.ts';

export interface JoinPoolInput {
  poolId: string;
  password?: string;
  referralCode?: string;
}

/**
 * Joins a pool (or rejoins one the caller left). A pool with a password needs it; wrong guesses are limited per user
 * and per pool, and a blocked caller is refused before the password is even checked, so guessing cannot continue
 * behind the limit. A referral code credits the member who shared it. Banned people cannot rejoin.
 */
export async function joinPool(
  ctx: AppContext,
  actor: Actor,
  input: JoinPoolInput,
): Promise<{ poolId: string; role: PoolRole; rejoined: boolean; referredByUserId: string | null }> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  if (access.pool.status === 'suspended') throw new AppError('POOL_SUSPENDED');
  const status = access.membership?.status;
  if (status === 'banned') throw new AppError('MEMBER_BANNED');
  if (status === 'active' || status === 'suspended') throw new AppError('ALREADY_A_MEMBER');

  const secret = await ctx.em.execute<{ password_hash: string | null }[]>(
    'select password_hash from pools where id = ?',
    [input.poolId],
  );
  const passwordHash = secret[0]?.password_hash ?? null;
  if (passwordHash !== null) await checkPassword(ctx, actor, input.poolId, passwordHash, input.password);

  const referredByUserId = input.referralCode
    ? await resolveReferral(ctx, actor, input.poolId, input.referralCode)
    : null;
  const result = await ctx.em.transactional(async (em) => {
    const rows = await em.execute<{ inserted: boolean }[]>(
      `insert into pool_members (pool_id, user_id, role, status, referred_by_user_id) values (?, ?, 'member', 'active', ?)
       on conflict (pool_id, user_id) do update
         set status = 'active', role = 'member', status_changed_at = now(), status_reason = null,
             referred_by_user_id = coalesce(pool_members.referred_by_user_id, excluded.referred_by_user_id)
       where pool_members.status = 'left'
       returning (xmax = 0) as inserted`,
      [input.poolId, actor.userId, referredByUserId],
    );
    const row = rows[0];
    if (!row) throw new AppError('ALREADY_A_MEMBER'); // a concurrent join won, or a ban arrived in between
    await recordEvent(em, {
      type: 'MemberJoined',
      poolId: input.poolId,
      payload: { userId: actor.userId, role: 'member', rejoined: !row.inserted, referredByUserId },
    });
    return { rejoined: !row.inserted };
  });
  await ctx.ledger.store.openAccount({
    poolId: input.poolId,
    currency: access.pool.currency,
    kind: 'member',
    userId: actor.userId,
  });
  return { poolId: input.poolId, role: 'member', rejoined: result.rejoined, referredByUserId };
}

async function checkPassword(
  ctx: AppContext,
  actor: Actor,
  poolId: string,
  passwordHash: string,
  password: string | undefined,
): Promise<void> {
  const userKey = actor.userId;
  const poolKey = poolId;
  const waitMs = Math.max(
    await ctx.limiters.passwordPerUser.blockedForMs(userKey),
    await ctx.limiters.passwordPerPool.blockedForMs(poolKey),
  );
  if (waitMs > 0)
    throw new AppError('RATE_LIMITED', 'too many wrong passwords; wait before trying again', {
      retryAfterSeconds: Math.ceil(waitMs / 1000),
    });
  if (password !== undefined && (await verifyPoolPassword(password, passwordHash))) {
    await ctx.limiters.passwordPerUser.reset(userKey);
    return;
  }
  const [perUser, perPool] = await Promise.all([
    ctx.limiters.passwordPerUser.consume(userKey),
    ctx.limiters.passwordPerPool.consume(poolKey),
  ]);
  const retryAfterMs = Math.max(perUser.allowed ? 0 : perUser.retryAfterMs, perPool.allowed ? 0 : perPool.retryAfterMs);
  throw new AppError('WRONG_POOL_PASSWORD', password === undefined ? 'this pool needs a password' : 'wrong password', {
    ...(retryAfterMs > 0 ? { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : {}),
  });
}

async function resolveReferral(ctx: AppContext, actor: Actor, poolId: string, code: string): Promise<string> {
  const rows = await ctx.em.execute<{ user_id: string }[]>(
    `select r.user_id from referral_codes r
       join pool_members m on m.pool_id = r.pool_id and m.user_id = r.user_id and m.status in ('active', 'suspended')
      where r.code = ? and r.pool_id = ? and r.revoked_at is null`,
    [code.trim().toUpperCase(), poolId],
  );
  const referrer = rows[0]?.user_id;
  if (!referrer || referrer === actor.userId) throw new AppError('REFERRAL_CODE_INVALID');
  return referrer;
}
