import type { EntityManager } from '@mikro-orm/postgresql';

/** Machines a member may register: the base, +1 per 5 members they referred who are still active, + bought slots. */
export const BASE_MACHINE_LIMIT = 10;
export const PREMIUM_BASE_MACHINE_LIMIT = 25;
export const REFERRALS_PER_BONUS_SLOT = 5;

export interface MachineLimit {
  limit: number;
  base: number;
  referralBonus: number;
  activeReferrals: number;
  purchasedSlots: number;
  used: number;
}

/** Reads everything the limit depends on in one round trip. */
export async function machineLimit(em: EntityManager, poolId: string, userId: string): Promise<MachineLimit> {
  const rows = await em.execute<{ type: string; referrals: string; purchased: string | null; used: string }[]>(
    `select p.type,
            (select count(*) from pool_members m
              where m.pool_id = p.id and m.referred_by_user_id = ? and m.status = 'active') as referrals,
            (select sum(s.slots) from machine_slot_purchases s
              where s.pool_id = p.id and s.user_id = ? and s.status = 'completed') as purchased,
            (select count(*) from machines x where x.pool_id = p.id and x.user_id = ? and x.removed_at is null) as used
       from pools p where p.id = ?`,
    [userId, userId, userId, poolId],
  );
  const row = rows[0];
  const base = row?.type === 'premium' ? PREMIUM_BASE_MACHINE_LIMIT : BASE_MACHINE_LIMIT;
  const activeReferrals = Number(row?.referrals ?? 0);
  const referralBonus = Math.floor(activeReferrals / REFERRALS_PER_BONUS_SLOT);
  const purchasedSlots = Number(row?.purchased ?? 0);
  return {
    limit: base + referralBonus + purchasedSlots,
    base,
    referralBonus,
    activeReferrals,
    purchasedSlots,
    used: Number(row?.used ?? 0),
  };
}
