import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { lockTargetMember } from './target-member.ts';

/** The owner hands the pool to an active member; the previous owner stays on as an officer. */
export async function transferOwnership(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; toUserId: string },
): Promise<{ poolId: string; ownerUserId: string; previousOwnerUserId: string }> {
  if (input.toUserId === actor.userId) throw new AppError('ROLE_CHANGE_NOT_ALLOWED', 'you already own this pool');
  return ctx.em.transactional(async (em) => {
    // Both rows locked in user-id order, so two concurrent hand-overs cannot deadlock.
    const [first, second] = [actor.userId, input.toUserId].sort();
    await em.execute('select 1 from pool_members where pool_id = ? and user_id in (?, ?) order by user_id for update', [
      input.poolId,
      first,
      second,
    ]);
    const access = await loadPoolAccess(em, actor, input.poolId);
    requirePoolRole(access, 'owner');
    const target = await lockTargetMember(em, input.poolId, input.toUserId);
    if (target.status !== 'active')
      throw new AppError(target.status === 'suspended' ? 'MEMBER_SUSPENDED' : 'MEMBER_NOT_FOUND');
    // The one-owner index is checked per statement: step the old owner down first.
    await em.execute(`update pool_members set role = 'officer' where pool_id = ? and user_id = ?`, [
      input.poolId,
      actor.userId,
    ]);
    await em.execute(`update pool_members set role = 'owner' where pool_id = ? and user_id = ?`, [
      input.poolId,
      input.toUserId,
    ]);
    await em.execute('update pools set owner_user_id = ?, updated_at = now() where id = ?', [
      input.toUserId,
      input.poolId,
    ]);
    await recordEvent(em, {
      type: 'PoolOwnershipTransferred',
      poolId: input.poolId,
      payload: { fromUserId: actor.userId, toUserId: input.toUserId, userId: input.toUserId },
    });
    return { poolId: input.poolId, ownerUserId: input.toUserId, previousOwnerUserId: actor.userId };
  });
}
