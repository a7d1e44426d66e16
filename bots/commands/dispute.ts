import { AppError } from '../../core/errors.ts';
import type { Dispute } from '../../core/disputes/dispute-view.ts';
import { getDispute } from '../../core/disputes/get-dispute.ts';
import { openDispute } from '../../core/disputes/open-dispute.ts';
import { voteOnDispute } from '../../core/disputes/vote-dispute.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { actionButton, shortCode } from '../actions.ts';
import { amountArg, resolveId } from '../economy-args.ts';
import { formatAmount, type Locale, t } from '../i18n.ts';
import { compactId, POOL_OPTION, required, type Button, type CommandDef } from '../command.ts';

const OUTCOMES = ['full', 'half', 'partial', 'payout'] as const;

/** The vote buttons a decider gets with a dispute: full refund, half refund, pay the seller. */
export function disputeVoteButtons(locale: Locale, disputeId: string): Button[] {
  const id = compactId(disputeId);
  return [
    actionButton(t(locale, 'dispute-button-full'), 'dispute', 'vote', { id, choice: 'full' }),
    actionButton(t(locale, 'dispute-button-half'), 'dispute', 'vote', { id, choice: 'half' }),
    actionButton(t(locale, 'dispute-button-payout'), 'dispute', 'vote', { id, choice: 'payout' }),
  ];
}

function summary(locale: Locale, dispute: Dispute, currency: string): string {
  const outcome = dispute.outcome ? t(locale, `dispute-outcome-${dispute.outcome}`) : '—';
  return t(locale, 'dispute-summary', {
    code: shortCode(dispute.id),
    title: dispute.title,
    amount: formatAmount(locale, dispute.amountMicros),
    currency,
    state: t(locale, `dispute-state-${dispute.status}`),
    outcome,
    refund: formatAmount(locale, dispute.refundMicros ?? 0n),
    votes: dispute.votes.length,
    statements: dispute.statements.map((s) => `· ${s.text}`).join('\n'),
  });
}

/** Disputes: a party opens one on a deal; officers and the owner who are not parties vote (buttons or a command). */
export const dispute: CommandDef = {
  name: 'dispute',
  descriptionKey: 'cmd-dispute',
  subcommands: {
    open: {
      descriptionKey: 'cmd-dispute-open',
      options: [
        { name: 'deal', type: 'deal', required: true, descriptionKey: 'cmd-deal-opt-deal' },
        { name: 'statement', type: 'string', required: true, text: true, descriptionKey: 'cmd-dispute-opt-statement' },
        POOL_OPTION,
      ],
      async run(ctx, args) {
        const dealId = await resolveId(ctx, 'deals', args.deal, args.pool);
        const opened = await openDispute(ctx.app, ctx.actor, { dealId, statement: required(args, 'statement') });
        return ctx.reply('dispute-opened', { code: shortCode(opened.id), title: opened.title }, { private: true });
      },
    },
    vote: {
      descriptionKey: 'cmd-dispute-vote',
      options: [
        { name: 'id', type: 'string', required: true, descriptionKey: 'cmd-dispute-opt-id' },
        {
          name: 'choice',
          type: 'string',
          required: true,
          descriptionKey: 'cmd-dispute-opt-outcome',
          choices: OUTCOMES,
        },
        { name: 'refund', type: 'string', required: false, descriptionKey: 'cmd-dispute-opt-refund' },
        POOL_OPTION,
      ],
      async run(ctx, args) {
        const disputeId = await resolveId(ctx, 'disputes', args.id, args.pool);
        const outcome = required(args, 'choice');
        if (!OUTCOMES.includes(outcome as (typeof OUTCOMES)[number]))
          throw new AppError('VALIDATION_FAILED', 'outcome: full, half, partial or payout');
        const current = await getDispute(ctx.app, ctx.actor, { disputeId });
        const refundMicros =
          outcome === 'half' ? current.amountMicros / 2n : outcome === 'partial' ? amountArg(args.refund) : undefined;
        const result = await voteOnDispute(ctx.app, ctx.actor, {
          disputeId,
          outcome: outcome === 'full' ? 'refund_full' : outcome === 'payout' ? 'payout' : 'refund_partial',
          refundMicros,
        });
        const { pool } = await getPool(ctx.app, ctx.actor, { poolId: current.poolId });
        const key = {
          counted: 'dispute-vote-counted',
          'already-voted': 'dispute-vote-again',
          resolved: 'dispute-vote-resolved',
        }[result.kind];
        return {
          text: [
            ctx.t(key, { votes: result.dispute.votes.length, quorum: result.quorum }),
            summary(ctx.locale, result.dispute, pool.currency),
          ].join('\n'),
          private: true,
        };
      },
    },
    show: {
      descriptionKey: 'cmd-dispute-show',
      options: [{ name: 'id', type: 'string', required: true, descriptionKey: 'cmd-dispute-opt-id' }, POOL_OPTION],
      async run(ctx, args) {
        const found = await getDispute(ctx.app, ctx.actor, {
          disputeId: await resolveId(ctx, 'disputes', args.id, args.pool),
        });
        const { pool } = await getPool(ctx.app, ctx.actor, { poolId: found.poolId });
        const canVote =
          found.status === 'open' && found.buyerUserId !== ctx.actor.userId && found.sellerUserId !== ctx.actor.userId;
        return {
          text: summary(ctx.locale, found, pool.currency),
          private: true,
          buttons: canVote ? [disputeVoteButtons(ctx.locale, found.id)] : undefined,
        };
      },
    },
  },
};
