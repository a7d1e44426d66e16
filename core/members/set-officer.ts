import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole, type PoolRole } from '../access/pool-access.ts';
import { countApprovers, lockTargetMember } from './target-member.ts';

/**
 * The owner appoints an active member as officer (`officer: true`) or returns an officer to member. Appointing an
 * officer twice is a no-op. Removing an officer who is needed for the withdrawal quorum is refused: lower it first.
 */
export async function setOfficer(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; userId: string; officer: boolean },
): Promise<{ userId: string; role: PoolRole; changed: boolean }> {
  return ctx.em.transactional(async (em) => {
    const access = await loadPoolAccess(em, actor, input.poolId);
    requirePoolRole(access, 'owner');
    const target = await lockTargetMember(em, input.poolId, input.userId);
    if (target.role === 'owner') throw new AppError('ROLE_CHANGE_NOT_ALLOWED', 'the owner is not an officer');
    if (target.status !== 'active')
      throw new AppError(target.status === 'suspended' ? 'MEMBER_SUSPENDED' : 'MEMBER_NOT_FOUND');
    const role: PoolRole = input.officer ? 'officer' : 'member';
    if (target.role === role) return { userId: input.userId, role, changed: false };
    if (!input.officer) {
      const quorum = await em.execute<{ withdrawal_quorum: number }[]>(
        'select withdrawal_quorum from pools where id = ?',
        [input.poolId],
      );
      const needed = quorum[0]?.withdrawal_quorum ?? 1;
      if ((await countApprovers(em, input.poolId)) - 1 < needed)
        throw new AppError(
          'ROLE_CHANGE_NOT_ALLOWED',
          `the withdrawal quorum of ${needed} needs this officer; lower it first`,
          {
            withdrawalQuorum: needed,
          },
        );
    }
    await em.execute('update pool_members set role = ? where pool_id = ? and user_id = ?', [
      role,
      input.poolId,
      input.userId,
    ]);
    await recordEvent(em, {
      type: 'MemberRoleChanged',
      poolId: input.poolId,
      payload: { userId: input.userId, role, previousRole: target.role, byUserId: actor.userId },
    });
    return { userId: input.userId, role, changed: true };
  });
}
