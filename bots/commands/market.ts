import { listOffers } from '../../core/market/list-offers.ts';
import type { Offer } from '../../core/market/offer-view.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { OFFER_KINDS, type OfferKind } from '../../core/pools/pool-view.ts';
import { actionButton, shortCode } from '../actions.ts';
import { amountArg, wholeArg } from '../economy-args.ts';
import { formatAmount } from '../i18n.ts';
import { compactId, personalPool, POOL_OPTION, type Button, type CommandContext, type CommandDef } from '../command.ts';

const PAGE = 5;

/** One offer as a line of the marketplace list. */
export function offerLine(ctx: CommandContext, offer: Offer, currency: string): string {
  return ctx.t('market-line', {
    code: shortCode(offer.id),
    title: offer.title,
    kind: ctx.t(`offer-kind-${offer.kind}`),
    price: formatAmount(ctx.locale, offer.priceMicros),
    currency,
    unit: ctx.t(offer.kind === 'compute_time' || offer.kind === 'gameboost_slot' ? 'unit-hour' : 'unit-item'),
    seller: offer.sellerName,
    rating: offer.sellerRating,
    left: offer.quantityLeft ?? -1,
    machine: offer.machineName ?? '',
  });
}

/**
 * Browses the pool's offers, cheapest (or best-rated) first, five a page, with a Buy button per offer and paging
 * buttons that edit the list in place. Filters by kind and price; private chats name the pool.
 */
export const market: CommandDef = {
  name: 'market',
  descriptionKey: 'cmd-market',
  options: [
    { name: 'kind', type: 'string', required: false, descriptionKey: 'cmd-market-opt-kind', choices: OFFER_KINDS },
    { name: 'max-price', type: 'string', required: false, descriptionKey: 'cmd-market-opt-max-price' },
    {
      name: 'sort',
      type: 'string',
      required: false,
      descriptionKey: 'cmd-market-opt-sort',
      choices: ['price', 'rating'],
    },
    POOL_OPTION,
  ],
  async run(ctx, args) {
    const { poolId } = await personalPool(ctx, args.pool);
    const kind = args.kind && OFFER_KINDS.includes(args.kind as OfferKind) ? (args.kind as OfferKind) : undefined;
    const maxPriceMicros = args['max-price'] ? amountArg(args['max-price']) : undefined;
    const sort = args.sort === 'rating' ? 'rating' : 'price';
    const offset = wholeArg('offset', args.offset, 0, 10_000, 0);
    const [{ offers, total }, { pool }] = await Promise.all([
      listOffers(ctx.app, ctx.actor, { poolId, kind, maxPriceMicros, sort, offset, limit: PAGE }),
      getPool(ctx.app, ctx.actor, { poolId }),
    ]);
    if (total === 0) return ctx.reply('market-empty', { pool: pool.name });
    const lines = offers.map((offer) => offerLine(ctx, offer, pool.currency));
    const buttons: Button[][] = offers.map((offer) => [
      actionButton(ctx.t('market-buy', { title: offer.title.slice(0, 40) }), 'buy', null, {
        offer: compactId(offer.id),
      }),
    ]);
    const page = (to: number) => {
      const state: Record<string, string> = { offset: String(to) };
      if (kind) state.kind = kind;
      if (sort === 'rating') state.sort = 'rating';
      if (ctx.chat.chatId === null) state.pool = compactId(poolId);
      return state;
    };
    const nav: Button[] = [];
    if (offset > 0) nav.push(actionButton(ctx.t('page-previous'), 'market', null, page(Math.max(0, offset - PAGE))));
    if (offset + PAGE < total) nav.push(actionButton(ctx.t('page-next'), 'market', null, page(offset + PAGE)));
    if (nav.length > 0) buttons.push(nav);
    return {
      text: [
        ctx.t('market-header', { pool: pool.name, from: offset + 1, to: offset + offers.length, total }),
        ...lines,
      ].join('\n'),
      private: false,
      buttons,
    };
  },
};
