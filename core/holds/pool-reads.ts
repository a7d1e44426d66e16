import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { canReadAsMember, loadPoolAccess } from '../access/pool-access.ts';
import { balanceOf, type Balance, type Transfer } from '../ledger/types.ts';
import { verifyLedger, type VerifyReport } from '../ledger/verify-ledger.ts';

/**
 * The caller's balance in a pool. Anyone who ever joined may look, including after leaving or being banned: the
 * money is still theirs.
 */
export async function getBalance(ctx: AppContext, actor: Actor, input: { poolId: string }): Promise<Balance> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  if (!access.membership) throw new AppError('NOT_A_MEMBER');
  const account = await ctx.ledger.store.findAccount({
    poolId: input.poolId,
    currency: access.pool.currency,
    kind: 'member',
    userId: actor.userId,
  });
  return account ? balanceOf(account) : { postedMicros: 0n, pendingMicros: 0n, availableMicros: 0n };
}

async function requireReader(ctx: AppContext, actor: Actor, poolId: string): Promise<void> {
  const access = await loadPoolAccess(ctx.em, actor, poolId);
  if (!canReadAsMember(access))
    throw new AppError(access.membership?.status === 'banned' ? 'MEMBER_BANNED' : 'NOT_A_MEMBER');
}

/** The pool's transfers, newest first, for its members (the ledger is transparent inside the pool). */
export async function listPoolLedger(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; beforeId?: string; limit: number },
): Promise<Transfer[]> {
  await requireReader(ctx, actor, input.poolId);
  return ctx.ledger.store.listTransfers(input.poolId, { beforeId: input.beforeId, limit: input.limit });
}

/** Recomputes the pool's balances and walks its hash chains against the checkpoints, for any member. */
export async function verifyPoolLedger(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string },
): Promise<VerifyReport> {
  await requireReader(ctx, actor, input.poolId);
  return verifyLedger(ctx.ledger, { poolId: input.poolId });
}
