import { AppError } from '../../core/errors.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { createPrompt } from '../../core/prompts/prompts.ts';
import { completeWithdrawal } from '../../core/withdrawals/complete-withdrawal.ts';
import { DESTINATION_KINDS, parseDestination, type DestinationKind } from '../../core/withdrawals/destination.ts';
import { listWithdrawals } from '../../core/withdrawals/list-withdrawals.ts';
import { requestWithdrawal } from '../../core/withdrawals/request-withdrawal.ts';
import '../../core/withdrawals/decide-withdrawal.ts';
import { shortCode } from '../actions.ts';
import { amountArg, resolveId } from '../economy-args.ts';
import { formatAmount, t } from '../i18n.ts';
import { onBotPromptDecided } from '../prompts.ts';
import { BotRefusal, personalPool, POOL_OPTION, required, type CommandDef } from '../command.ts';

const KIND = 'bot:withdraw';
const CONFIRM_SECONDS = 300;

/**
 * Off-platform withdrawals. A request is confirmed privately first; then the amount is held and the approval goes to
 * the pool's officers and owner. The destination is private data: on Telegram it is only taken in the private chat.
 */
export const withdraw: CommandDef = {
  name: 'withdraw',
  descriptionKey: 'cmd-withdraw',
  subcommands: {
    request: {
      descriptionKey: 'cmd-withdraw-request',
      options: [
        { name: 'amount', type: 'string', required: true, descriptionKey: 'cmd-withdraw-opt-amount' },
        {
          name: 'kind',
          type: 'string',
          required: true,
          descriptionKey: 'cmd-withdraw-opt-kind',
          choices: DESTINATION_KINDS,
        },
        {
          name: 'destination',
          type: 'string',
          required: true,
          text: true,
          descriptionKey: 'cmd-withdraw-opt-destination',
        },
        POOL_OPTION,
      ],
      async run(ctx, args) {
        if (ctx.chat.platform === 'telegram' && ctx.chat.chatId !== null) throw new BotRefusal('withdraw-private-only');
        const { poolId } = await personalPool(ctx, args.pool);
        const amountMicros = amountArg(args.amount);
        const kind = required(args, 'kind') as DestinationKind;
        if (!DESTINATION_KINDS.includes(kind))
          throw new AppError('VALIDATION_FAILED', `kind: ${DESTINATION_KINDS.join(', ')}`);
        const destination = parseDestination(kind, required(args, 'destination'));
        if (!destination.ok)
          throw new AppError('INVALID_DESTINATION', destination.error, { detail: destination.error });
        const { pool } = await getPool(ctx.app, ctx.actor, { poolId });
        const prompt = await createPrompt(ctx.app, ctx.actor, {
          kind: KIND,
          poolId,
          audience: 'creator',
          payload: { amountMicros: amountMicros.toString(), kind, destination: destination.value },
          ttlSeconds: CONFIRM_SECONDS,
        });
        return {
          text: ctx.t('withdraw-confirm', {
            amount: formatAmount(ctx.locale, amountMicros),
            currency: pool.currency,
            kind: ctx.t(`destination-${kind}`),
            destination: destination.value,
            quorum: pool.settings.withdrawalQuorum,
          }),
          private: true,
          prompt: { id: prompt.id, audience: 'creator' },
        };
      },
    },
    status: {
      descriptionKey: 'cmd-withdraw-status',
      options: [POOL_OPTION],
      async run(ctx, args) {
        const { poolId } = await personalPool(ctx, args.pool);
        const [rows, { pool }] = await Promise.all([
          listWithdrawals(ctx.app, ctx.actor, { poolId, limit: 10 }),
          getPool(ctx.app, ctx.actor, { poolId }),
        ]);
        if (rows.length === 0) return ctx.reply('withdraw-none', { pool: pool.name }, { private: true });
        const lines = rows.map((w) =>
          ctx.t('withdraw-line', {
            code: shortCode(w.id),
            amount: formatAmount(ctx.locale, w.amountMicros),
            currency: pool.currency,
            state: ctx.t(`withdraw-state-${w.status}`),
            approvals: w.approvals,
            quorum: w.quorum,
            mine: w.userId === ctx.actor.userId ? 'yes' : 'no',
          }),
        );
        return { text: [ctx.t('withdraw-header', { pool: pool.name }), ...lines].join('\n'), private: true };
      },
    },
    paid: {
      descriptionKey: 'cmd-withdraw-paid',
      options: [
        { name: 'id', type: 'string', required: true, descriptionKey: 'cmd-withdraw-opt-id' },
        { name: 'reference', type: 'string', required: true, text: true, descriptionKey: 'cmd-withdraw-opt-reference' },
        POOL_OPTION,
      ],
      async run(ctx, args) {
        const withdrawalId = await resolveId(ctx, 'withdrawals', args.id, args.pool);
        const done = await completeWithdrawal(ctx.app, ctx.actor, {
          withdrawalId,
          reference: required(args, 'reference'),
        });
        const { pool } = await getPool(ctx.app, ctx.actor, { poolId: done.poolId });
        return ctx.reply(
          'withdraw-paid',
          { code: shortCode(done.id), amount: formatAmount(ctx.locale, done.amountMicros), currency: pool.currency },
          { private: true },
        );
      },
    },
  },
};

onBotPromptDecided(KIND, async ({ app, prompt, locale }) => {
  if (prompt.status !== 'confirmed') return t(locale, 'prompt-cancelled');
  const actor = { userId: prompt.createdBy, isGlobalAdmin: false };
  const { withdrawal } = await requestWithdrawal(app, actor, {
    poolId: prompt.poolId,
    amountMicros: BigInt(String(prompt.payload.amountMicros)),
    destinationKind: prompt.payload.kind as DestinationKind,
    destination: String(prompt.payload.destination),
    idempotencyKey: `prompt:${prompt.id}`,
  });
  return t(locale, 'withdraw-requested', { code: shortCode(withdrawal.id), quorum: withdrawal.quorum });
});
