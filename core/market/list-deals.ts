import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { canReadAsMember, loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { DEAL_SELECT, dealFromRow, loadDeal, type Deal } from './deal-view.ts';

/** The caller's deals in a pool (as buyer or seller), newest first; `open` keeps the ones still in progress. */
export async function listMyDeals(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; open?: boolean; beforeId?: string; limit: number },
): Promise<Deal[]> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  if (!canReadAsMember(access) && !access.membership) throw new AppError('NOT_A_MEMBER');
  const rows = await ctx.em.execute<Parameters<typeof dealFromRow>[0][]>(
    `${DEAL_SELECT} where d.pool_id = ? and (d.buyer_user_id = ? or d.seller_user_id = ?)
        and (?::boolean is not true or d.status in ('reserving', 'reserved', 'delivered', 'disputed'))
        and (?::uuid is null or d.id < ?::uuid)
      order by d.id desc limit ?`,
    [
      input.poolId,
      actor.userId,
      actor.userId,
      input.open ?? false,
      input.beforeId ?? null,
      input.beforeId ?? null,
      input.limit,
    ],
  );
  return rows.map(dealFromRow);
}

/** One deal, for its buyer and seller, and for the pool's officers and owner. */
export async function getDeal(ctx: AppContext, actor: Actor, input: { dealId: string }): Promise<Deal> {
  const deal = await loadDeal(ctx.em, input.dealId);
  if (deal.buyerUserId === actor.userId || deal.sellerUserId === actor.userId) return deal;
  requirePoolRole(await loadPoolAccess(ctx.em, actor, deal.poolId), 'officer', { write: false });
  return deal;
}
