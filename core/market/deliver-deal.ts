import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { loadDeal, requireDealStatus, type Deal } from './deal-view.ts';

/**
 * The seller says the deal is delivered (the hours were provided, the item handed over). From now the buyer has the
 * pool's dispute window to confirm or dispute; after it the deal completes by itself.
 */
export async function deliverDeal(ctx: AppContext, actor: Actor, input: { dealId: string }): Promise<Deal> {
  const deal = await loadDeal(ctx.em, input.dealId);
  requirePoolRole(await loadPoolAccess(ctx.em, actor, deal.poolId), 'member');
  if (deal.sellerUserId !== actor.userId) throw new AppError('NOT_DEAL_PARTY', 'only the seller delivers');
  requireDealStatus(deal, ['reserved']);
  await markDelivered(ctx, deal);
  return loadDeal(ctx.em, deal.id);
}

async function markDelivered(ctx: AppContext, deal: Deal): Promise<void> {
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute<{ completes_at: Date }[]>(
      `update deals d set status = 'delivered', delivered_at = now(),
              completes_at = now() + make_interval(hours => p.dispute_window_hours)
         from pools p where d.id = ? and p.id = d.pool_id and d.status = 'reserved' returning d.completes_at`,
      [deal.id],
    );
    const row = rows[0];
    if (!row) throw new AppError('DEAL_WRONG_STATE', 'the deal changed meanwhile', { state: 'changed' });
    await recordEvent(em, {
      type: 'DealDelivered',
      poolId: deal.poolId,
      payload: {
        dealId: deal.id,
        title: deal.title,
        buyerUserId: deal.buyerUserId,
        sellerUserId: deal.sellerUserId,
        amountMicros: deal.totalMicros.toString(),
        completesAt: new Date(row.completes_at).toISOString(),
      },
    });
  });
}

/**
 * Private slot access delivers itself: the buyer becomes a member of the pool the offer opens (no password needed,
 * that is what they paid for). A person banned there cannot be let in; the deal stays reserved for the seller to
 * cancel.
 */
export async function deliverPrivateAccess(ctx: AppContext, dealId: string): Promise<void> {
  const deal = await loadDeal(ctx.em, dealId);
  if (deal.status !== 'reserved') return;
  const offers = await ctx.em.execute<{ target_pool_id: string }[]>('select target_pool_id from offers where id = ?', [
    deal.offerId,
  ]);
  const target = offers[0]?.target_pool_id;
  if (!target) return;
  const joined = await ctx.em.execute<{ status: string }[]>(
    `insert into pool_members (pool_id, user_id, role, status) values (?, ?, 'member', 'active')
     on conflict (pool_id, user_id) do update set status = 'active', status_changed_at = now()
       where pool_members.status = 'left'
     returning status`,
    [target, deal.buyerUserId],
  );
  const already = await ctx.em.execute(
    "select 1 from pool_members where pool_id = ? and user_id = ? and status = 'active'",
    [target, deal.buyerUserId],
  );
  if (joined.length === 0 && already.length === 0) return;
  if (joined.length > 0)
    await recordEvent(ctx.em, {
      type: 'MemberJoined',
      poolId: target,
      payload: { userId: deal.buyerUserId, via: 'deal' },
    });
  await markDelivered(ctx, deal);
}
