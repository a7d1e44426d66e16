import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { listWithdrawalRows, loadWithdrawal, type Withdrawal } from './withdrawal-view.ts';

/**
 * A pool's withdrawals, newest first: a member sees their own; officers and the owner see everyone's (they approve
 * and pay them). `open` keeps the ones still waiting for approval or payment.
 */
export async function listWithdrawals(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; open?: boolean; beforeId?: string; limit: number },
): Promise<Withdrawal[]> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  if (!access.membership) throw new AppError('NOT_A_MEMBER');
  const everyone = access.membership.role !== 'member' && access.membership.status === 'active';
  return listWithdrawalRows(
    ctx.em,
    `w.pool_id = ? and (?::boolean or w.user_id = ?) and w.status <> 'failed'
       and (?::boolean is not true or w.status in ('requesting', 'requested', 'confirmed'))
       and (?::uuid is null or w.id < ?::uuid) order by w.id desc limit ?`,
    [
      input.poolId,
      everyone,
      actor.userId,
      input.open ?? false,
      input.beforeId ?? null,
      input.beforeId ?? null,
      input.limit,
    ],
  );
}

/** One withdrawal, for the member who asked and for the pool's officers and owner. */
export async function getWithdrawal(
  ctx: AppContext,
  actor: Actor,
  input: { withdrawalId: string },
): Promise<Withdrawal> {
  const withdrawal = await loadWithdrawal(ctx.em, input.withdrawalId);
  if (withdrawal.userId !== actor.userId)
    requirePoolRole(await loadPoolAccess(ctx.em, actor, withdrawal.poolId), 'officer', { write: false });
  return withdrawal;
}
