import { Api } from 'grammy';
import type { Env } from '../config/env.ts';
import type { PaymentGateways } from '../core/topups/gateways.ts';
import { createNowPaymentsClient } from './nowpayments.ts';
import { createStripeGateway } from './stripe-gateway.ts';

/** The providers this configuration enables; Stars need the Telegram bot's token (refunds go through the Bot API). */
export function paymentGatewaysFromEnv(env: Env): PaymentGateways {
  return {
    stripe:
      env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
        ? createStripeGateway({
            secretKey: env.STRIPE_SECRET_KEY,
            webhookSecret: env.STRIPE_WEBHOOK_SECRET,
            apiBase: env.STRIPE_API_BASE,
          })
        : undefined,
    nowpayments:
      env.NOWPAYMENTS_API_KEY && env.NOWPAYMENTS_IPN_SECRET
        ? createNowPaymentsClient({
            baseUrl: env.NOWPAYMENTS_API_BASE,
            apiKey: env.NOWPAYMENTS_API_KEY,
            ipnSecret: env.NOWPAYMENTS_IPN_SECRET,
          })
        : undefined,
    stars: env.TELEGRAM_BOT_TOKEN
      ? starsGateway(
          new Api(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : undefined),
        )
      : undefined,
    rates: {
      usdMicros: env.TOPUP_MICROS_PER_USD,
      usdtMicros: env.TOPUP_MICROS_PER_USDT,
      starMicros: env.TOPUP_MICROS_PER_STAR,
    },
    publicUrl: env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`,
  };
}

export const starsGateway = (api: Api): NonNullable<PaymentGateways['stars']> => ({
  async refund(telegramUserId, chargeId) {
    await api.refundStarPayment(Number(telegramUserId), chargeId);
  },
});
