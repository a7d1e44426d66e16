import { AppError } from '../../core/errors.ts';
import { canReadAsMember, loadPoolAccess } from '../../core/access/pool-access.ts';
import { standingOf } from '../../core/reputation/scores.ts';
import { personalPool, POOL_OPTION, type CommandDef } from '../command.ts';

/** A member's rating as a seller/node and reliability as a member, with what they come from. */
export const rating: CommandDef = {
  name: 'rating',
  descriptionKey: 'cmd-rating',
  options: [{ name: 'member', type: 'member', required: false, descriptionKey: 'cmd-rating-opt-member' }, POOL_OPTION],
  async run(ctx, args) {
    const { poolId } = await personalPool(ctx, args.pool);
    if (!canReadAsMember(await loadPoolAccess(ctx.app.em, ctx.actor, poolId))) throw new AppError('NOT_A_MEMBER');
    const userId = args.member ? await ctx.resolveMember(args.member) : ctx.actor.userId;
    if (!userId) throw new AppError('MEMBER_NOT_FOUND');
    const s = await standingOf(ctx.app.em, poolId, userId);
    return ctx.reply('rating', {
      rating: s.rating,
      reliability: s.reliability,
      sales: s.completedSales,
      lost: s.disputesLostAsSeller,
      purchases: s.completedPurchases,
    });
  },
};
