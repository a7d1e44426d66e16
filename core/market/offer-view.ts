import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { OfferKind } from '../pools/pool-view.ts';

export type OfferStatus = 'active' | 'paused' | 'closed';

/** Compute time and GameBoost slots are rented by the hour on a machine; the other kinds are sold by the item. */
export const RENTAL_KINDS: readonly OfferKind[] = ['compute_time', 'gameboost_slot'];

export interface Offer {
  id: string;
  poolId: string;
  sellerUserId: string;
  sellerName: string;
  /** The seller's rating in the pool (0–100; core/reputation/scores.ts). */
  sellerRating: number;
  kind: OfferKind;
  title: string;
  description: string;
  machineId: string | null;
  machineName: string | null;
  /** The machine's CPU benchmark score (`agent bench`), when measured. */
  cpuScore: number | null;
  /** 1280×720 frames per second the machine encodes in software, and with its GPU where it has one. */
  encodeFps: number | null;
  gpuEncodeFps: number | null;
  targetPoolId: string | null;
  /** Per hour for rentals, per item otherwise. */
  priceMicros: bigint;
  /** Units left; null: unlimited. */
  quantityLeft: number | null;
  status: OfferStatus;
  createdAt: Date;
}

export interface OfferRow {
  id: string;
  pool_id: string;
  seller_user_id: string;
  seller_name: string;
  seller_rating: number;
  kind: OfferKind;
  title: string;
  description: string;
  machine_id: string | null;
  machine_name: string | null;
  cpu_score: number | null;
  encode_fps: number | null;
  gpu_encode_fps: number | null;
  target_pool_id: string | null;
  price_micros: string;
  quantity_left: number | null;
  status: OfferStatus;
  created_at: Date;
}

/**
 * The select behind every offer read, with the seller's rating computed the way standingOf does (Laplace estimate
 * over completed sales and lost disputes), so lists can filter and sort by it.
 */
export const OFFER_SELECT = `
  select o.id, o.pool_id, o.seller_user_id, u.display_name as seller_name, o.kind, o.title, o.description,
         o.machine_id, m.name as machine_name, o.target_pool_id, o.price_micros, o.quantity_left, o.status, o.created_at,
         round(100.0 * (r.sales + r.sessions_ok + 1)
               / (r.sales + r.sessions_ok + 2 + 3 * r.lost_full + 1.5 * r.lost_partial + r.sessions_bad))::int as seller_rating,
         (m.benchmark ->> 'cpuScore')::int as cpu_score, (m.benchmark ->> 'encodeFps')::int as encode_fps,
         (m.benchmark ->> 'gpuEncodeFps')::int as gpu_encode_fps
    from offers o
    join users u on u.id = o.seller_user_id
    left join machines m on m.id = o.machine_id
    cross join lateral (
      select (select count(*) from deals x where x.pool_id = o.pool_id and x.seller_user_id = o.seller_user_id
                                              and x.status = 'completed') as sales,
             (select count(*) from disputes d join deals x on x.id = d.deal_id
               where x.pool_id = o.pool_id and x.seller_user_id = o.seller_user_id and d.outcome = 'refund_full')
               as lost_full,
             (select count(*) from disputes d join deals x on x.id = d.deal_id
               where x.pool_id = o.pool_id and x.seller_user_id = o.seller_user_id and d.outcome = 'refund_partial')
               as lost_partial,
             (select count(*) from gameboost_sessions g where g.pool_id = o.pool_id and g.seller_user_id = o.seller_user_id
                and g.status = 'ended' and g.charged_micros > 0 and g.sla_refund_micros = 0) as sessions_ok,
             (select count(*) from gameboost_sessions g where g.pool_id = o.pool_id and g.seller_user_id = o.seller_user_id
                and g.status = 'ended' and (g.sla_refund_micros > 0 or g.end_reason = 'agent_lost')) as sessions_bad
    ) r`;

export function offerFromRow(row: OfferRow): Offer {
  return {
    id: row.id,
    poolId: row.pool_id,
    sellerUserId: row.seller_user_id,
    sellerName: row.seller_name,
    sellerRating: Number(row.seller_rating),
    kind: row.kind,
    title: row.title,
    description: row.description,
    machineId: row.machine_id,
    machineName: row.machine_name,
    cpuScore: row.cpu_score,
    encodeFps: row.encode_fps,
    gpuEncodeFps: row.gpu_encode_fps,
    targetPoolId: row.target_pool_id,
    priceMicros: BigInt(row.price_micros),
    quantityLeft: row.quantity_left,
    status: row.status,
    createdAt: new Date(row.created_at),
  };
}

export async function loadOffer(em: EntityManager, offerId: string): Promise<Offer> {
  const rows = await em.execute<OfferRow[]>(`${OFFER_SELECT} where o.id = ?`, [offerId]);
  const row = rows[0];
  if (!row) throw new AppError('OFFER_NOT_FOUND');
  return offerFromRow(row);
}
