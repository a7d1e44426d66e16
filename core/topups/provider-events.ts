import type { NowPayment, StripeEvent } from './gateways.ts';
import type { ProviderUpdate } from './settle-topup.ts';

/** Stripe's Checkout events in our terms; null for events we do not act on (they are acknowledged and dropped). */
export function fromStripe(event: StripeEvent): ProviderUpdate | null {
  const session = event.session;
  if (!session) return null;
  const base = {
    provider: 'stripe' as const,
    eventId: event.id,
    type: event.type,
    payload: {
      session: session.id,
      status: session.status,
      paymentStatus: session.paymentStatus,
      amountTotal: session.amountTotal,
    },
    topupId: session.topupId,
    paidAmount: session.amountTotal === null ? undefined : String(session.amountTotal),
    paidCurrency: session.currency ?? undefined,
    providerStatus: `${session.status ?? ''}/${session.paymentStatus}`,
  };
  switch (event.type) {
    case 'checkout.session.completed':
      // Paid now (cards), or later (bank debits): then async_payment_succeeded or _failed follows.
      return { ...base, outcome: session.paymentStatus === 'paid' ? 'paid' : 'confirming' };
    case 'checkout.session.async_payment_succeeded':
      return { ...base, outcome: 'paid' };
    case 'checkout.session.async_payment_failed':
      return { ...base, outcome: 'failed' };
    case 'checkout.session.expired':
      return { ...base, outcome: 'expired' };
    default:
      return null;
  }
}

/**
 * NOWPayments statuses in our terms. They only move forward (waiting → confirming → confirmed → sending → finished);
 * partially_paid waits for review (and is credited if NOWPayments later reports it finished); failed, refunded and
 * expired end the top-up. One IPN per payment, status and amount paid is stored, so a repeated IPN changes nothing,
 * while a second partial payment with more paid is news.
 */
export function fromNowPayments(payment: NowPayment, eventPrefix = 'ipn'): ProviderUpdate {
  const outcome: ProviderUpdate['outcome'] =
    payment.status === 'finished'
      ? 'paid'
      : payment.status === 'partially_paid'
        ? 'partial'
        : payment.status === 'failed' || payment.status === 'refunded'
          ? 'failed'
          : payment.status === 'expired'
            ? 'expired'
            : 'confirming';
  return {
    provider: 'nowpayments',
    eventId: `${eventPrefix}:${payment.paymentId}:${payment.status}:${payment.actuallyPaid}`,
    type: `payment.${payment.status}`,
    payload: { ...payment },
    topupId: payment.orderId,
    outcome,
    paidAmount: payment.actuallyPaid,
    askedAmount: payment.payAmount,
    paidCurrency: payment.payCurrency,
    providerRef: payment.paymentId,
    providerStatus: payment.status,
  };
}

/** Telegram's successful_payment for a Stars invoice whose payload is the top-up id. */
export function fromStars(payment: {
  invoicePayload: string;
  totalAmount: number;
  currency: string;
  chargeId: string;
}): ProviderUpdate {
  return {
    provider: 'stars',
    eventId: payment.chargeId,
    type: 'successful_payment',
    payload: { ...payment },
    topupId: payment.invoicePayload,
    outcome: 'paid',
    paidAmount: String(payment.totalAmount),
    paidCurrency: payment.currency,
    providerRef: payment.chargeId,
    providerStatus: 'paid',
  };
}
