import { AppError, isAppError } from '../../core/errors.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { maxTopupMicros, MIN_TOPUP_MICROS, startTopup } from '../../core/topups/start-topup.ts';
import { PROVIDERS, type Provider } from '../../core/topups/rates.ts';
import { amountArg } from '../economy-args.ts';
import { formatAmount } from '../i18n.ts';
import { BotRefusal, personalPool, POOL_OPTION, required, type CommandDef } from '../command.ts';

/**
 * Tops up the sender's balance in a pool: by card (Stripe Checkout), USDT (NOWPayments) or Telegram Stars (an invoice
 * in the private chat). The answer is private: where to pay, and how much in the provider's terms.
 */
export const topup: CommandDef = {
  name: 'topup',
  descriptionKey: 'cmd-topup',
  options: [
    { name: 'amount', type: 'string', required: true, descriptionKey: 'cmd-topup-opt-amount' },
    { name: 'method', type: 'string', required: true, descriptionKey: 'cmd-topup-opt-method', choices: PROVIDERS },
    POOL_OPTION,
  ],
  async run(ctx, args) {
    const { poolId } = await personalPool(ctx, args.pool);
    const amountMicros = amountArg(args.amount);
    const provider = required(args, 'method') as Provider;
    if (!PROVIDERS.includes(provider)) throw new AppError('VALIDATION_FAILED', `method: ${PROVIDERS.join(', ')}`);
    if (provider === 'stars' && ctx.chat.platform !== 'telegram') throw new BotRefusal('topup-stars-telegram-only');
    const { pool } = await getPool(ctx.app, ctx.actor, { poolId });
    const started = await startTopup(ctx.app, ctx.actor, {
      poolId,
      provider,
      amountMicros,
      idempotencyKey: ctx.idempotencyKey,
    }).catch((error: unknown) => {
      if (!isAppError(error, 'INVALID_AMOUNT')) throw error;
      throw new BotRefusal('topup-amount-range', {
        min: formatAmount(ctx.locale, MIN_TOPUP_MICROS),
        max: formatAmount(ctx.locale, maxTopupMicros(provider, ctx.app.payments?.rates.starMicros ?? 0)),
        currency: pool.currency,
      });
    });
    const amount = formatAmount(ctx.locale, started.amountMicros);
    if (provider === 'stars')
      return {
        text: ctx.t('topup-stars', { amount, currency: pool.currency, stars: Number(started.providerAmount) }),
        private: true,
        invoice: {
          topupId: started.id,
          title: ctx.t('topup-invoice-title', { pool: pool.name }),
          description: ctx.t('topup-invoice-description', { amount, currency: pool.currency, pool: pool.name }),
          stars: Number(started.providerAmount),
        },
      };
    const price =
      provider === 'stripe'
        ? `$${(Number(started.providerAmount) / 100).toFixed(2)}`
        : `${started.providerAmount} USDT`;
    return {
      text: ctx.t('topup-pay', { amount, currency: pool.currency, price }),
      private: true,
      buttons: started.payUrl
        ? [[{ label: ctx.t('topup-pay-button', { price }), data: '', url: started.payUrl }]]
        : undefined,
    };
  },
};
