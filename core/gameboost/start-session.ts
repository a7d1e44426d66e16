import { createHash, randomBytes } from 'node:crypto';
import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { processPresence } from '../agents/presence.ts';
import { createHold } from '../ledger/create-hold.ts';
import { loadOffer } from '../market/offer-view.ts';
import { cachedPlatformSettings } from '../platform/settings.ts';
import { requireStanding } from '../reputation/scores.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { findSession, requireSession, type Session } from './session-view.ts';

/** How long after the rented time the hold lives, so the end can always be settled. */
const HOLD_MARGIN_SECONDS = 3600;

export const viewerTokenHash = (token: string) =>
  createHash('sha256').update(`power-realms:viewer:${token}`).digest('hex');

/**
 * A seeker rents a GameBoost slot for some minutes: the machine's agent must be connected; the price of the whole
 * rent is held (buyer → node), and a short-lived viewer token lets the browser signal with that agent only. The agent
 * is told through the bus (SessionRequested). The platform fee rate is fixed now. Idempotent on the edge's key.
 */
export async function startSession(
  ctx: AppContext,
  actor: Actor,
  input: { offerId: string; minutes: number; idempotencyKey: string },
): Promise<{ session: Session; viewerToken: string | null; replayed: boolean }> {
  if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > 1440)
    throw new AppError('VALIDATION_FAILED', 'minutes: a whole number from 1 to 1440');
  const ledgerKey = `session:${input.idempotencyKey}`;
  const existing = await findSession(ctx.em, 'ledger_key', ledgerKey);
  if (existing) {
    if (
      existing.buyerUserId !== actor.userId ||
      existing.offerId !== input.offerId ||
      existing.rentedMinutes !== input.minutes
    )
      throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { session: existing, viewerToken: null, replayed: true };
  }
  const offer = await loadOffer(ctx.em, input.offerId);
  if (offer.kind !== 'gameboost_slot' || !offer.machineId)
    throw new AppError('OFFER_NOT_AVAILABLE', 'not a GameBoost slot');
  if (offer.status !== 'active') throw new AppError('OFFER_NOT_AVAILABLE', `the offer is ${offer.status}`);
  if (offer.sellerUserId === actor.userId) throw new AppError('OWN_OFFER');
  const access = await loadPoolAccess(ctx.em, actor, offer.poolId);
  requirePoolRole(access, 'member');
  await requireStanding(ctx.em, offer.poolId, actor.userId, 'buy');
  const presence = ctx.presence ?? processPresence;
  if (!(await presence.online([offer.machineId])).has(offer.machineId)) throw new AppError('MACHINE_OFFLINE');
  const busy = await ctx.em.execute(
    "select 1 from gameboost_sessions where machine_id = ? and status in ('reserving', 'waiting', 'live')",
    [offer.machineId],
  );
  if (busy.length > 0) throw new AppError('OFFER_NOT_AVAILABLE', 'the machine is in another session');

  const holdMicros = (offer.priceMicros * BigInt(input.minutes) + 59n) / 60n;
  const { platformFeeBps } = await cachedPlatformSettings(ctx);
  const viewerToken = randomBytes(24).toString('base64url');
  const id = uuidv7();
  await ctx.em.execute(
    `insert into gameboost_sessions (id, pool_id, offer_id, machine_id, buyer_user_id, seller_user_id, rented_minutes,
       price_per_hour_micros, hold_micros, fee_bps, ledger_key, status, viewer_token_hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'reserving', ?)`,
    [
      id,
      offer.poolId,
      offer.id,
      offer.machineId,
      actor.userId,
      offer.sellerUserId,
      input.minutes,
      offer.priceMicros.toString(),
      holdMicros.toString(),
      platformFeeBps,
      ledgerKey,
      viewerTokenHash(viewerToken),
    ],
  );
  const open = (userId: string) =>
    ctx.ledger.store.openAccount({ poolId: offer.poolId, currency: access.pool.currency, kind: 'member', userId });
  const [buyer, seller] = await Promise.all([open(actor.userId), open(offer.sellerUserId)]);
  try {
    const { hold } = await createHold(ctx.ledger, {
      poolId: offer.poolId,
      payerAccountId: buyer.id,
      payeeAccountId: seller.id,
      amountMicros: holdMicros,
      timeoutSeconds: input.minutes * 60 + HOLD_MARGIN_SECONDS,
      code: 'gameboost',
      memo: `GameBoost ${input.minutes} min on ${offer.machineName ?? offer.title}`.slice(0, 500),
      idempotencyKey: ledgerKey,
    });
    await ctx.em.transactional(async (em) => {
      await em.execute(
        "update gameboost_sessions set status = 'waiting', hold_id = ? where id = ? and status = 'reserving'",
        [hold.id, id],
      );
      await recordEvent(em, {
        type: 'SessionRequested',
        poolId: offer.poolId,
        payload: {
          sessionId: id,
          machineId: offer.machineId,
          buyerUserId: actor.userId,
          sellerUserId: offer.sellerUserId,
          minutes: input.minutes,
          amountMicros: holdMicros.toString(),
        },
      });
    });
  } catch (error) {
    if (isAppError(error))
      await ctx.em.execute("update gameboost_sessions set status = 'failed', ended_at = now() where id = ?", [id]);
    throw error;
  }
  return { session: await requireSession(ctx.em, id), viewerToken, replayed: false };
}
