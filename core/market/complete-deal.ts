import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { platformAccounts } from '../ledger/context.ts';
import type { TransferInput } from '../ledger/types.ts';
import { detectWashTrading } from '../fraud/detect-wash-trading.ts';
import { loadDeal, requireDealStatus, type Deal } from './deal-view.ts';

/** The buyer confirms the deal went well: the seller is paid at once instead of after the dispute window. */
export async function confirmDeal(ctx: AppContext, actor: Actor, input: { dealId: string }): Promise<Deal> {
  const deal = await loadDeal(ctx.em, input.dealId);
  requirePoolRole(await loadPoolAccess(ctx.em, actor, deal.poolId), 'member');
  if (deal.buyerUserId !== actor.userId) throw new AppError('NOT_DEAL_PARTY', 'only the buyer confirms');
  return completeDeal(ctx, deal);
}

/**
 * Settles a deal as one linked chain: the hold is posted to the seller with the platform fee taken out of it, and the
 * pool's cut goes from the seller to the pool treasury. The chain's key is the deal's, so the buyer's confirmation
 * and the automatic completion settle it once between them; a dispute that froze the money first wins.
 */
export async function completeDeal(ctx: AppContext, deal: Deal): Promise<Deal> {
  requireDealStatus(deal, ['reserved', 'delivered']);
  if (!deal.holdId) throw new Error(`deal ${deal.id} has no hold`);
  const pool = await loadPoolAccess(ctx.em, { userId: deal.sellerUserId, isGlobalAdmin: false }, deal.poolId);
  const currency = pool.pool.currency;
  const [seller, treasury, platform] = await Promise.all([
    ctx.ledger.store.openAccount({ poolId: deal.poolId, currency, kind: 'member', userId: deal.sellerUserId }),
    ctx.ledger.store.openAccount({ poolId: deal.poolId, currency, kind: 'treasury', userId: null }),
    platformAccounts(ctx.ledger, currency),
  ]);
  const transfers: TransferInput[] = [
    {
      type: 'post',
      holdId: deal.holdId,
      amountMicros: deal.totalMicros,
      ...(deal.feeMicros > 0n ? { fee: { accountId: platform.fee.id, amountMicros: deal.feeMicros } } : {}),
      memo: `deal ${deal.id}`,
    },
  ];
  if (deal.ownerCutMicros > 0n)
    transfers.push({
      type: 'transfer',
      debitAccountId: seller.id,
      creditAccountId: treasury.id,
      amountMicros: deal.ownerCutMicros,
      code: 'deal_pool_cut',
      memo: `deal ${deal.id}`,
    });
  let transferIds: string[];
  try {
    const result = await ctx.ledger.engine.submit({
      poolId: deal.poolId,
      idempotencyKey: `deal-complete:${deal.id}`,
      transfers,
    });
    transferIds = result.transfers.map((t) => t.id);
  } catch (error) {
    // The money moved another way first (a dispute froze it, the hold expired): say what the deal is now.
    if (isAppError(error, 'HOLD_ALREADY_VOIDED') || isAppError(error, 'HOLD_EXPIRED')) {
      const now = await loadDeal(ctx.em, deal.id);
      throw new AppError('DEAL_WRONG_STATE', `the deal is ${now.status}`, { state: now.status });
    }
    throw error;
  }
  const netMicros = deal.totalMicros - deal.feeMicros - deal.ownerCutMicros;
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update deals set status = 'completed', closed_at = now(), settlement_transfer_ids = ?::uuid[]
        where id = ? and status in ('reserved', 'delivered') returning id`,
      [`{${transferIds.join(',')}}`, deal.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: 'DealCompleted',
        poolId: deal.poolId,
        payload: {
          dealId: deal.id,
          title: deal.title,
          buyerUserId: deal.buyerUserId,
          sellerUserId: deal.sellerUserId,
          amountMicros: deal.totalMicros.toString(),
          netMicros: netMicros.toString(),
          feeMicros: deal.feeMicros.toString(),
          poolCutMicros: deal.ownerCutMicros.toString(),
        },
      });
  });
  await detectWashTrading(ctx, deal);
  return loadDeal(ctx.em, deal.id);
}
