import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { MAX_MICROS } from '../money/amount.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { quote, type Provider } from './rates.ts';
import { findTopup, requireTopup, type Topup } from './topup-view.ts';

/** The smallest and largest top-up, in pool micros (1 and 10,000 units). */
export const MIN_TOPUP_MICROS = 1_000_000n;
export const MAX_TOPUP_MICROS = 10_000_000_000n;
/** Telegram takes at most this many Stars in one invoice (currencies.json, XTR max_amount). */
export const MAX_INVOICE_STARS = 10_000n;

/** The largest top-up through `provider`, in pool micros: Stars are also capped by one invoice's Stars. */
export const maxTopupMicros = (provider: Provider, starMicros: number): bigint => {
  const starsCap = MAX_INVOICE_STARS * BigInt(starMicros);
  return provider === 'stars' && starsCap < MAX_TOPUP_MICROS ? starsCap : MAX_TOPUP_MICROS;
};

/**
 * A member starts a top-up in a pool: the amount is quoted in the provider's terms at today's rate (recorded on the
 * top-up), and the provider is asked for a place to pay — a Stripe Checkout page, a NOWPayments invoice — or, for
 * Telegram Stars, the bot sends an invoice. Nothing is credited until the provider confirms payment. Idempotent on the
 * edge's key: a retry returns the same top-up and the same payment page.
 */
export async function startTopup(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; provider: Provider; amountMicros: bigint; idempotencyKey: string },
): Promise<Topup> {
  if (input.amountMicros < MIN_TOPUP_MICROS || input.amountMicros > MAX_TOPUP_MICROS || input.amountMicros > MAX_MICROS)
    throw new AppError('INVALID_AMOUNT', 'a top-up is from 1 to 10000 units');
  const payments = ctx.payments;
  const gateway = input.provider === 'stars' ? payments?.stars : payments?.[input.provider];
  if (!payments || !gateway) throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE', `${input.provider} is not configured`);
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  requirePoolRole(access, 'member');
  const key = `topup:${input.idempotencyKey}`;
  let topup = await findTopup(ctx.em, 'idempotency_key', key);
  if (
    topup &&
    (topup.userId !== actor.userId || topup.amountMicros !== input.amountMicros || topup.provider !== input.provider)
  )
    throw new AppError('IDEMPOTENCY_KEY_REUSED');
  if (!topup) {
    const rateMicros =
      input.provider === 'stripe'
        ? payments.rates.usdMicros
        : input.provider === 'stars'
          ? payments.rates.starMicros
          : payments.rates.usdtMicros;
    const asked = quote(input.provider, input.amountMicros, rateMicros);
    if (input.provider === 'stars' && BigInt(asked.providerAmount) > MAX_INVOICE_STARS)
      throw new AppError('INVALID_AMOUNT', `an invoice is at most ${MAX_INVOICE_STARS} Stars`);
    const id = uuidv7();
    await ctx.em.execute(
      `insert into topups (id, pool_id, user_id, provider, status, amount_micros, provider_amount, provider_currency,
                           rate_micros, idempotency_key)
       values (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing`,
      [
        id,
        input.poolId,
        actor.userId,
        input.provider,
        input.amountMicros.toString(),
        asked.providerAmount,
        asked.providerCurrency,
        rateMicros,
        key,
      ],
    );
    topup = await findTopup(ctx.em, 'idempotency_key', key);
    if (!topup) throw new Error('startTopup: the top-up vanished after insert');
  }
  if (topup.payUrl || topup.provider === 'stars') return topup;

  const description = `Top-up of ${access.pool.name}`;
  const back = `${payments.publicUrl.replace(/\/$/, '')}/topups/${topup.id}`;
  try {
    const page =
      topup.provider === 'stripe'
        ? await (async () => {
            const session = await (payments.stripe as NonNullable<typeof payments.stripe>).createCheckout({
              topupId: topup.id,
              amountCents: topup.providerAmount,
              description,
              successUrl: `${back}?paid=1`,
              cancelUrl: back,
              idempotencyKey: key,
            });
            return { ref: session.id, url: session.url ?? '' };
          })()
        : await (async () => {
            const invoice = await (payments.nowpayments as NonNullable<typeof payments.nowpayments>).createInvoice({
              orderId: topup.id,
              priceAmount: topup.providerAmount,
              payCurrency: topup.providerCurrency,
              description,
              ipnUrl: `${payments.publicUrl.replace(/\/$/, '')}/webhooks/nowpayments`,
              successUrl: `${back}?paid=1`,
            });
            return { ref: `invoice:${invoice.invoiceId}`, url: invoice.url };
          })();
    await ctx.em.execute(
      'update topups set provider_ref = ?, pay_url = ?, updated_at = now() where id = ? and pay_url is null',
      [page.ref, page.url, topup.id],
    );
  } catch (error) {
    if (isAppError(error)) throw error;
    // The provider did not answer: the top-up stays pending (a retry with the key asks again), the caller hears why.
    throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE', (error as Error).message.slice(0, 200));
  }
  return requireTopup(ctx.em, topup.id);
}
