import { createReferralCode, listReferralCodes } from '../../core/referrals/referral-codes.ts';
import { personalPool, POOL_OPTION, type CommandDef } from '../command.ts';

export const invite: CommandDef = {
  name: 'invite',
  descriptionKey: 'cmd-invite',
  options: [POOL_OPTION],
  async run(ctx, args) {
    const { poolId } = await personalPool(ctx, args.pool);
    const input = { poolId, publicUrl: ctx.publicUrl };
    let listed = await listReferralCodes(ctx.app, ctx.actor, input);
    let live = listed.codes.find((code) => !code.revoked);
    if (!live) {
      live = await createReferralCode(ctx.app, ctx.actor, input);
      listed = { ...listed, codes: [live, ...listed.codes] };
    }
    return ctx.reply(
      'invite',
      { link: live.link, joined: listed.joined, active: listed.stillActive },
      { private: true },
    );
  },
};
