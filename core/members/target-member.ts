import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { MemberStatus, PoolRole } from '../access/pool-access.ts';

/** Locks and reads another member's row for a role or status change; MEMBER_NOT_FOUND when they never joined. */
export async function lockTargetMember(
  em: EntityManager,
  poolId: string,
  userId: string,
): Promise<{ role: PoolRole; status: MemberStatus }> {
  const rows = await em.execute<{ role: PoolRole; status: MemberStatus }[]>(
    'select role, status from pool_members where pool_id = ? and user_id = ? for update',
    [poolId, userId],
  );
  const row = rows[0];
  if (!row) throw new AppError('MEMBER_NOT_FOUND');
  return row;
}

/** Owner and officers who can approve withdrawals right now. */
export async function countApprovers(em: EntityManager, poolId: string): Promise<number> {
  const rows = await em.execute<{ count: string }[]>(
    `select count(*) from pool_members where pool_id = ? and role in ('owner', 'officer') and status = 'active'`,
    [poolId],
  );
  return Number(rows[0]?.count ?? 0);
}
