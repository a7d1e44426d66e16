import { AppError } from '../../core/errors.ts';
import { buyMachineSlots } from '../../core/machines/buy-machine-slots.ts';
import { machineLimit } from '../../core/machines/machine-limit.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { createPrompt } from '../../core/prompts/prompts.ts';
import { formatAmount, t } from '../i18n.ts';
import { onBotPromptDecided } from '../prompts.ts';
import { chatPool, type CommandDef } from '../command.ts';

const KIND = 'bot:buy-slots';
const CONFIRM_SECONDS = 120;

/** Buys extra machine slots: money moves only after the buyer presses Confirm on a private prompt. */
export const slots: CommandDef = {
  name: 'slots',
  descriptionKey: 'cmd-slots',
  options: [{ name: 'count', type: 'string', required: true, descriptionKey: 'cmd-slots-opt-count' }],
  async run(ctx, args) {
    const { poolId } = await chatPool(ctx);
    const count = Number(args.count?.trim());
    if (!Number.isInteger(count) || count < 1 || count > 100)
      throw new AppError('VALIDATION_FAILED', 'slots: a whole number from 1 to 100');
    const { pool } = await getPool(ctx.app, ctx.actor, { poolId });
    const price = pool.settings.machineSlotPriceMicros;
    if (price === null) throw new AppError('SLOTS_NOT_FOR_SALE');
    const prompt = await createPrompt(ctx.app, ctx.actor, {
      kind: KIND,
      poolId,
      audience: 'creator',
      payload: { slots: count },
      ttlSeconds: CONFIRM_SECONDS,
    });
    return {
      text: ctx.t('slots-confirm', {
        slots: count,
        amount: formatAmount(ctx.locale, price * BigInt(count)),
        currency: pool.currency,
      }),
      private: true,
      prompt: { id: prompt.id, audience: 'creator' },
    };
  },
};

onBotPromptDecided(KIND, async ({ app, prompt, locale }) => {
  if (prompt.status !== 'confirmed') return t(locale, 'prompt-cancelled');
  const actor = { userId: prompt.createdBy, isGlobalAdmin: false };
  const count = Number(prompt.payload.slots);
  // The prompt's id is the purchase's idempotency key: the purchase happens once, whatever is pressed or replayed.
  const bought = await buyMachineSlots(app, actor, {
    poolId: prompt.poolId,
    slots: count,
    idempotencyKey: `prompt:${prompt.id}`,
  });
  const [limit, { pool }] = await Promise.all([
    machineLimit(app.em, prompt.poolId, prompt.createdBy),
    getPool(app, actor, { poolId: prompt.poolId }),
  ]);
  return t(locale, 'slots-bought', {
    slots: count,
    amount: formatAmount(locale, bought.totalMicros),
    currency: pool.currency,
    limit: limit.limit,
  });
});
