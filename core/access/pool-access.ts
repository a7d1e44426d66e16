import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../context.ts';
import { AppError } from '../errors.ts';

export type PoolRole = 'owner' | 'officer' | 'member';
export type MemberStatus = 'active' | 'left' | 'suspended' | 'banned';
export type PoolStatus = 'pending' | 'active' | 'suspended';

/** What a pool-level use case needs to know about the caller, read in one query. */
export interface PoolAccess {
  actor: Actor;
  pool: { id: string; name: string; type: 'public' | 'private' | 'premium'; currency: string; status: PoolStatus };
  /** The caller's membership, null when they never joined. */
  membership: { role: PoolRole; status: MemberStatus } | null;
}

const RANK: Record<PoolRole, number> = { member: 1, officer: 2, owner: 3 };

/**
 * Reads the pool and the caller's membership. `lock` takes the caller's membership row FOR UPDATE (inside a
 * transaction) so that a concurrent suspension or ownership change waits for this use case.
 */
export async function loadPoolAccess(
  em: EntityManager,
  actor: Actor,
  poolId: string,
  options: { lock?: boolean } = {},
): Promise<PoolAccess> {
  if (options.lock) {
    await em.execute('select 1 from pool_members where pool_id = ? and user_id = ? for update', [poolId, actor.userId]);
  }
  const rows = await em.execute<
    {
      id: string;
      name: string;
      type: PoolAccess['pool']['type'];
      currency: string;
      status: PoolStatus;
      role: PoolRole | null;
      member_status: MemberStatus | null;
    }[]
  >(
    `select p.id, p.name, p.type, p.currency, p.status, m.role, m.status as member_status
       from pools p left join pool_members m on m.pool_id = p.id and m.user_id = ?
      where p.id = ?`,
    [actor.userId, poolId],
  );
  const row = rows[0];
  if (!row || row.status === 'pending') throw new AppError('POOL_NOT_FOUND');
  return {
    actor,
    pool: { id: row.id, name: row.name, type: row.type, currency: row.currency, status: row.status },
    membership: row.role && row.member_status ? { role: row.role, status: row.member_status } : null,
  };
}

/**
 * The one place pool roles are checked. `minimum` is the least role the action needs; `write` actions are refused
 * while the pool is suspended. A Global Admin has no pool powers of their own: unless they are also a member, they get
 * the same answer as any outsider (they cannot move money inside a pool or approve its payouts).
 */
export function requirePoolRole(
  access: PoolAccess,
  minimum: PoolRole,
  options: { write: boolean } = { write: true },
): PoolRole {
  const membership = access.membership;
  if (!membership || membership.status === 'left') throw new AppError('NOT_A_MEMBER');
  if (membership.status === 'banned') throw new AppError('MEMBER_BANNED');
  if (options.write && access.pool.status === 'suspended') throw new AppError('POOL_SUSPENDED');
  if (options.write && membership.status === 'suspended') throw new AppError('MEMBER_SUSPENDED');
  if (RANK[membership.role] < RANK[minimum])
    throw new AppError(minimum === 'owner' ? 'NOT_POOL_OWNER' : 'NOT_AN_OFFICER');
  return membership.role;
}

/** True when the caller may read the pool's members-only views (ledger, members, settings). Suspended members may. */
export function canReadAsMember(access: PoolAccess): boolean {
  const status = access.membership?.status;
  return status === 'active' || status === 'suspended';
}

export function requireGlobalAdmin(actor: Actor): void {
  if (!actor.isGlobalAdmin) throw new AppError('NOT_GLOBAL_ADMIN');
}

export const outranks = (a: PoolRole, b: PoolRole): boolean => RANK[a] > RANK[b];
