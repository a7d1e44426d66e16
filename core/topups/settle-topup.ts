import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { recordDeposit } from '../ledger/record-deposit.ts';
import { creditFor, parseDecimal6, type Provider } from './rates.ts';
import { findTopup, requireTopup, TOPUP_RANK, type Topup, type TopupStatus } from './topup-view.ts';

/** What a provider said about a payment, in our terms. */
export interface ProviderUpdate {
  provider: Provider;
  /** The provider's own event id (Stripe event, NOWPayments payment + status, Telegram charge id): stored once. */
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
  /** How the top-up is named by the provider: our id (client_reference_id, order_id, invoice payload). */
  topupId: string | null;
  /** 'paid' credits (after the amount check), 'partial' holds for review; the others only move the status. */
  outcome: 'confirming' | 'paid' | 'partial' | 'failed' | 'expired';
  /** What was paid, in the quote's terms (cents, Stars, USDT decimal) and currency. */
  paidAmount?: string;
  /** What the provider itself asked the payer for, when it quotes on its own (NOWPayments: USDT for a USD price). */
  askedAmount?: string;
  paidCurrency?: string;
  /** The provider's reference to keep (Telegram's charge id for refunds, NOWPayments' payment id). */
  providerRef?: string;
  providerStatus?: string;
}

export type SettleResult =
  { kind: 'duplicate' } | { kind: 'ignored'; topup: Topup } | { kind: 'applied'; topup: Topup };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies a verified provider event to its top-up, exactly once. The event id is stored first; a redelivery is
 * applied again only as far as it still changes something — so a process that died between storing the event and
 * crediting finishes the credit on the provider's retry, and otherwise a repeat is a 'duplicate'. Statuses only move
 * forward (a late 'confirming' after 'credited' changes nothing); a payment is credited through the custodial wallet
 * under the top-up's own ledger key — so even two different events reporting the same payment credit once — and only
 * when the amount and currency match what was asked; otherwise it waits for review.
 */
export async function settleTopup(ctx: AppContext, update: ProviderUpdate): Promise<SettleResult> {
  // Ids that are not ours (another product on the same provider account) are unknown, not a database error.
  const topup = update.topupId && UUID.test(update.topupId) ? await findTopup(ctx.em, 'id', update.topupId) : null;
  if (!topup || topup.provider !== update.provider)
    throw new AppError('TOPUP_NOT_FOUND', `no ${update.provider} top-up ${update.topupId ?? ''}`);
  const stored = await ctx.em.execute(
    `insert into provider_events (provider, event_id, topup_id, type, payload) values (?, ?, ?, ?, ?::jsonb)
     on conflict do nothing returning event_id`,
    [update.provider, update.eventId, topup.id, update.type, JSON.stringify(update.payload)],
  );
  const unchanged: SettleResult = stored.length === 0 ? { kind: 'duplicate' } : { kind: 'ignored', topup };
  if (update.providerRef && update.provider !== 'stripe')
    await ctx.em.execute(
      'update topups set provider_ref = ? where id = ? and (provider_ref is null or provider_ref like ?)',
      [update.providerRef, topup.id, 'invoice:%'],
    );

  let next: TopupStatus =
    update.outcome === 'paid' ? 'credited' : update.outcome === 'partial' ? 'review' : update.outcome;
  let creditMicros: bigint | null = null;
  if (next === 'credited') {
    creditMicros = creditFor(update.provider, update.paidAmount ?? '', topup.rateMicros);
    if (creditMicros === null || !amountMatches(topup, update) || creditMicros <= 0n) next = 'review';
  }
  // Money that arrived is never ignored: a full payment confirmed after the top-up failed, expired or waited for
  // review (a partial payment completed later) is still credited — unless it was credited before (a failed Stars
  // refund waits in review) or the Global Admin rejected it.
  const late =
    next === 'credited' &&
    (topup.status === 'failed' || topup.status === 'expired' || topup.status === 'review') &&
    topup.creditedMicros === null &&
    topup.providerStatus !== REVIEW_REJECTED;
  if (next === 'credited' && creditMicros !== null && (late || TOPUP_RANK[next] > TOPUP_RANK[topup.status]))
    return { kind: 'applied', topup: await credit(ctx, topup, creditMicros, update) };
  // A later partial payment with a new amount: the review sees what was paid last.
  if (next === 'review' && topup.status === 'review' && update.paidAmount && update.paidAmount !== topup.paidAmount) {
    await ctx.em.execute("update topups set paid_amount = ?, updated_at = now() where id = ? and status = 'review'", [
      update.paidAmount,
      topup.id,
    ]);
    return { kind: 'applied', topup: await requireTopup(ctx.em, topup.id) };
  }
  if (TOPUP_RANK[next] <= TOPUP_RANK[topup.status]) return unchanged;
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update topups set status = ?, provider_status = ?, paid_amount = coalesce(?, paid_amount), updated_at = now()
        where id = ? and status = ? returning id`,
      [next, update.providerStatus ?? update.type, update.paidAmount ?? null, topup.id, topup.status],
    );
    if (rows.length > 0 && next !== 'confirming')
      await recordEvent(em, {
        type: next === 'review' ? 'TopupHeldForReview' : 'TopupFailed',
        poolId: topup.poolId,
        payload: {
          topupId: topup.id,
          userId: topup.userId,
          provider: topup.provider,
          status: next,
          amountMicros: topup.amountMicros.toString(),
        },
      });
  });
  return { kind: 'applied', topup: await requireTopup(ctx.em, topup.id) };
}

/** The provider status a top-up keeps when the Global Admin rejected it in review: no later event credits it. */
export const REVIEW_REJECTED = 'review-rejected';

/**
 * Stripe and Stars must be paid exactly as asked. NOWPayments must be paid at least what it asked the payer for: the
 * invoice is priced in USD and NOWPayments quotes the USDT itself (a little more or less than the price), so its own
 * quote from the signed IPN is the bar — the credit is still what was actually paid, at the recorded rate.
 */
function amountMatches(topup: Topup, update: ProviderUpdate): boolean {
  const currency = (update.paidCurrency ?? '').toLowerCase();
  if (update.provider === 'nowpayments') {
    const paid = parseDecimal6(update.paidAmount ?? '');
    const asked = parseDecimal6(update.askedAmount ?? topup.providerAmount);
    return paid !== null && asked !== null && paid >= asked && currency === topup.providerCurrency.toLowerCase();
  }
  return update.paidAmount === topup.providerAmount && currency === topup.providerCurrency.toLowerCase();
}

/** Outside world → custodial wallet → member, under the top-up's key; then the top-up is credited and announced. */
export async function credit(
  ctx: AppContext,
  topup: Topup,
  creditMicros: bigint,
  update: Pick<ProviderUpdate, 'paidAmount' | 'providerStatus' | 'type'>,
): Promise<Topup> {
  const pools = await ctx.em.execute<{ currency: string }[]>('select currency from pools where id = ?', [topup.poolId]);
  const currency = pools[0]?.currency as string;
  const member = await ctx.ledger.store.openAccount({
    poolId: topup.poolId,
    currency,
    kind: 'member',
    userId: topup.userId,
  });
  const result = await recordDeposit(ctx.ledger, {
    poolId: topup.poolId,
    currency,
    memberAccountId: member.id,
    amountMicros: creditMicros,
    reference: `topup:${topup.id}`,
    code: `topup_${topup.provider}`,
  });
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update topups set status = 'credited', credited_micros = ?, credited_transfer_ids = ?::uuid[], paid_amount = ?,
              provider_status = ?, updated_at = now()
        where id = ? and status in ('pending', 'confirming', 'failed', 'expired', 'review') returning id`,
      [
        creditMicros.toString(),
        `{${result.transfers.map((t) => t.id).join(',')}}`,
        update.paidAmount ?? null,
        update.providerStatus ?? update.type,
        topup.id,
      ],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: 'TopupCredited',
        poolId: topup.poolId,
        payload: {
          topupId: topup.id,
          userId: topup.userId,
          provider: topup.provider,
          amountMicros: creditMicros.toString(),
        },
      });
  });
  return requireTopup(ctx.em, topup.id);
}
