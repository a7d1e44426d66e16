import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { canReadAsMember, loadPoolAccess, type MemberStatus, type PoolRole } from '../access/pool-access.ts';

export interface MemberView {
  userId: string;
  displayName: string;
  role: PoolRole;
  status: MemberStatus;
  joinedAt: Date;
  /** Platforms whose chat (bound to this pool) the member has left while staying a member. */
  leftChats: ('discord' | 'telegram')[];
}

/**
 * A pool's members for its members, by user id; `afterUserId` continues a page. Officers and the owner also see who
 * left, is suspended or banned; members see the active and suspended ones.
 */
export async function listMembers(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; afterUserId?: string; limit: number },
): Promise<MemberView[]> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  if (!canReadAsMember(access))
    throw new AppError(access.membership?.status === 'banned' ? 'MEMBER_BANNED' : 'NOT_A_MEMBER');
  const moderator = access.membership?.role === 'owner' || access.membership?.role === 'officer';
  const rows = await ctx.em.execute<
    {
      user_id: string;
      display_name: string;
      role: PoolRole;
      status: MemberStatus;
      joined_at: Date;
      left_chats: ('discord' | 'telegram')[];
    }[]
  >(
    `select m.user_id, u.display_name, m.role, m.status, m.joined_at, m.left_chats
       from pool_members m join users u on u.id = m.user_id
      where m.pool_id = ? and m.user_id > ? ${moderator ? '' : `and m.status in ('active', 'suspended')`}
      order by m.user_id limit ?`,
    [input.poolId, input.afterUserId ?? '00000000-0000-0000-0000-000000000000', input.limit],
  );
  return rows.map((row) => ({
    userId: row.user_id,
    displayName: row.display_name,
    role: row.role,
    status: row.status,
    joinedAt: new Date(row.joined_at),
    leftChats: row.left_chats,
  }));
}
