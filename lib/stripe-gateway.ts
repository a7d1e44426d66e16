import Stripe from 'stripe';
import { WebhookSignatureError, type CheckoutSession, type StripeGateway } from '../core/topups/gateways.ts';

const sessionOf = (s: Stripe.Checkout.Session): CheckoutSession => ({
  id: s.id,
  url: s.url,
  status: s.status,
  paymentStatus: s.payment_status,
  amountTotal: s.amount_total,
  currency: s.currency,
  topupId: s.client_reference_id ?? s.metadata?.topupId ?? null,
});

/**
 * Stripe through the real `stripe` package. `apiBase` points it elsewhere (a local fake in tests); webhooks are
 * verified with the package's own constructEvent on the raw body (signature and 5-minute tolerance).
 */
export function createStripeGateway(options: {
  secretKey: string;
  webhookSecret: string;
  apiBase?: string;
}): StripeGateway {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  const stripe = new Stripe(options.secretKey, {
    ...(base
      ? { host: base.hostname, port: Number(base.port), protocol: base.protocol.replace(':', '') as 'http' | 'https' }
      : {}),
    maxNetworkRetries: 2,
    timeout: 15_000,
  });
  return {
    async createCheckout(input) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          client_reference_id: input.topupId,
          metadata: { topupId: input.topupId },
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: 'usd',
                unit_amount: Number(input.amountCents),
                product_data: { name: input.description },
              },
            },
          ],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
        },
        { idempotencyKey: input.idempotencyKey },
      );
      return sessionOf(session);
    },
    async retrieveCheckout(sessionId) {
      return sessionOf(await stripe.checkout.sessions.retrieve(sessionId));
    },
    verifyWebhook(rawBody, signature) {
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, options.webhookSecret);
      } catch (error) {
        throw new WebhookSignatureError((error as Error).message);
      }
      const object = event.data.object as { object?: string };
      return {
        id: event.id,
        type: event.type,
        session: object.object === 'checkout.session' ? sessionOf(object as Stripe.Checkout.Session) : null,
      };
    },
  };
}
