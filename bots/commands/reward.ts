import { getPool } from '../../core/pools/get-pool.ts';
import { createPrompt } from '../../core/prompts/prompts.ts';
import { chargeMembershipFees } from '../../core/rewards/membership-fees.ts';
import { recordContribution } from '../../core/rewards/record-contribution.ts';
import { releaseReward } from '../../core/rewards/release-reward.ts';
import { settleRewards } from '../../core/rewards/settle-rewards.ts';
import { AppError } from '../../core/errors.ts';
import { amountArg, wholeArg } from '../economy-args.ts';
import { formatAmount, t } from '../i18n.ts';
import { onBotPromptDecided } from '../prompts.ts';
import { chatPool, required, type CommandDef } from '../command.ts';
import { expandId } from '../command.ts';

const KIND = 'bot:reward';

/** The owner's pool income tools: record work, distribute a reward by it, release it, charge membership fees. */
export const reward: CommandDef = {
  name: 'reward',
  descriptionKey: 'cmd-reward',
  subcommands: {
    contribute: {
      descriptionKey: 'cmd-reward-contribute',
      options: [
        { name: 'member', type: 'member', required: true, descriptionKey: 'cmd-reward-opt-member' },
        { name: 'units', type: 'string', required: true, descriptionKey: 'cmd-reward-opt-units' },
      ],
      async run(ctx, args) {
        const { poolId } = await chatPool(ctx);
        const userId = await ctx.resolveMember(required(args, 'member'));
        if (!userId) throw new AppError('MEMBER_NOT_FOUND');
        const units = wholeArg('units', args.units, 1, 1_000_000_000);
        await recordContribution(ctx.app, ctx.actor, {
          poolId,
          userId,
          units: BigInt(units),
          idempotencyKey: ctx.idempotencyKey,
        });
        return ctx.reply('reward-contributed', { units });
      },
    },
    settle: {
      descriptionKey: 'cmd-reward-settle',
      options: [
        { name: 'amount', type: 'string', required: true, descriptionKey: 'cmd-reward-opt-amount' },
        { name: 'hours', type: 'string', required: false, descriptionKey: 'cmd-reward-opt-hours' },
      ],
      async run(ctx, args) {
        const { poolId } = await chatPool(ctx);
        const amountMicros = amountArg(args.amount);
        const hours = wholeArg('hours', args.hours, 1, 24 * 366, 24 * 7);
        const { pool, membership } = await getPool(ctx.app, ctx.actor, { poolId });
        if (membership?.role !== 'owner') throw new AppError('NOT_POOL_OWNER');
        const prompt = await createPrompt(ctx.app, ctx.actor, {
          kind: KIND,
          poolId,
          audience: 'creator',
          payload: { amountMicros: amountMicros.toString(), hours },
          ttlSeconds: 300,
        });
        return {
          text: ctx.t('reward-confirm', {
            amount: formatAmount(ctx.locale, amountMicros),
            currency: pool.currency,
            hours,
          }),
          private: true,
          prompt: { id: prompt.id, audience: 'creator' },
        };
      },
    },
    release: {
      descriptionKey: 'cmd-reward-release',
      options: [{ name: 'id', type: 'string', required: true, descriptionKey: 'cmd-reward-opt-id' }],
      async run(ctx, args) {
        const raw = required(args, 'id').toLowerCase().replace(/-/g, '');
        if (!/^[0-9a-f]{32}$/.test(raw)) throw new AppError('REWARD_NOT_FOUND');
        const released = await releaseReward(ctx.app, ctx.actor, { rewardId: expandId(raw) });
        const { pool } = await getPool(ctx.app, ctx.actor, { poolId: released.poolId });
        return ctx.reply('reward-released', {
          amount: formatAmount(ctx.locale, released.amountMicros),
          currency: pool.currency,
          members: released.shares.length,
        });
      },
    },
    fees: {
      descriptionKey: 'cmd-reward-fees',
      options: [{ name: 'period', type: 'string', required: true, descriptionKey: 'cmd-reward-opt-period' }],
      async run(ctx, args) {
        const { poolId } = await chatPool(ctx);
        const result = await chargeMembershipFees(ctx.app, ctx.actor, { poolId, period: required(args, 'period') });
        const { pool } = await getPool(ctx.app, ctx.actor, { poolId });
        return ctx.reply(
          'reward-fees',
          {
            paid: result.paid,
            unpaid: result.unpaid,
            amount: formatAmount(ctx.locale, result.collectedMicros),
            currency: pool.currency,
          },
          { private: true },
        );
      },
    },
  },
};

onBotPromptDecided(KIND, async ({ app, prompt, locale }) => {
  if (prompt.status !== 'confirmed') return t(locale, 'prompt-cancelled');
  const hours = Number(prompt.payload.hours);
  const windowEnd = new Date(prompt.expiresAt.getTime());
  const settled = await settleRewards(
    app,
    { userId: prompt.createdBy, isGlobalAdmin: false },
    {
      poolId: prompt.poolId,
      amountMicros: BigInt(String(prompt.payload.amountMicros)),
      windowStart: new Date(windowEnd.getTime() - hours * 3_600_000),
      windowEnd,
      source: 'treasury',
      idempotencyKey: `prompt:${prompt.id}`,
    },
  );
  return t(locale, 'reward-held', {
    members: settled.shares.length,
    id: settled.id,
    release: settled.releaseAt.toISOString().slice(0, 16).replace('T', ' '),
  });
});
