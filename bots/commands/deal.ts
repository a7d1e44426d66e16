import { cancelDeal } from '../../core/market/cancel-deal.ts';
import { confirmDeal } from '../../core/market/complete-deal.ts';
import type { Deal } from '../../core/market/deal-view.ts';
import { deliverDeal } from '../../core/market/deliver-deal.ts';
import { listMyDeals } from '../../core/market/list-deals.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { actionButton, shortCode } from '../actions.ts';
import { resolveId } from '../economy-args.ts';
import { formatAmount } from '../i18n.ts';
import {
  compactId,
  personalPool,
  POOL_OPTION,
  type Button,
  type CommandContext,
  type CommandDef,
  type OptionDef,
  type SubcommandDef,
} from '../command.ts';

const DEAL: OptionDef = { name: 'deal', type: 'deal', required: true, descriptionKey: 'cmd-deal-opt-deal' };

/** The next steps the caller can take on a deal, as buttons. */
function dealButtons(ctx: CommandContext, deal: Deal): Button[] {
  const id = { deal: compactId(deal.id) };
  const code = shortCode(deal.id);
  const buttons: Button[] = [];
  const seller = deal.sellerUserId === ctx.actor.userId;
  if (seller && deal.status === 'reserved')
    buttons.push(actionButton(ctx.t('deal-button-deliver', { code }), 'deal', 'deliver', id));
  if (!seller && (deal.status === 'reserved' || deal.status === 'delivered'))
    buttons.push(actionButton(ctx.t('deal-button-confirm', { code }), 'deal', 'confirm', id));
  if ((!seller && deal.status === 'reserved') || (seller && deal.status !== 'disputed'))
    buttons.push(actionButton(ctx.t('deal-button-cancel', { code }), 'deal', 'cancel', id));
  return buttons;
}

function dealText(ctx: CommandContext, deal: Deal, currency: string): string {
  return ctx.t('deal-line', {
    code: shortCode(deal.id),
    title: deal.title,
    quantity: deal.quantity,
    amount: formatAmount(ctx.locale, deal.totalMicros),
    currency,
    role: ctx.t(deal.sellerUserId === ctx.actor.userId ? 'deal-role-seller' : 'deal-role-buyer'),
    state: ctx.t(`deal-state-${deal.status}`),
  });
}

const step = (
  descriptionKey: string,
  run: (ctx: CommandContext, dealId: string) => Promise<Deal>,
  doneKey: string,
): SubcommandDef => ({
  descriptionKey,
  options: [DEAL, POOL_OPTION],
  async run(ctx, args) {
    const deal = await run(ctx, await resolveId(ctx, 'deals', args.deal, args.pool));
    const { pool } = await getPool(ctx.app, ctx.actor, { poolId: deal.poolId });
    return {
      text: ctx.t(doneKey, {
        code: shortCode(deal.id),
        title: deal.title,
        currency: pool.currency,
        amount: formatAmount(ctx.locale, deal.totalMicros),
      }),
      private: true,
    };
  },
});

/** Your deals and their next steps: the seller delivers, the buyer confirms (paying the seller) or either calls it off. */
export const deal: CommandDef = {
  name: 'deal',
  descriptionKey: 'cmd-deal',
  subcommands: {
    list: {
      descriptionKey: 'cmd-deal-list',
      options: [POOL_OPTION],
      async run(ctx, args) {
        const { poolId } = await personalPool(ctx, args.pool);
        const [deals, { pool }] = await Promise.all([
          listMyDeals(ctx.app, ctx.actor, { poolId, open: true, limit: 10 }),
          getPool(ctx.app, ctx.actor, { poolId }),
        ]);
        if (deals.length === 0) return ctx.reply('deal-none', { pool: pool.name }, { private: true });
        return {
          text: [ctx.t('deal-header', { pool: pool.name }), ...deals.map((d) => dealText(ctx, d, pool.currency))].join(
            '\n',
          ),
          private: true,
          buttons: deals
            .map((d) => dealButtons(ctx, d))
            .filter((row) => row.length > 0)
            .slice(0, 4),
        };
      },
    },
    deliver: step('cmd-deal-deliver', (ctx, dealId) => deliverDeal(ctx.app, ctx.actor, { dealId }), 'deal-delivered'),
    confirm: step('cmd-deal-confirm', (ctx, dealId) => confirmDeal(ctx.app, ctx.actor, { dealId }), 'deal-confirmed'),
    cancel: step('cmd-deal-cancel', (ctx, dealId) => cancelDeal(ctx.app, ctx.actor, { dealId }), 'deal-cancelled'),
  },
};
