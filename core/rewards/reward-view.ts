import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';

export type RewardStatus = 'distributing' | 'failed' | 'held' | 'released' | 'cancelled';

export interface Reward {
  id: string;
  poolId: string;
  amountMicros: bigint;
  windowStart: Date;
  windowEnd: Date;
  source: 'treasury' | 'external';
  reference: string | null;
  status: RewardStatus;
  releaseAt: Date;
  ledgerKey: string;
  createdBy: string;
  shares: { userId: string; units: bigint; amountMicros: bigint; holdId: string | null }[];
}

export async function loadReward(em: EntityManager, where: 'id' | 'ledger_key', value: string): Promise<Reward | null> {
  const rows = await em.execute<
    {
      id: string;
      pool_id: string;
      amount_micros: string;
      window_start: Date;
      window_end: Date;
      source: 'treasury' | 'external';
      reference: string | null;
      status: RewardStatus;
      release_at: Date;
      ledger_key: string;
      created_by: string;
    }[]
  >(`select * from rewards where ${where} = ?`, [value]);
  const row = rows[0];
  if (!row) return null;
  const shares = await em.execute<{ user_id: string; units: string; amount_micros: string; hold_id: string | null }[]>(
    'select user_id, units, amount_micros, hold_id from reward_shares where reward_id = ? order by user_id',
    [row.id],
  );
  return {
    id: row.id,
    poolId: row.pool_id,
    amountMicros: BigInt(row.amount_micros),
    windowStart: new Date(row.window_start),
    windowEnd: new Date(row.window_end),
    source: row.source,
    reference: row.reference,
    status: row.status,
    releaseAt: new Date(row.release_at),
    ledgerKey: row.ledger_key,
    createdBy: row.created_by,
    shares: shares.map((s) => ({
      userId: s.user_id,
      units: BigInt(s.units),
      amountMicros: BigInt(s.amount_micros),
      holdId: s.hold_id,
    })),
  };
}

export async function requireReward(em: EntityManager, rewardId: string): Promise<Reward> {
  const reward = await loadReward(em, 'id', rewardId);
  if (!reward) throw new AppError('REWARD_NOT_FOUND');
  return reward;
}

/** Ledger chains take at most 64 transfers; share holds go in chunks of this many. */
export const SHARES_PER_CHAIN = 60;

export function chunks<T>(items: T[], size = SHARES_PER_CHAIN): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
