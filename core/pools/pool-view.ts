import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { PoolStatus } from '../access/pool-access.ts';

export type PoolType = 'public' | 'private' | 'premium';
export const OFFER_KINDS = ['compute_time', 'gameboost_slot', 'private_access', 'cosmetic'] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

/** What a pool's owner configures. Amounts are micros of the pool's currency; null caps mean "no cap". */
export interface PoolSettings {
  rules: string;
  memberPurchaseCapMicros: bigint | null;
  memberRentalCapMicros: bigint | null;
  capPeriodHours: number;
  minPricesMicros: Partial<Record<OfferKind, bigint>>;
  /** Approvals (owner and officers) a withdrawal needs. */
  withdrawalQuorum: number;
  holdTimeoutSeconds: number;
  disputeWindowHours: number;
  /** Price of one extra machine slot; null: slots are not on sale. */
  machineSlotPriceMicros: bigint | null;
  /** The pool's cut of every marketplace sale, in basis points of the price, paid into the treasury. */
  ownerCutBps: number;
  /** What each member pays into the treasury per period when the owner charges membership fees; null: none. */
  membershipFeeMicros: bigint | null;
  /** Sellers rated below this (0–100) cannot list offers. */
  minSellerRating: number;
  /** Members whose reliability is below this (0–100) cannot buy or rent. */
  minBuyerReliability: number;
  /** Members whose reliability is below this (0–100) have payouts (withdrawals) paused. */
  minPayoutReliability: number;
}

export interface PoolView {
  id: string;
  name: string;
  type: PoolType;
  currency: string;
  status: PoolStatus;
  ownerUserId: string;
  hasPassword: boolean;
  discordGuildId: string | null;
  telegramChatId: string | null;
  memberCount: number;
  createdAt: Date;
  settings: PoolSettings;
}

interface PoolRow {
  id: string;
  name: string;
  type: PoolType;
  currency: string;
  status: PoolStatus;
  owner_user_id: string;
  has_password: boolean;
  discord_guild_id: string | null;
  telegram_chat_id: string | null;
  member_count: string;
  created_at: Date;
  rules: string;
  member_purchase_cap_micros: string | null;
  member_rental_cap_micros: string | null;
  cap_period_hours: number;
  min_prices: Record<string, string>;
  withdrawal_quorum: number;
  hold_timeout_seconds: number;
  dispute_window_hours: number;
  machine_slot_price_micros: string | null;
  owner_cut_bps: number;
  membership_fee_micros: string | null;
  min_seller_rating: number;
  min_buyer_reliability: number;
  min_payout_reliability: number;
}

const big = (value: string | null): bigint | null => (value === null ? null : BigInt(value));

/** A pool with its settings and active member count; POOL_NOT_FOUND for unknown or unfinished pools. */
export async function loadPoolView(em: EntityManager, poolId: string): Promise<PoolView> {
  const rows = await em.execute<PoolRow[]>(
    `select p.id, p.name, p.type, p.currency, p.status, p.owner_user_id, p.password_hash is not null as has_password,
            p.discord_guild_id, p.telegram_chat_id, p.created_at, p.rules, p.member_purchase_cap_micros,
            p.member_rental_cap_micros, p.cap_period_hours, p.min_prices, p.withdrawal_quorum, p.hold_timeout_seconds,
            p.dispute_window_hours, p.machine_slot_price_micros, p.owner_cut_bps, p.membership_fee_micros,
            p.min_seller_rating, p.min_buyer_reliability, p.min_payout_reliability,
            (select count(*) from pool_members m where m.pool_id = p.id and m.status = 'active') as member_count
       from pools p where p.id = ? and p.status <> 'pending'`,
    [poolId],
  );
  const row = rows[0];
  if (!row) throw new AppError('POOL_NOT_FOUND');
  const minPricesMicros: PoolSettings['minPricesMicros'] = {};
  for (const kind of OFFER_KINDS) {
    const value = row.min_prices[kind];
    if (value !== undefined) minPricesMicros[kind] = BigInt(value);
  }
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    currency: row.currency,
    status: row.status,
    ownerUserId: row.owner_user_id,
    hasPassword: row.has_password,
    discordGuildId: row.discord_guild_id,
    telegramChatId: row.telegram_chat_id,
    memberCount: Number(row.member_count),
    createdAt: new Date(row.created_at),
    settings: {
      rules: row.rules,
      memberPurchaseCapMicros: big(row.member_purchase_cap_micros),
      memberRentalCapMicros: big(row.member_rental_cap_micros),
      capPeriodHours: row.cap_period_hours,
      minPricesMicros,
      withdrawalQuorum: row.withdrawal_quorum,
      holdTimeoutSeconds: row.hold_timeout_seconds,
      disputeWindowHours: row.dispute_window_hours,
      machineSlotPriceMicros: big(row.machine_slot_price_micros),
      ownerCutBps: row.owner_cut_bps,
      membershipFeeMicros: big(row.membership_fee_micros),
      minSellerRating: row.min_seller_rating,
      minBuyerReliability: row.min_buyer_reliability,
      minPayoutReliability: row.min_payout_reliability,
    },
  };
}
