import { iceServersFor } from '../../core/gameboost/ice.ts';
import { processPresence } from '../../core/agents/presence.ts';
import { startSession } from '../../core/gameboost/start-session.ts';
import { loadOffer } from '../../core/market/offer-view.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { createPrompt } from '../../core/prompts/prompts.ts';
import { AppError } from '../../core/errors.ts';
import { resolveId, wholeArg } from '../economy-args.ts';
import { formatAmount, t } from '../i18n.ts';
import { onBotPromptDecided } from '../prompts.ts';
import { POOL_OPTION, type CommandDef } from '../command.ts';

const KIND = 'bot:rent';

/**
 * Rents a GameBoost slot: after a private Confirm the rent is held and the seeker gets the player link (the session
 * and its viewer token travel in the link's fragment, so only their browser sees them).
 */
export const rent: CommandDef = {
  name: 'rent',
  descriptionKey: 'cmd-rent',
  options: [
    { name: 'offer', type: 'offer', required: true, descriptionKey: 'cmd-rent-opt-offer' },
    { name: 'minutes', type: 'string', required: false, descriptionKey: 'cmd-rent-opt-minutes' },
    POOL_OPTION,
  ],
  async run(ctx, args) {
    const offerId = await resolveId(ctx, 'offers', args.offer, args.pool);
    const minutes = wholeArg('minutes', args.minutes, 1, 1440, 60);
    const offer = await loadOffer(ctx.app.em, offerId);
    if (offer.kind !== 'gameboost_slot' || !offer.machineId)
      throw new AppError('OFFER_NOT_AVAILABLE', 'not a GameBoost slot');
    // Said before asking to confirm: nobody confirms a rent on a machine that is off.
    const online = await (ctx.app.presence ?? processPresence).online([offer.machineId]);
    if (!online.has(offer.machineId)) throw new AppError('MACHINE_OFFLINE');
    const { pool } = await getPool(ctx.app, ctx.actor, { poolId: offer.poolId });
    const prompt = await createPrompt(ctx.app, ctx.actor, {
      kind: KIND,
      poolId: offer.poolId,
      audience: 'creator',
      payload: { offerId, minutes, publicUrl: ctx.publicUrl },
      ttlSeconds: 120,
    });
    return {
      text: ctx.t('rent-confirm', {
        title: offer.title,
        minutes,
        amount: formatAmount(ctx.locale, (offer.priceMicros * BigInt(minutes) + 59n) / 60n),
        currency: pool.currency,
      }),
      private: true,
      prompt: { id: prompt.id, audience: 'creator' },
    };
  },
};

onBotPromptDecided(KIND, async ({ app, prompt, locale }) => {
  if (prompt.status !== 'confirmed') return t(locale, 'prompt-cancelled');
  const { session, viewerToken } = await startSession(
    app,
    { userId: prompt.createdBy, isGlobalAdmin: false },
    {
      offerId: String(prompt.payload.offerId),
      minutes: Number(prompt.payload.minutes),
      idempotencyKey: `prompt:${prompt.id}`,
    },
  );
  if (!viewerToken) return t(locale, 'rent-again');
  const ice = encodeURIComponent(JSON.stringify(iceServersFor(app.ice, `viewer-${session.id}`)));
  const base = (typeof prompt.payload.publicUrl === 'string' ? prompt.payload.publicUrl : '').replace(/\/$/, '');
  const link = `${base}/play#session=${session.id}&token=${encodeURIComponent(viewerToken)}&ice=${ice}&lang=${locale}&back=/sessions/${session.id}`;
  return t(locale, 'rent-ready', { minutes: session.rentedMinutes, link });
});
