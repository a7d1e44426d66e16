import { acceptOffer } from '../../core/market/accept-offer.ts';
import { loadOffer } from '../../core/market/offer-view.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { createPrompt } from '../../core/prompts/prompts.ts';
import { shortCode } from '../actions.ts';
import { resolveId, wholeArg } from '../economy-args.ts';
import { formatAmount, t } from '../i18n.ts';
import { onBotPromptDecided } from '../prompts.ts';
import { POOL_OPTION, type CommandDef } from '../command.ts';

const KIND = 'bot:buy';
const CONFIRM_SECONDS = 120;

/** Buy / Reserve: money is held only after the buyer presses Confirm on a private prompt. */
export const buy: CommandDef = {
  name: 'buy',
  descriptionKey: 'cmd-buy',
  options: [
    { name: 'offer', type: 'offer', required: true, descriptionKey: 'cmd-buy-opt-offer' },
    { name: 'quantity', type: 'string', required: false, descriptionKey: 'cmd-buy-opt-quantity' },
    POOL_OPTION,
  ],
  async run(ctx, args) {
    const offerId = await resolveId(ctx, 'offers', args.offer, args.pool);
    const quantity = wholeArg('quantity', args.quantity, 1, 1000, 1);
    const offer = await loadOffer(ctx.app.em, offerId);
    const { pool } = await getPool(ctx.app, ctx.actor, { poolId: offer.poolId });
    const prompt = await createPrompt(ctx.app, ctx.actor, {
      kind: KIND,
      poolId: offer.poolId,
      audience: 'creator',
      payload: { offerId, quantity },
      ttlSeconds: CONFIRM_SECONDS,
    });
    return {
      text: ctx.t('buy-confirm', {
        title: offer.title,
        quantity,
        seller: offer.sellerName,
        amount: formatAmount(ctx.locale, offer.priceMicros * BigInt(quantity)),
        currency: pool.currency,
      }),
      private: true,
      prompt: { id: prompt.id, audience: 'creator' },
    };
  },
};

onBotPromptDecided(KIND, async ({ app, prompt, locale }) => {
  if (prompt.status !== 'confirmed') return t(locale, 'prompt-cancelled');
  // The prompt's id is the deal's key: a double press or a replayed update buys once.
  const { deal } = await acceptOffer(
    app,
    { userId: prompt.createdBy, isGlobalAdmin: false },
    {
      offerId: String(prompt.payload.offerId),
      quantity: Number(prompt.payload.quantity),
      idempotencyKey: `prompt:${prompt.id}`,
    },
  );
  const { pool } = await getPool(app, { userId: prompt.createdBy, isGlobalAdmin: false }, { poolId: deal.poolId });
  return t(locale, 'buy-done', {
    title: deal.title,
    code: shortCode(deal.id),
    amount: formatAmount(locale, deal.totalMicros),
    currency: pool.currency,
  });
});
