import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { loadDeal, requireDealStatus } from '../market/deal-view.ts';
import { loadOffer } from '../market/offer-view.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { disputeDeciders, loadDispute, type Dispute } from './dispute-view.ts';

/**
 * The buyer or the seller disputes a deal whose money is still held, within the pool's dispute window (from delivery,
 * or from the purchase when nothing was delivered). The money is frozen: in one linked chain the hold is voided and
 * the amount moves from the buyer to the pool's escrow, where neither side can touch it until the officers decide.
 * The deal and the offer as they were, and the opener's statement, are kept as evidence.
 */
export async function openDispute(
  ctx: AppContext,
  actor: Actor,
  input: { dealId: string; statement: string },
): Promise<Dispute> {
  const statement = input.statement.trim();
  if (statement.length < 1 || statement.length > 2000)
    throw new AppError('VALIDATION_FAILED', 'say what went wrong in 1 to 2000 characters');
  const deal = await loadDeal(ctx.em, input.dealId);
  const access = await loadPoolAccess(ctx.em, actor, deal.poolId);
  requirePoolRole(access, 'member');
  if (deal.buyerUserId !== actor.userId && deal.sellerUserId !== actor.userId) throw new AppError('NOT_DEAL_PARTY');
  const existing = await ctx.em.execute<{ id: string; status: string }[]>(
    'select id, status from disputes where deal_id = ?',
    [deal.id],
  );
  if (existing[0] && existing[0].status !== 'opening') throw new AppError('DISPUTE_ALREADY_OPEN');
  requireDealStatus(deal, ['reserved', 'delivered']);
  const windows = await ctx.em.execute<{ open: boolean }[]>(
    `select coalesce(?::timestamptz, ?::timestamptz) + make_interval(hours => dispute_window_hours) > now() as open
       from pools where id = ?`,
    [deal.deliveredAt, deal.createdAt, deal.poolId],
  );
  if (!windows[0]?.open) throw new AppError('DISPUTE_WINDOW_CLOSED');

  const id = existing[0]?.id ?? uuidv7();
  if (!existing[0]) {
    const offer = await loadOffer(ctx.em, deal.offerId);
    const evidence = {
      deal: {
        ...deal,
        unitPriceMicros: String(deal.unitPriceMicros),
        totalMicros: String(deal.totalMicros),
        feeMicros: String(deal.feeMicros),
        ownerCutMicros: String(deal.ownerCutMicros),
      },
      offer: {
        kind: offer.kind,
        title: offer.title,
        description: offer.description,
        machineName: offer.machineName,
        priceMicros: String(offer.priceMicros),
      },
    };
    await ctx.em.transactional(async (em) => {
      await em.execute(
        `insert into disputes (id, pool_id, deal_id, opened_by, status, escrow_key, evidence)
         values (?, ?, ?, ?, 'opening', ?, ?::jsonb)`,
        [id, deal.poolId, deal.id, actor.userId, `dispute-open:${deal.id}`, JSON.stringify(evidence)],
      );
      await em.execute('insert into dispute_statements (id, dispute_id, user_id, text) values (?, ?, ?, ?)', [
        uuidv7(),
        id,
        actor.userId,
        statement,
      ]);
    });
  }
  if (!deal.holdId) throw new Error(`deal ${deal.id} has no hold`);
  const currency = access.pool.currency;
  const [buyer, escrow] = await Promise.all([
    ctx.ledger.store.openAccount({ poolId: deal.poolId, currency, kind: 'member', userId: deal.buyerUserId }),
    ctx.ledger.store.openAccount({ poolId: deal.poolId, currency, kind: 'escrow', userId: null }),
  ]);
  try {
    await ctx.ledger.engine.submit({
      poolId: deal.poolId,
      idempotencyKey: `dispute-open:${deal.id}`,
      transfers: [
        { type: 'void', holdId: deal.holdId, memo: `dispute ${id}` },
        {
          type: 'transfer',
          debitAccountId: buyer.id,
          creditAccountId: escrow.id,
          amountMicros: deal.totalMicros,
          code: 'dispute_escrow',
          memo: `dispute ${id}`,
        },
      ],
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    // The deal completed or was called off first: no dispute.
    await ctx.em.transactional(async (em) => {
      await em.execute('delete from dispute_statements where dispute_id = ?', [id]);
      await em.execute("delete from disputes where id = ? and status = 'opening'", [id]);
    });
    const now = await loadDeal(ctx.em, deal.id);
    throw new AppError('DEAL_WRONG_STATE', `the deal is ${now.status}`, { state: now.status });
  }
  const deciders = await disputeDeciders(ctx.em, deal);
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      "update disputes set status = 'open' where id = ? and status = 'opening' returning id",
      [id],
    );
    if (rows.length === 0) return;
    await em.execute("update deals set status = 'disputed' where id = ? and status in ('reserved', 'delivered')", [
      deal.id,
    ]);
    await recordEvent(em, {
      type: 'DisputeOpened',
      poolId: deal.poolId,
      payload: {
        disputeId: id,
        dealId: deal.id,
        title: deal.title,
        openedBy: actor.userId,
        buyerUserId: deal.buyerUserId,
        sellerUserId: deal.sellerUserId,
        amountMicros: deal.totalMicros.toString(),
        statement,
        deciderUserIds: deciders.userIds,
        quorum: deciders.quorum,
      },
    });
  });
  return loadDispute(ctx.em, id);
}

/** The other side (or the opener again) adds a statement to an open dispute. */
export async function addDisputeStatement(
  ctx: AppContext,
  actor: Actor,
  input: { disputeId: string; text: string },
): Promise<Dispute> {
  const text = input.text.trim();
  if (text.length < 1 || text.length > 2000)
    throw new AppError('VALIDATION_FAILED', 'a statement takes 1 to 2000 characters');
  const dispute = await loadDispute(ctx.em, input.disputeId);
  if (dispute.buyerUserId !== actor.userId && dispute.sellerUserId !== actor.userId)
    throw new AppError('NOT_DEAL_PARTY');
  if (dispute.status !== 'open') throw new AppError('DISPUTE_WRONG_STATE');
  const count = await ctx.em.execute<{ n: string }[]>(
    'select count(*) as n from dispute_statements where dispute_id = ?',
    [dispute.id],
  );
  if (Number(count[0]?.n ?? 0) >= 20) throw new AppError('VALIDATION_FAILED', 'a dispute keeps at most 20 statements');
  await ctx.em.execute('insert into dispute_statements (id, dispute_id, user_id, text) values (?, ?, ?, ?)', [
    uuidv7(),
    dispute.id,
    actor.userId,
    text,
  ]);
  return loadDispute(ctx.em, dispute.id);
}
