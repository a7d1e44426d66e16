import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { voidHold } from '../ledger/void-hold.ts';
import { loadDeal, requireDealStatus, type Deal } from './deal-view.ts';

/**
 * Calls a deal off and gives the buyer everything back. The buyer may until the seller delivers; the seller may until
 * the deal completes (a refund); an officer or the owner may at any open step. The offer gets its stock back.
 */
export async function cancelDeal(ctx: AppContext, actor: Actor, input: { dealId: string }): Promise<Deal> {
  const deal = await loadDeal(ctx.em, input.dealId);
  const role = requirePoolRole(await loadPoolAccess(ctx.em, actor, deal.poolId), 'member');
  const officer = role !== 'member' && deal.buyerUserId !== actor.userId && deal.sellerUserId !== actor.userId;
  if (deal.sellerUserId === actor.userId || officer) requireDealStatus(deal, ['reserved', 'delivered']);
  else if (deal.buyerUserId === actor.userId) requireDealStatus(deal, ['reserved']);
  else throw new AppError('NOT_DEAL_PARTY');
  return endDeal(ctx, deal, 'cancelled', actor.userId);
}

/** Voids the deal's hold and closes it as cancelled (by someone) or expired (undelivered in time, by the job). */
export async function endDeal(
  ctx: AppContext,
  deal: Deal,
  status: 'cancelled' | 'expired',
  byUserId: string | null,
): Promise<Deal> {
  if (!deal.holdId) throw new Error(`deal ${deal.id} has no hold`);
  try {
    // One key and one memo for every way a deal is called off, so a cancel and an expiry racing void it once.
    await voidHold(ctx.ledger, {
      holdId: deal.holdId,
      idempotencyKey: `deal-cancel:${deal.id}`,
      memo: `deal ${deal.id}`,
    });
  } catch (error) {
    if (
      isAppError(error, 'HOLD_ALREADY_POSTED') ||
      isAppError(error, 'HOLD_ALREADY_VOIDED') ||
      isAppError(error, 'HOLD_EXPIRED')
    ) {
      const now = await loadDeal(ctx.em, deal.id);
      throw new AppError('DEAL_WRONG_STATE', `the deal is ${now.status}`, { state: now.status });
    }
    throw error;
  }
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update deals set status = ?, closed_at = now() where id = ? and status in ('reserved', 'delivered') returning id`,
      [status, deal.id],
    );
    if (rows.length === 0) return;
    await em.execute('update offers set quantity_left = quantity_left + ? where id = ? and quantity_left is not null', [
      deal.quantity,
      deal.offerId,
    ]);
    await recordEvent(em, {
      type: status === 'cancelled' ? 'DealCancelled' : 'DealExpired',
      poolId: deal.poolId,
      payload: {
        dealId: deal.id,
        title: deal.title,
        buyerUserId: deal.buyerUserId,
        sellerUserId: deal.sellerUserId,
        amountMicros: deal.totalMicros.toString(),
        byUserId,
      },
    });
  });
  return loadDeal(ctx.em, deal.id);
}
