import { AppError } from '../../core/errors.ts';
import { createOffer } from '../../core/market/create-offer.ts';
import { OFFER_KINDS, type OfferKind } from '../../core/pools/pool-view.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { shortCode } from '../actions.ts';
import { amountArg, wholeArg } from '../economy-args.ts';
import { formatAmount } from '../i18n.ts';
import { chatPool, required, type CommandDef } from '../command.ts';

/**
 * Lists an offer in the chat's pool. Rentals (compute time, GameBoost slots) name one of the seller's machines by
 * name; the price is per hour for them, per item otherwise. Private access is listed through the API or web.
 */
export const sell: CommandDef = {
  name: 'sell',
  descriptionKey: 'cmd-sell',
  options: [
    {
      name: 'kind',
      type: 'string',
      required: true,
      descriptionKey: 'cmd-sell-opt-kind',
      choices: OFFER_KINDS.filter((k) => k !== 'private_access'),
    },
    { name: 'price', type: 'string', required: true, descriptionKey: 'cmd-sell-opt-price' },
    { name: 'title', type: 'string', required: true, text: true, descriptionKey: 'cmd-sell-opt-title' },
    { name: 'machine', type: 'string', required: false, descriptionKey: 'cmd-sell-opt-machine' },
    { name: 'quantity', type: 'string', required: false, descriptionKey: 'cmd-sell-opt-quantity' },
  ],
  async run(ctx, args) {
    const { poolId } = await chatPool(ctx);
    const kind = required(args, 'kind') as OfferKind;
    if (!OFFER_KINDS.includes(kind) || kind === 'private_access')
      throw new AppError('VALIDATION_FAILED', `kind: one of compute_time, gameboost_slot, cosmetic`);
    const priceMicros = amountArg(args.price);
    let machineId: string | undefined;
    if (kind === 'compute_time' || kind === 'gameboost_slot') {
      const name = required(args, 'machine');
      const rows = await ctx.app.em.execute<{ id: string }[]>(
        'select id from machines where pool_id = ? and user_id = ? and lower(name) = lower(?) and removed_at is null',
        [poolId, ctx.actor.userId, name],
      );
      if (!rows[0]) throw new AppError('MACHINE_NOT_FOUND', 'not one of your machines here');
      machineId = rows[0].id;
    }
    const quantity = args.quantity ? wholeArg('quantity', args.quantity, 1, 100_000) : undefined;
    const offer = await createOffer(ctx.app, ctx.actor, {
      poolId,
      kind,
      title: required(args, 'title'),
      priceMicros,
      quantity,
      machineId,
    });
    const { pool } = await getPool(ctx.app, ctx.actor, { poolId });
    return ctx.reply('sell-listed', {
      code: shortCode(offer.id),
      title: offer.title,
      price: formatAmount(ctx.locale, offer.priceMicros),
      currency: pool.currency,
      unit: ctx.t(kind === 'cosmetic' ? 'unit-item' : 'unit-hour'),
    });
  },
};
