import type { Actor, PreparedQuery } from '../context.ts';
import { AppError } from '../errors.ts';
import type { MemberStatus, PoolAccess, PoolRole, PoolStatus } from '../access/pool-access.ts';

export interface PartyRow {
  pool_status: PoolStatus;
  currency: string;
  hold_timeout_seconds: number;
  user_id: string | null;
  role: PoolRole | null;
  status: MemberStatus | null;
  account_id: string | null;
}

/**
 * In one round trip: the pool, and for each of `userIds` their membership and member account. The hot path of holds
 * reads nothing else before the ledger.
 */
export async function loadParties(
  prepared: PreparedQuery,
  poolId: string,
  userIds: string[],
): Promise<{ pool: PartyRow; members: Map<string, PartyRow> }> {
  const rows = await prepared<PartyRow>(
    'hold-parties',
    `select p.status as pool_status, p.currency, p.hold_timeout_seconds, m.user_id, m.role, m.status, a.id as account_id
       from pools p
       left join pool_members m on m.pool_id = p.id and m.user_id = any($1::uuid[])
       left join ledger_accounts a on a.pool_id = p.id and a.kind = 'member' and a.user_id = m.user_id
      where p.id = $2 and p.status <> 'pending'`,
    [`{${userIds.join(',')}}`, poolId],
  );
  const pool = rows[0];
  if (!pool) throw new AppError('POOL_NOT_FOUND');
  return { pool, members: new Map(rows.filter((r) => r.user_id !== null).map((r) => [r.user_id as string, r])) };
}

/** The same row seen as the access record that requirePoolRole checks. */
export function accessOf(actor: Actor, poolId: string, pool: PartyRow, row: PartyRow | undefined): PoolAccess {
  return {
    actor,
    pool: { id: poolId, name: '', type: 'public', currency: pool.currency, status: pool.pool_status },
    membership: row?.role && row.status ? { role: row.role, status: row.status } : null,
  };
}
