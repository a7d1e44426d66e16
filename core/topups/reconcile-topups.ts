import type { AppContext } from '../context.ts';
import { isAppError } from '../errors.ts';
import { staleTopups } from './manage-topups.ts';
import { fromNowPayments } from './provider-events.ts';
import { credit, settleTopup, type ProviderUpdate } from './settle-topup.ts';
import type { Topup } from './topup-view.ts';

/** Top-ups nobody paid within a day expire (a Checkout page lives 24 h). */
const GIVE_UP_MINUTES = 24 * 60;

/**
 * The reconciliation job: asks the providers about top-ups still pending after `olderThanMinutes` (a lost webhook,
 * a process that died mid-credit) and settles them as the provider sees them; gives up on the ones nobody paid.
 */
export async function reconcileTopups(
  ctx: AppContext,
  olderThanMinutes = 10,
): Promise<{ credited: number; expired: number; checked: number }> {
  let credited = 0;
  let expired = 0;
  const stale = await staleTopups(ctx, olderThanMinutes);
  for (const topup of stale) {
    const outcome = await reconcileOne(ctx, topup).catch((error: unknown) => {
      // One provider's hiccup must not stop the rest; the next run asks again.
      if (isAppError(error)) return null;
      if (
        error instanceof Error &&
        /fetch|ECONN|timeout|StripeConnection|NOWPayments/i.test(`${error.name} ${error.message}`)
      )
        return null;
      throw error;
    });
    if (outcome === 'credited') credited += 1;
    if (outcome === 'expired') expired += 1;
  }
  return { credited, expired, checked: stale.length };
}

async function reconcileOne(ctx: AppContext, topup: Topup): Promise<string | null> {
  // Credited in the ledger but not marked (the process died between the two): finish it from the ledger.
  const committed = await ctx.em.execute<{ amount_micros: string }[]>(
    `select t.amount as amount_micros from ledger_idempotency i join ledger_transfers t on t.id = i.transfer_ids[2]
      where i.key = ?`,
    [`deposit:topup:${topup.id}`],
  );
  if (committed[0]) {
    await credit(ctx, topup, BigInt(committed[0].amount_micros), {
      type: 'reconcile.ledger',
      paidAmount: topup.paidAmount ?? undefined,
    });
    return 'credited';
  }
  let update: ProviderUpdate | null = null;
  const payments = ctx.payments;
  if (topup.provider === 'stripe' && topup.providerRef && payments?.stripe) {
    const session = await payments.stripe.retrieveCheckout(topup.providerRef);
    const outcome =
      session.status === 'complete' && session.paymentStatus === 'paid'
        ? 'paid'
        : session.status === 'expired'
          ? 'expired'
          : null;
    if (outcome)
      update = {
        provider: 'stripe',
        eventId: `reconcile:${session.id}:${outcome}`,
        type: `reconcile.${outcome}`,
        payload: { session: session.id, status: session.status, paymentStatus: session.paymentStatus },
        topupId: topup.id,
        outcome,
        paidAmount: session.amountTotal === null ? undefined : String(session.amountTotal),
        paidCurrency: session.currency ?? undefined,
        providerStatus: `${session.status ?? ''}/${session.paymentStatus}`,
      };
  } else if (
    topup.provider === 'nowpayments' &&
    topup.providerRef &&
    !topup.providerRef.startsWith('invoice:') &&
    payments?.nowpayments
  ) {
    update = fromNowPayments(await payments.nowpayments.payment(topup.providerRef), 'reconcile');
    if (update.outcome === 'confirming') update = null;
  }
  if (!update && Date.now() - topup.createdAt.getTime() > GIVE_UP_MINUTES * 60_000)
    update = {
      provider: topup.provider,
      eventId: `reconcile:${topup.id}:expired`,
      type: 'reconcile.expired',
      payload: {},
      topupId: topup.id,
      outcome: 'expired',
      providerStatus: 'expired',
    };
  if (!update) return null;
  const result = await settleTopup(ctx, update);
  return result.kind === 'applied' ? result.topup.status : null;
}
