import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';

export type SessionStatus = 'reserving' | 'failed' | 'waiting' | 'live' | 'ended';
export type EndReason = 'buyer' | 'seller' | 'timeout' | 'agent_lost' | 'viewer_lost' | 'never_started';

export interface Session {
  id: string;
  poolId: string;
  offerId: string;
  machineId: string;
  buyerUserId: string;
  sellerUserId: string;
  rentedMinutes: number;
  pricePerHourMicros: bigint;
  holdMicros: bigint;
  feeBps: number;
  holdId: string | null;
  ledgerKey: string;
  status: SessionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  endReason: EndReason | null;
  usedMinutes: number | null;
  chargedMicros: bigint | null;
  slaRefundMicros: bigint | null;
  sla: Record<string, unknown> | null;
  createdAt: Date;
}

interface SessionRow {
  id: string;
  pool_id: string;
  offer_id: string;
  machine_id: string;
  buyer_user_id: string;
  seller_user_id: string;
  rented_minutes: number;
  price_per_hour_micros: string;
  hold_micros: string;
  fee_bps: number;
  hold_id: string | null;
  ledger_key: string;
  status: SessionStatus;
  started_at: Date | null;
  ended_at: Date | null;
  end_reason: EndReason | null;
  used_minutes: number | null;
  charged_micros: string | null;
  sla_refund_micros: string | null;
  sla: Record<string, unknown> | null;
  created_at: Date;
}

const big = (v: string | null) => (v === null ? null : BigInt(v));
const date = (v: Date | null) => (v === null ? null : new Date(v));

export const sessionFromRow = (r: SessionRow): Session => ({
  id: r.id,
  poolId: r.pool_id,
  offerId: r.offer_id,
  machineId: r.machine_id,
  buyerUserId: r.buyer_user_id,
  sellerUserId: r.seller_user_id,
  rentedMinutes: r.rented_minutes,
  pricePerHourMicros: BigInt(r.price_per_hour_micros),
  holdMicros: BigInt(r.hold_micros),
  feeBps: r.fee_bps,
  holdId: r.hold_id,
  ledgerKey: r.ledger_key,
  status: r.status,
  startedAt: date(r.started_at),
  endedAt: date(r.ended_at),
  endReason: r.end_reason,
  usedMinutes: r.used_minutes,
  chargedMicros: big(r.charged_micros),
  slaRefundMicros: big(r.sla_refund_micros),
  sla: r.sla,
  createdAt: new Date(r.created_at),
});

export async function findSession(
  em: EntityManager,
  where: 'id' | 'ledger_key',
  value: string,
): Promise<Session | null> {
  const rows = await em.execute<SessionRow[]>(`select * from gameboost_sessions where ${where} = ?`, [value]);
  return rows[0] ? sessionFromRow(rows[0]) : null;
}

export async function requireSession(em: EntityManager, id: string): Promise<Session> {
  const session = await findSession(em, 'id', id);
  if (!session) throw new AppError('SESSION_NOT_FOUND');
  return session;
}

export async function listSessions(em: EntityManager, where: string, values: unknown[]): Promise<Session[]> {
  return (await em.execute<SessionRow[]>(`select * from gameboost_sessions where ${where}`, values)).map(
    sessionFromRow,
  );
}
