import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';

/**
 * A person's standing in one pool, from their history there. Both scores run 0–100 and start at 50 with no history
 * (a Laplace estimate: one imagined good and one imagined bad outcome), so a newcomer is neither trusted nor barred.
 *
 * - rating (as a seller / node): completed sales and GameBoost sessions that met the SLA are good; a dispute lost as
 *   the seller counts 3 bad, a partial refund 1.5; a session with an SLA refund, or whose agent was lost, 1 bad.
 * - reliability (as a member): completed purchases are good; a dispute the member opened and lost counts 3 bad, a
 *   rejected withdrawal 2, a confirmed fraud flag 10.
 */
export interface Standing {
  rating: number;
  reliability: number;
  completedSales: number;
  disputesLostAsSeller: number;
  completedPurchases: number;
  disputesLostAsBuyer: number;
  rejectedWithdrawals: number;
  confirmedFraudFlags: number;
}

const score = (good: number, bad: number): number => Math.round((100 * (good + 1)) / (good + bad + 2));

export async function standingOf(em: EntityManager, poolId: string, userId: string): Promise<Standing> {
  const rows = await em.execute<
    {
      sales: string;
      lost_full: string;
      lost_partial: string;
      purchases: string;
      lost_as_buyer: string;
      rejected: string;
      flags: string;
      sessions_ok: string;
      sessions_bad: string;
    }[]
  >(
    `select
       (select count(*) from deals where pool_id = ? and seller_user_id = ? and status = 'completed') as sales,
       (select count(*) from disputes d join deals x on x.id = d.deal_id
         where x.pool_id = ? and x.seller_user_id = ? and d.outcome = 'refund_full') as lost_full,
       (select count(*) from disputes d join deals x on x.id = d.deal_id
         where x.pool_id = ? and x.seller_user_id = ? and d.outcome = 'refund_partial') as lost_partial,
       (select count(*) from deals where pool_id = ? and buyer_user_id = ? and status = 'completed') as purchases,
       (select count(*) from disputes d join deals x on x.id = d.deal_id
         where x.pool_id = ? and x.buyer_user_id = ? and d.opened_by = ? and d.outcome = 'payout') as lost_as_buyer,
       (select count(*) from withdrawals where pool_id = ? and user_id = ? and status = 'rejected') as rejected,
       (select count(*) from fraud_flags where pool_id = ? and status = 'confirmed' and ? = any(user_ids)) as flags,
       (select count(*) from gameboost_sessions where pool_id = ? and seller_user_id = ? and status = 'ended'
          and charged_micros > 0 and sla_refund_micros = 0) as sessions_ok,
       (select count(*) from gameboost_sessions where pool_id = ? and seller_user_id = ? and status = 'ended'
          and (sla_refund_micros > 0 or end_reason = 'agent_lost')) as sessions_bad`,
    // Pool and user for each subquery, in order (the buyer-dispute one names the user twice).
    [
      poolId,
      userId,
      poolId,
      userId,
      poolId,
      userId,
      poolId,
      userId,
      poolId,
      userId,
      userId,
      poolId,
      userId,
      poolId,
      userId,
      poolId,
      userId,
      poolId,
      userId,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('standingOf: no row');
  const n = (value: string) => Number(value);
  const lostAsSeller = n(row.lost_full) * 3 + n(row.lost_partial) * 1.5 + n(row.sessions_bad);
  const buyerBad = n(row.lost_as_buyer) * 3 + n(row.rejected) * 2 + n(row.flags) * 10;
  return {
    rating: score(n(row.sales) + n(row.sessions_ok), lostAsSeller),
    reliability: score(n(row.purchases), buyerBad),
    completedSales: n(row.sales),
    disputesLostAsSeller: n(row.lost_full) + n(row.lost_partial),
    completedPurchases: n(row.purchases),
    disputesLostAsBuyer: n(row.lost_as_buyer),
    rejectedWithdrawals: n(row.rejected),
    confirmedFraudFlags: n(row.flags),
  };
}

export type Restricted = 'list' | 'buy' | 'payout';

/**
 * Refuses `action` when the pool's rules bar the person at their current standing: listing needs
 * `min_seller_rating`, buying and renting `min_buyer_reliability`, payouts `min_payout_reliability`.
 */
export async function requireStanding(
  em: EntityManager,
  poolId: string,
  userId: string,
  action: Restricted,
): Promise<void> {
  const rules = await em.execute<
    { min_seller_rating: number; min_buyer_reliability: number; min_payout_reliability: number }[]
  >('select min_seller_rating, min_buyer_reliability, min_payout_reliability from pools where id = ?', [poolId]);
  const rule = rules[0];
  if (!rule) throw new AppError('POOL_NOT_FOUND');
  const minimum =
    action === 'list'
      ? rule.min_seller_rating
      : action === 'buy'
        ? rule.min_buyer_reliability
        : rule.min_payout_reliability;
  if (minimum === 0) return;
  const standing = await standingOf(em, poolId, userId);
  const value = action === 'list' ? standing.rating : standing.reliability;
  if (value < minimum)
    throw new AppError('RESTRICTED_BY_REPUTATION', `${action} needs ${minimum}, you have ${value}`, {
      action,
      minimum,
      score: value,
    });
}
