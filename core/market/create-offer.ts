import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { formatMicros, MAX_MICROS } from '../money/amount.ts';
import { loadPoolView, type OfferKind } from '../pools/pool-view.ts';
import { requireStanding } from '../reputation/scores.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { loadOffer, RENTAL_KINDS, type Offer } from './offer-view.ts';

export interface CreateOfferInput {
  poolId: string;
  kind: OfferKind;
  title: string;
  description?: string;
  /** Per hour for compute time and GameBoost slots, per item otherwise. */
  priceMicros: bigint;
  /** Units on sale; omitted: unlimited. */
  quantity?: number;
  /** Compute time and GameBoost slots: the seller's registered machine in this pool. */
  machineId?: string;
  /** Private slot access: the private or premium pool the buyer enters (the seller runs it). */
  targetPoolId?: string;
}

/**
 * A member lists an offer. The pool's minimum price for the kind and its listing restriction (seller rating) apply;
 * rentals name one of the seller's machines; private access names a pool the seller owns or is an officer of.
 */
export async function createOffer(ctx: AppContext, actor: Actor, input: CreateOfferInput): Promise<Offer> {
  requirePoolRole(await loadPoolAccess(ctx.em, actor, input.poolId), 'member');
  const title = input.title.trim();
  if (title.length < 1 || title.length > 120)
    throw new AppError('VALIDATION_FAILED', 'title must be 1..120 characters');
  const description = (input.description ?? '').trim();
  if (description.length > 1000) throw new AppError('VALIDATION_FAILED', 'description has at most 1000 characters');
  if (input.priceMicros <= 0n || input.priceMicros > MAX_MICROS) throw new AppError('INVALID_AMOUNT');
  if (
    input.quantity !== undefined &&
    (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > 100_000)
  )
    throw new AppError('VALIDATION_FAILED', 'quantity must be a whole number from 1 to 100000');
  const pool = await loadPoolView(ctx.em, input.poolId);
  const minimum = pool.settings.minPricesMicros[input.kind];
  if (minimum !== undefined && input.priceMicros < minimum)
    throw new AppError('PRICE_BELOW_MINIMUM', `at least ${formatMicros(minimum)}`, {
      minimum: formatMicros(minimum),
      minimumMicros: minimum.toString(),
    });
  await requireStanding(ctx.em, input.poolId, actor.userId, 'list');

  const rental = RENTAL_KINDS.includes(input.kind);
  if (rental !== (input.machineId !== undefined))
    throw new AppError('VALIDATION_FAILED', rental ? 'a rental names a machine' : 'only rentals name a machine');
  if (input.machineId) {
    const machines = await ctx.em.execute(
      'select 1 from machines where id = ? and pool_id = ? and user_id = ? and removed_at is null',
      [input.machineId, input.poolId, actor.userId],
    );
    if (machines.length === 0) throw new AppError('MACHINE_NOT_FOUND', 'not one of your machines in this pool');
  }
  if ((input.kind === 'private_access') !== (input.targetPoolId !== undefined))
    throw new AppError('VALIDATION_FAILED', 'private access names the pool it opens, and only it does');
  if (input.targetPoolId) {
    const target = await loadPoolAccess(ctx.em, actor, input.targetPoolId);
    requirePoolRole(target, 'officer');
    if (target.pool.type === 'public' || input.targetPoolId === input.poolId)
      throw new AppError('VALIDATION_FAILED', 'private access opens another private or premium pool');
  }

  const id = uuidv7();
  await ctx.em.transactional(async (em) => {
    await em.execute(
      `insert into offers (id, pool_id, seller_user_id, kind, title, description, machine_id, target_pool_id,
                           price_micros, quantity_left)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.poolId,
        actor.userId,
        input.kind,
        title,
        description,
        input.machineId ?? null,
        input.targetPoolId ?? null,
        input.priceMicros.toString(),
        input.quantity ?? null,
      ],
    );
    await recordEvent(em, {
      type: 'OfferListed',
      poolId: input.poolId,
      payload: {
        offerId: id,
        sellerUserId: actor.userId,
        kind: input.kind,
        title,
        priceMicros: input.priceMicros.toString(),
      },
    });
  });
  return loadOffer(ctx.em, id);
}
