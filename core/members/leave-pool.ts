import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess } from '../access/pool-access.ts';

/**
 * Leaves a pool. The balance stays on the ledger (the member can see it and rejoin to use it); an officer's role ends.
 * The owner must hand the pool over first. Suspended members may leave; banned ones are already out.
 */
export async function leavePool(ctx: AppContext, actor: Actor, input: { poolId: string }): Promise<{ poolId: string }> {
  return ctx.em.transactional(async (em) => {
    const access = await loadPoolAccess(em, actor, input.poolId, { lock: true });
    const membership = access.membership;
    if (!membership || membership.status === 'left') throw new AppError('NOT_A_MEMBER');
    if (membership.status === 'banned') throw new AppError('MEMBER_BANNED');
    if (membership.role === 'owner') throw new AppError('OWNER_CANNOT_LEAVE');
    await em.execute(
      `update pool_members set status = 'left', role = 'member', status_changed_at = now(), status_reason = null
        where pool_id = ? and user_id = ?`,
      [input.poolId, actor.userId],
    );
    await recordEvent(em, {
      type: 'MemberLeft',
      poolId: input.poolId,
      payload: { userId: actor.userId, previousRole: membership.role },
    });
    return { poolId: input.poolId };
  });
}
