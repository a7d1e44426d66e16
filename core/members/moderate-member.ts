import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, outranks, requirePoolRole, type MemberStatus } from '../access/pool-access.ts';
import { lockTargetMember } from './target-member.ts';

export type ModerationAction = 'suspend' | 'unsuspend' | 'ban' | 'unban';

const NEXT: Record<ModerationAction, { from: MemberStatus[]; to: MemberStatus }> = {
  suspend: { from: ['active'], to: 'suspended' },
  unsuspend: { from: ['suspended'], to: 'active' },
  ban: { from: ['active', 'suspended', 'left'], to: 'banned' },
  // Unbanned people are out of the pool and may join again.
  unban: { from: ['banned'], to: 'left' },
};

/**
 * Officers and the owner moderate members: suspend (reads and leaving only), ban (out, cannot rejoin) and lift
 * either. Only someone of a higher role may act on a person — officers on members, the owner on officers too — and
 * nobody on the owner or on themselves. A banned officer loses the role. Balances are never touched.
 */
export async function moderateMember(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; userId: string; action: ModerationAction; reason?: string },
): Promise<{ userId: string; status: MemberStatus }> {
  const reason = input.reason?.trim() || null;
  if (reason !== null && reason.length > 500)
    throw new AppError('VALIDATION_FAILED', 'reason has at most 500 characters');
  if (input.userId === actor.userId) throw new AppError('ROLE_CHANGE_NOT_ALLOWED', 'you cannot moderate yourself');
  return ctx.em.transactional(async (em) => {
    const access = await loadPoolAccess(em, actor, input.poolId);
    const role = requirePoolRole(access, 'officer');
    const target = await lockTargetMember(em, input.poolId, input.userId);
    if (!outranks(role, target.role))
      throw new AppError('ROLE_CHANGE_NOT_ALLOWED', `a ${role} cannot moderate a ${target.role}`);
    const step = NEXT[input.action];
    if (!step.from.includes(target.status))
      throw new AppError('ROLE_CHANGE_NOT_ALLOWED', `cannot ${input.action} a member who is ${target.status}`);
    await em.execute(
      `update pool_members set status = ?, role = case when ? = 'banned' then 'member' else role end,
              status_changed_at = now(), status_reason = ?
        where pool_id = ? and user_id = ?`,
      [step.to, step.to, reason, input.poolId, input.userId],
    );
    await recordEvent(em, {
      type: 'MemberStatusChanged',
      poolId: input.poolId,
      payload: { userId: input.userId, status: step.to, previousStatus: target.status, byUserId: actor.userId, reason },
    });
    return { userId: input.userId, status: step.to };
  });
}
