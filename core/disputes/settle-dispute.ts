import type { AppContext } from '../context.ts';
import { recordEvent } from '../events/record-event.ts';
import { platformAccounts } from '../ledger/context.ts';
import type { TransferInput } from '../ledger/types.ts';
import { loadDeal } from '../market/deal-view.ts';
import { loadDispute } from './dispute-view.ts';

/**
 * Posts a resolved dispute's settlement from the pool's escrow as one linked chain: the refund to the buyer, and the
 * rest to the seller less the platform fee and the pool's cut (both in proportion to what the seller gets, rounded
 * down, so a full refund charges no fee). Idempotent on the dispute; the disputes job retries ones a crash left
 * resolved.
 */
export async function settleDispute(ctx: AppContext, disputeId: string): Promise<void> {
  const dispute = await loadDispute(ctx.em, disputeId);
  if (dispute.status !== 'resolved' || dispute.refundMicros === null) return;
  const deal = await loadDeal(ctx.em, dispute.dealId);
  const total = deal.totalMicros;
  const refund = dispute.refundMicros;
  const sellerGross = total - refund;
  const fee = (deal.feeMicros * sellerGross) / total;
  const cut = (deal.ownerCutMicros * sellerGross) / total;
  const net = sellerGross - fee - cut;
  const currencies = await ctx.em.execute<{ currency: string }[]>('select currency from pools where id = ?', [
    deal.poolId,
  ]);
  const currency = currencies[0]?.currency as string;
  const open = (kind: 'member' | 'escrow' | 'treasury', userId: string | null) =>
    ctx.ledger.store.openAccount({ poolId: deal.poolId, currency, kind, userId });
  const [escrow, buyer, seller, treasury, platform] = await Promise.all([
    open('escrow', null),
    open('member', deal.buyerUserId),
    open('member', deal.sellerUserId),
    open('treasury', null),
    platformAccounts(ctx.ledger, currency),
  ]);
  const legs: [string, bigint, string][] = [
    [buyer.id, refund, 'dispute_refund'],
    [seller.id, net, 'dispute_payout'],
    [platform.fee.id, fee, 'dispute_fee'],
    [treasury.id, cut, 'dispute_pool_cut'],
  ];
  const transfers: TransferInput[] = legs
    .filter(([, amount]) => amount > 0n)
    .map(([accountId, amountMicros, code]) => ({
      type: 'transfer',
      debitAccountId: escrow.id,
      creditAccountId: accountId,
      amountMicros,
      code,
      memo: `dispute ${dispute.id}`,
    }));
  const result = await ctx.ledger.engine.submit({
    poolId: deal.poolId,
    idempotencyKey: `dispute-settle:${dispute.id}`,
    transfers,
  });
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update disputes set status = 'completed', completed_at = now(), settlement_transfer_ids = ?::uuid[]
        where id = ? and status = 'resolved' returning id`,
      [`{${result.transfers.map((t) => t.id).join(',')}}`, dispute.id],
    );
    if (rows.length === 0) return;
    await em.execute("update deals set status = 'settled_by_dispute', closed_at = now() where id = ?", [deal.id]);
    await recordEvent(em, {
      type: 'DisputeResolved',
      poolId: deal.poolId,
      payload: {
        disputeId: dispute.id,
        dealId: deal.id,
        title: deal.title,
        outcome: dispute.outcome,
        buyerUserId: deal.buyerUserId,
        sellerUserId: deal.sellerUserId,
        amountMicros: total.toString(),
        refundMicros: refund.toString(),
        sellerNetMicros: net.toString(),
      },
    });
  });
}

/** The disputes job: settles disputes a crash left resolved but unposted. */
export async function settleResolvedDisputes(ctx: AppContext): Promise<number> {
  const rows = await ctx.em.execute<{ id: string }[]>(
    "select id from disputes where status = 'resolved' order by resolved_at limit 200",
  );
  for (const row of rows) await settleDispute(ctx, row.id);
  return rows.length;
}
