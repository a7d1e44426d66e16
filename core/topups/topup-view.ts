import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { Provider } from './rates.ts';

export type TopupStatus = 'pending' | 'confirming' | 'credited' | 'failed' | 'expired' | 'review' | 'refunded';

/** Statuses only move forward: an earlier one arriving late (out of order) changes nothing. */
export const TOPUP_RANK: Record<TopupStatus, number> = {
  pending: 0,
  confirming: 1,
  credited: 2,
  failed: 2,
  expired: 2,
  review: 2,
  refunded: 3,
};

export interface Topup {
  id: string;
  poolId: string;
  userId: string;
  provider: Provider;
  status: TopupStatus;
  amountMicros: bigint;
  providerAmount: string;
  providerCurrency: string;
  rateMicros: number;
  providerRef: string | null;
  providerStatus: string | null;
  payUrl: string | null;
  paidAmount: string | null;
  creditedMicros: bigint | null;
  createdAt: Date;
  idempotencyKey: string;
}

interface TopupRow {
  id: string;
  pool_id: string;
  user_id: string;
  provider: Provider;
  status: TopupStatus;
  amount_micros: string;
  provider_amount: string;
  provider_currency: string;
  rate_micros: number;
  provider_ref: string | null;
  provider_status: string | null;
  pay_url: string | null;
  paid_amount: string | null;
  credited_micros: string | null;
  created_at: Date;
  idempotency_key: string;
}

const fromRow = (row: TopupRow): Topup => ({
  id: row.id,
  poolId: row.pool_id,
  userId: row.user_id,
  provider: row.provider,
  status: row.status,
  amountMicros: BigInt(row.amount_micros),
  providerAmount: row.provider_amount,
  providerCurrency: row.provider_currency,
  rateMicros: row.rate_micros,
  providerRef: row.provider_ref,
  providerStatus: row.provider_status,
  payUrl: row.pay_url,
  paidAmount: row.paid_amount,
  creditedMicros: row.credited_micros === null ? null : BigInt(row.credited_micros),
  createdAt: new Date(row.created_at),
  idempotencyKey: row.idempotency_key,
});

export async function findTopup(
  em: EntityManager,
  where: 'id' | 'idempotency_key' | 'provider_ref',
  value: string,
  provider?: Provider,
): Promise<Topup | null> {
  const rows = await em.execute<TopupRow[]>(
    `select * from topups where ${where} = ?${provider ? ' and provider = ?' : ''}`,
    provider ? [value, provider] : [value],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function requireTopup(em: EntityManager, id: string): Promise<Topup> {
  const topup = await findTopup(em, 'id', id);
  if (!topup) throw new AppError('TOPUP_NOT_FOUND');
  return topup;
}

export async function listTopupRows(em: EntityManager, where: string, values: unknown[]): Promise<Topup[]> {
  return (await em.execute<TopupRow[]>(`select * from topups where ${where}`, values)).map(fromRow);
}
