import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { formatMicros, MAX_MICROS } from '../money/amount.ts';
import { loadPoolView } from '../pools/pool-view.ts';
import { loadOffer, type Offer, type OfferStatus } from './offer-view.ts';

/**
 * The seller pauses, resumes, closes or reprices an offer; an officer or the owner may pause or close any offer of
 * the pool (moderation). Deals already made keep their price.
 */
export async function updateOffer(
  ctx: AppContext,
  actor: Actor,
  input: { offerId: string; status?: OfferStatus; priceMicros?: bigint; quantity?: number | null },
): Promise<Offer> {
  const offer = await loadOffer(ctx.em, input.offerId);
  const role = requirePoolRole(await loadPoolAccess(ctx.em, actor, offer.poolId), 'member');
  const mine = offer.sellerUserId === actor.userId;
  const moderating = !mine && role !== 'member';
  if (!mine && !moderating) throw new AppError('NOT_DEAL_PARTY', 'this offer is someone else’s');
  if (moderating && (input.priceMicros !== undefined || input.quantity !== undefined || input.status === 'active'))
    throw new AppError('NOT_DEAL_PARTY', 'officers may pause or close an offer, not change it');
  if (offer.status === 'closed') throw new AppError('OFFER_NOT_AVAILABLE', 'the offer is closed');
  const sets: string[] = [];
  const values: unknown[] = [];
  if (input.status !== undefined) {
    sets.push('status = ?');
    values.push(input.status);
  }
  if (input.priceMicros !== undefined) {
    if (input.priceMicros <= 0n || input.priceMicros > MAX_MICROS) throw new AppError('INVALID_AMOUNT');
    const minimum = (await loadPoolView(ctx.em, offer.poolId)).settings.minPricesMicros[offer.kind];
    if (minimum !== undefined && input.priceMicros < minimum)
      throw new AppError('PRICE_BELOW_MINIMUM', `at least ${formatMicros(minimum)}`, {
        minimum: formatMicros(minimum),
      });
    sets.push('price_micros = ?');
    values.push(input.priceMicros.toString());
  }
  if (input.quantity !== undefined) {
    if (
      input.quantity !== null &&
      (!Number.isInteger(input.quantity) || input.quantity < 0 || input.quantity > 100_000)
    )
      throw new AppError('VALIDATION_FAILED', 'quantity must be a whole number from 0 to 100000, or null');
    sets.push('quantity_left = ?');
    values.push(input.quantity);
  }
  if (sets.length === 0) return offer;
  await ctx.em.execute(`update offers set ${sets.join(', ')}, updated_at = now() where id = ?`, [...values, offer.id]);
  return loadOffer(ctx.em, offer.id);
}
