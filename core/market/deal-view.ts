import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { OfferKind } from '../pools/pool-view.ts';

export type DealStatus =
  | 'reserving'
  | 'failed'
  | 'reserved'
  | 'delivered'
  | 'completed'
  | 'cancelled'
  | 'expired'
  | 'disputed'
  | 'settled_by_dispute';

/** A purchase of an offer: the buyer's money is held in the seller's favour until the deal completes or ends. */
export interface Deal {
  id: string;
  poolId: string;
  offerId: string;
  title: string;
  kind: OfferKind;
  buyerUserId: string;
  sellerUserId: string;
  quantity: number;
  unitPriceMicros: bigint;
  totalMicros: bigint;
  /** The platform fee and the pool's cut, fixed when the deal was made. */
  feeMicros: bigint;
  ownerCutMicros: bigint;
  status: DealStatus;
  holdId: string | null;
  deliveredAt: Date | null;
  /** When a delivered deal completes by itself unless disputed. */
  completesAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  ledgerKey: string;
}

interface DealRow {
  id: string;
  pool_id: string;
  offer_id: string;
  title: string;
  kind: OfferKind;
  buyer_user_id: string;
  seller_user_id: string;
  quantity: number;
  unit_price_micros: string;
  total_micros: string;
  fee_micros: string | null;
  owner_cut_micros: string | null;
  status: DealStatus;
  hold_id: string | null;
  delivered_at: Date | null;
  completes_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  ledger_key: string;
}

export const DEAL_SELECT = `select d.*, o.title from deals d join offers o on o.id = d.offer_id`;

const date = (value: Date | null) => (value === null ? null : new Date(value));

export function dealFromRow(row: DealRow): Deal {
  return {
    id: row.id,
    poolId: row.pool_id,
    offerId: row.offer_id,
    title: row.title,
    kind: row.kind,
    buyerUserId: row.buyer_user_id,
    sellerUserId: row.seller_user_id,
    quantity: row.quantity,
    unitPriceMicros: BigInt(row.unit_price_micros),
    totalMicros: BigInt(row.total_micros),
    feeMicros: BigInt(row.fee_micros ?? '0'),
    ownerCutMicros: BigInt(row.owner_cut_micros ?? '0'),
    status: row.status,
    holdId: row.hold_id,
    deliveredAt: date(row.delivered_at),
    completesAt: date(row.completes_at),
    closedAt: date(row.closed_at),
    createdAt: new Date(row.created_at),
    ledgerKey: row.ledger_key,
  };
}

/** A deal by id; `lock` takes its row FOR UPDATE (inside a transaction) so steps on one deal run one at a time. */
export async function loadDeal(em: EntityManager, dealId: string, options: { lock?: boolean } = {}): Promise<Deal> {
  const rows = await em.execute<DealRow[]>(`${DEAL_SELECT} where d.id = ?${options.lock ? ' for update of d' : ''}`, [
    dealId,
  ]);
  const row = rows[0];
  if (!row) throw new AppError('DEAL_NOT_FOUND');
  return dealFromRow(row);
}

export async function findDealByKey(em: EntityManager, ledgerKey: string): Promise<Deal | null> {
  const rows = await em.execute<DealRow[]>(`${DEAL_SELECT} where d.ledger_key = ?`, [ledgerKey]);
  return rows[0] ? dealFromRow(rows[0]) : null;
}

/** Deal steps refuse with the state the deal is in, so people see why. */
export function requireDealStatus(deal: Deal, allowed: readonly DealStatus[]): void {
  if (!allowed.includes(deal.status))
    throw new AppError('DEAL_WRONG_STATE', `the deal is ${deal.status}`, { state: deal.status });
}
