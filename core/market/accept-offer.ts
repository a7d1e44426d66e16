import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { createHold } from '../ledger/create-hold.ts';
import { BPS_DENOMINATOR, splitFee } from '../money/allocate.ts';
import { formatMicros } from '../money/amount.ts';
import { cachedPlatformSettings } from '../platform/settings.ts';
import { loadPoolView } from '../pools/pool-view.ts';
import { requireStanding } from '../reputation/scores.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { findDealByKey, loadDeal, type Deal } from './deal-view.ts';
import { deliverPrivateAccess } from './deliver-deal.ts';
import { RENTAL_KINDS } from './offer-view.ts';

/** Deals that count against the buyer's cap: everything that reserved money and was not given back. */
const SPENDING = `('reserving', 'reserved', 'delivered', 'completed', 'disputed', 'settled_by_dispute')`;

/**
 * Buy / Reserve: the buyer's money is held in the seller's favour. The platform fee and the pool's cut are fixed now,
 * from the rates of this moment. A small saga: the deal is recorded 'reserving' (with the offer's stock taken, the
 * cap and restrictions checked under a lock on the buyer's membership), the ledger places the hold under the deal's
 * key, and the deal becomes 'reserved' — or 'failed' with the stock returned when the ledger refuses. A retry with the
 * same key continues where a crash stopped; settleDeals finishes the ones nobody retried.
 */
export async function acceptOffer(
  ctx: AppContext,
  actor: Actor,
  input: { offerId: string; quantity?: number; idempotencyKey: string },
): Promise<{ deal: Deal; replayed: boolean }> {
  const quantity = input.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000)
    throw new AppError('VALIDATION_FAILED', 'quantity must be a whole number from 1 to 1000');
  const ledgerKey = `deal:${input.idempotencyKey}`;
  let deal = await findDealByKey(ctx.em, ledgerKey);
  if (deal && (deal.buyerUserId !== actor.userId || deal.offerId !== input.offerId || deal.quantity !== quantity))
    throw new AppError('IDEMPOTENCY_KEY_REUSED');
  if (deal && deal.status !== 'reserving' && deal.status !== 'failed') return { deal, replayed: true };
  if (deal?.status === 'failed')
    await ctx.em.execute("delete from deals where id = ? and status = 'failed'", [deal.id]);
  if (!deal || deal.status === 'failed') deal = await reserve(ctx, actor, input.offerId, quantity, ledgerKey);

  const pool = await loadPoolView(ctx.em, deal.poolId);
  const accounts = await Promise.all(
    [deal.buyerUserId, deal.sellerUserId].map((userId) =>
      ctx.ledger.store.openAccount({ poolId: deal.poolId, currency: pool.currency, kind: 'member', userId }),
    ),
  );
  try {
    const { hold } = await createHold(ctx.ledger, {
      poolId: deal.poolId,
      payerAccountId: accounts[0]?.id as string,
      payeeAccountId: accounts[1]?.id as string,
      amountMicros: deal.totalMicros,
      // Long enough to deliver and then to dispute; the deals job cancels undelivered deals earlier.
      timeoutSeconds: pool.settings.holdTimeoutSeconds + pool.settings.disputeWindowHours * 3600,
      code: 'deal',
      memo: `${deal.quantity} × ${deal.title}`.slice(0, 500),
      idempotencyKey: ledgerKey,
    });
    await ctx.em.transactional(async (em) => {
      const rows = await em.execute(
        "update deals set status = 'reserved', hold_id = ? where id = ? and status = 'reserving' returning id",
        [hold.id, deal.id],
      );
      if (rows.length > 0)
        await recordEvent(em, {
          type: 'DealReserved',
          poolId: deal.poolId,
          payload: dealPayload(deal),
        });
    });
  } catch (error) {
    if (isAppError(error)) await failReservation(ctx, deal);
    throw error;
  }
  if (deal.kind === 'private_access') await deliverPrivateAccess(ctx, deal.id);
  return { deal: await loadDeal(ctx.em, deal.id), replayed: false };
}

export const dealPayload = (deal: Deal) => ({
  dealId: deal.id,
  offerId: deal.offerId,
  title: deal.title,
  buyerUserId: deal.buyerUserId,
  sellerUserId: deal.sellerUserId,
  quantity: deal.quantity,
  amountMicros: deal.totalMicros.toString(),
});

async function reserve(
  ctx: AppContext,
  actor: Actor,
  offerId: string,
  quantity: number,
  ledgerKey: string,
): Promise<Deal> {
  const { platformFeeBps } = await cachedPlatformSettings(ctx);
  const id = uuidv7();
  await ctx.em.transactional(async (em) => {
    const offers = await em.execute<
      {
        pool_id: string;
        seller_user_id: string;
        kind: string;
        price_micros: string;
        quantity_left: number | null;
        status: string;
      }[]
    >('select pool_id, seller_user_id, kind, price_micros, quantity_left, status from offers where id = ? for update', [
      offerId,
    ]);
    const offer = offers[0];
    if (!offer) throw new AppError('OFFER_NOT_FOUND');
    requirePoolRole(await loadPoolAccess(em, actor, offer.pool_id, { lock: true }), 'member');
    if (offer.seller_user_id === actor.userId) throw new AppError('OWN_OFFER');
    if (offer.status !== 'active' || (offer.quantity_left !== null && offer.quantity_left < quantity))
      throw new AppError(
        'OFFER_NOT_AVAILABLE',
        offer.status === 'active' ? 'not enough left' : `the offer is ${offer.status}`,
      );
    const sellers = await em.execute(
      "select 1 from pool_members where pool_id = ? and user_id = ? and status = 'active'",
      [offer.pool_id, offer.seller_user_id],
    );
    if (sellers.length === 0) throw new AppError('OFFER_NOT_AVAILABLE', 'the seller is no longer active here');
    await requireStanding(em, offer.pool_id, actor.userId, 'buy');

    const totalMicros = BigInt(offer.price_micros) * BigInt(quantity);
    const rental = RENTAL_KINDS.includes(offer.kind as never);
    const pools = await em.execute<{ cap: string | null; cap_period_hours: number; owner_cut_bps: number }[]>(
      `select ${rental ? 'member_rental_cap_micros' : 'member_purchase_cap_micros'} as cap, cap_period_hours, owner_cut_bps
         from pools where id = ?`,
      [offer.pool_id],
    );
    const pool = pools[0];
    if (!pool) throw new AppError('POOL_NOT_FOUND');
    if (pool.cap !== null) {
      const spent = await em.execute<{ sum: string | null }[]>(
        `select sum(total_micros) as sum from deals
          where pool_id = ? and buyer_user_id = ? and kind ${rental ? '' : 'not '}in ('compute_time', 'gameboost_slot')
            and status in ${SPENDING} and created_at > now() - make_interval(hours => ?)`,
        [offer.pool_id, actor.userId, pool.cap_period_hours],
      );
      const cap = BigInt(pool.cap);
      if (BigInt(spent[0]?.sum ?? '0') + totalMicros > cap)
        throw new AppError('PURCHASE_CAP_REACHED', `cap ${formatMicros(cap)} per ${pool.cap_period_hours} h`, {
          cap: formatMicros(cap),
          periodHours: pool.cap_period_hours,
        });
    }
    const { feeMicros, netMicros } = splitFee(totalMicros, platformFeeBps);
    const cut = (totalMicros * BigInt(pool.owner_cut_bps)) / BPS_DENOMINATOR;
    const ownerCutMicros = cut < netMicros ? cut : netMicros;
    await em.execute(
      `insert into deals (id, pool_id, offer_id, buyer_user_id, seller_user_id, kind, quantity, unit_price_micros,
                          total_micros, fee_micros, owner_cut_micros, status, ledger_key)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reserving', ?)`,
      [
        id,
        offer.pool_id,
        offerId,
        actor.userId,
        offer.seller_user_id,
        offer.kind,
        quantity,
        offer.price_micros,
        totalMicros.toString(),
        feeMicros.toString(),
        ownerCutMicros.toString(),
        ledgerKey,
      ],
    );
    if (offer.quantity_left !== null)
      await em.execute('update offers set quantity_left = quantity_left - ?, updated_at = now() where id = ?', [
        quantity,
        offerId,
      ]);
  });
  return loadDeal(ctx.em, id);
}

/** The ledger refused the hold (no money moved): the deal failed and the offer gets its stock back. */
export async function failReservation(ctx: AppContext, deal: Deal): Promise<void> {
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      "update deals set status = 'failed', closed_at = now() where id = ? and status = 'reserving' returning id",
      [deal.id],
    );
    if (rows.length > 0)
      await em.execute(
        'update offers set quantity_left = quantity_left + ? where id = ? and quantity_left is not null',
        [deal.quantity, deal.offerId],
      );
  });
}
