/**
 * The payment providers as the top-up use cases see them. Adapters in lib/ implement them with the real `stripe`
 * package, our own NOWPayments client and grammY's Bot API; verification of webhooks happens in the adapters, so a
 * use case only ever sees events that were signed by the provider.
 */

export interface CheckoutSession {
  id: string;
  url: string | null;
  /** 'open', 'complete', 'expired' (Stripe may add more). */
  status: string | null;
  /** 'paid', 'unpaid', 'no_payment_required'. */
  paymentStatus: string;
  /** In cents. */
  amountTotal: number | null;
  currency: string | null;
  topupId: string | null;
}

export interface StripeEvent {
  id: string;
  type: string;
  session: CheckoutSession | null;
}

export interface StripeGateway {
  /** A Checkout Session in payment mode for `amountCents`, naming the top-up; idempotent on `idempotencyKey`. */
  createCheckout(input: {
    topupId: string;
    amountCents: string;
    description: string;
    successUrl: string;
    cancelUrl: string;
    idempotencyKey: string;
  }): Promise<CheckoutSession>;
  retrieveCheckout(sessionId: string): Promise<CheckoutSession>;
  /** The event, when `signature` signs `rawBody` with the webhook secret within the tolerance; throws otherwise. */
  verifyWebhook(rawBody: Buffer, signature: string): StripeEvent;
}

/** A NOWPayments payment as its API and IPNs describe it (the fields we use). */
export interface NowPayment {
  paymentId: string;
  status: string;
  orderId: string | null;
  payAmount: string;
  actuallyPaid: string;
  payCurrency: string;
}

export interface NowPaymentsGateway {
  createInvoice(input: {
    orderId: string;
    priceAmount: string;
    payCurrency: string;
    description: string;
    ipnUrl: string;
    successUrl: string;
  }): Promise<{ invoiceId: string; url: string }>;
  payment(paymentId: string): Promise<NowPayment>;
  /** The payment an IPN reports, when `x-nowpayments-sig` signs its body; throws otherwise. */
  verifyIpn(rawBody: Buffer, signature: string | undefined): NowPayment;
}

export interface StarsGateway {
  refund(telegramUserId: string, chargeId: string): Promise<void>;
}

export interface PaymentGateways {
  stripe?: StripeGateway;
  nowpayments?: NowPaymentsGateway;
  stars?: StarsGateway;
  /** Pool micros per provider unit, recorded on each top-up when it is created. */
  rates: { usdMicros: number; usdtMicros: number; starMicros: number };
  /** Where providers send people back to and post their notifications. */
  publicUrl: string;
}

/** A signature that did not verify: the webhook is refused and nothing changes. */
export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}
