import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { canReadAsMember, loadPoolAccess } from '../access/pool-access.ts';
import type { OfferKind } from '../pools/pool-view.ts';
import { OFFER_SELECT, offerFromRow, type Offer, type OfferRow } from './offer-view.ts';

export interface OfferFilter {
  poolId: string;
  kind?: OfferKind;
  maxPriceMicros?: bigint;
  minRating?: number;
  sellerUserId?: string;
  /** Words that must all appear in the title (case-insensitive). */
  search?: string;
  /** 'price' (cheapest first, the default) or 'rating' (best-rated sellers first). */
  sort?: 'price' | 'rating';
  offset: number;
  limit: number;
}

/**
 * The pool's active offers for its members, filtered and sorted, with sellers' ratings. Offers of sellers who left
 * or were banned, and sold-out offers, are not shown. Paged by offset: the list is small and re-sorted often.
 */
export async function listOffers(
  ctx: AppContext,
  actor: Actor,
  filter: OfferFilter,
): Promise<{ offers: Offer[]; total: number }> {
  const access = await loadPoolAccess(ctx.em, actor, filter.poolId);
  if (!canReadAsMember(access)) throw new AppError('NOT_A_MEMBER');
  const where = [
    'o.pool_id = ?',
    "o.status = 'active'",
    '(o.quantity_left is null or o.quantity_left > 0)',
    `exists (select 1 from pool_members s where s.pool_id = o.pool_id and s.user_id = o.seller_user_id
             and s.status = 'active')`,
  ];
  const values: unknown[] = [filter.poolId];
  if (filter.kind) {
    where.push('o.kind = ?');
    values.push(filter.kind);
  }
  if (filter.maxPriceMicros !== undefined) {
    where.push('o.price_micros <= ?');
    values.push(filter.maxPriceMicros.toString());
  }
  if (filter.sellerUserId) {
    where.push('o.seller_user_id = ?');
    values.push(filter.sellerUserId);
  }
  for (const word of (filter.search ?? '').split(/\s+/).filter(Boolean).slice(0, 5)) {
    where.push(`o.title ilike ? escape '\\'`);
    values.push(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  const order =
    filter.sort === 'rating'
      ? 'r.seller_rating desc, r.price_micros, r.id'
      : 'r.price_micros, r.seller_rating desc, r.id';
  const rows = await ctx.em.execute<(OfferRow & { total: string })[]>(
    `select r.*, count(*) over () as total from (${OFFER_SELECT} where ${where.join(' and ')}) r
      where (?::int is null or r.seller_rating >= ?::int)
      order by ${order} limit ? offset ?`,
    [...values, filter.minRating ?? null, filter.minRating ?? null, filter.limit, filter.offset],
  );
  return { offers: rows.map(offerFromRow), total: Number(rows[0]?.total ?? 0) };
}
