import type { Api, Bot } from 'grammy';
import type { AppContext } from '../../core/context.ts';
import { isAppError } from '../../core/errors.ts';
import { fromStars } from '../../core/topups/provider-events.ts';
import { settleTopup } from '../../core/topups/settle-topup.ts';
import { findTopup } from '../../core/topups/topup-view.ts';
import type { Logger } from '../../lib/logger.ts';
import { resolveActor, type BotUser } from '../command.ts';
import { t } from '../i18n.ts';

/** A Stars invoice: currency XTR, no provider token, the top-up id as its payload. */
export async function sendStarsInvoice(
  api: Api,
  chatId: number,
  invoice: { topupId: string; title: string; description: string; stars: number },
): Promise<void> {
  await api.sendInvoice(chatId, invoice.title.slice(0, 32), invoice.description.slice(0, 255), invoice.topupId, 'XTR', [
    { label: invoice.title.slice(0, 32), amount: invoice.stars },
  ]);
}

/**
 * Telegram Stars: the pre-checkout question is answered at once (Telegram waits 10 s) — yes only for a pending Stars
 * top-up asking exactly this many Stars; the successful payment is credited exactly once (its charge id is the
 * event id, the top-up its ledger key) and the member is told.
 */
export function installStarsPayments(bot: Bot, appContext: () => AppContext, logger: Logger): void {
  bot.on('pre_checkout_query', async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const app = appContext();
    const user: BotUser = {
      platform: 'telegram',
      externalId: String(query.from.id),
      displayName: query.from.first_name,
      username: query.from.username ?? null,
      languageTag: query.from.language_code ?? null,
    };
    const { actor, locale } = await resolveActor(app, user);
    const topup = /^[0-9a-f-]{36}$/.test(query.invoice_payload)
      ? await findTopup(app.em, 'id', query.invoice_payload)
      : null;
    const fits =
      topup &&
      topup.provider === 'stars' &&
      topup.userId === actor.userId &&
      (topup.status === 'pending' || topup.status === 'confirming') &&
      query.currency === 'XTR' &&
      String(query.total_amount) === topup.providerAmount;
    if (fits) await ctx.answerPreCheckoutQuery(true);
    else await ctx.answerPreCheckoutQuery(false, { error_message: t(locale, 'topup-invoice-stale') });
  });

  bot.on('message:successful_payment', async (ctx) => {
    const payment = ctx.message.successful_payment;
    const app = appContext();
    const user: BotUser = {
      platform: 'telegram',
      externalId: String(ctx.from.id),
      displayName: ctx.from.first_name,
      username: ctx.from.username ?? null,
      languageTag: ctx.from.language_code ?? null,
    };
    const { locale } = await resolveActor(app, user);
    try {
      await settleTopup(
        app,
        fromStars({
          invoicePayload: payment.invoice_payload,
          totalAmount: payment.total_amount,
          currency: payment.currency,
          chargeId: payment.telegram_payment_charge_id,
        }),
      );
      // Credited or held for review: the member hears it from the notification (TopupCredited, TopupHeldForReview),
      // like every other top-up — once, even when Telegram delivers the update again.
    } catch (error) {
      if (!isAppError(error)) throw error;
      logger.warn({ code: error.code, payload: payment.invoice_payload }, 'a Stars payment for an unknown top-up');
      await ctx.reply(t(locale, 'topup-review'));
    }
  });
}
