import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';

export type DisputeStatus = 'opening' | 'open' | 'resolved' | 'completed';
export type DisputeOutcome = 'refund_full' | 'refund_partial' | 'payout';
export const DISPUTE_OUTCOMES: readonly DisputeOutcome[] = ['refund_full', 'refund_partial', 'payout'];

export interface Dispute {
  id: string;
  poolId: string;
  dealId: string;
  openedBy: string;
  buyerUserId: string;
  sellerUserId: string;
  title: string;
  amountMicros: bigint;
  status: DisputeStatus;
  outcome: DisputeOutcome | null;
  refundMicros: bigint | null;
  /** What was known when it opened: the deal, the offer, session metrics where there were any. */
  evidence: Record<string, unknown>;
  statements: { userId: string; text: string; createdAt: Date }[];
  votes: { userId: string; outcome: DisputeOutcome; refundMicros: bigint | null }[];
  createdAt: Date;
  resolvedAt: Date | null;
  completedAt: Date | null;
}

interface DisputeRow {
  id: string;
  pool_id: string;
  deal_id: string;
  opened_by: string;
  buyer_user_id: string;
  seller_user_id: string;
  title: string;
  total_micros: string;
  status: DisputeStatus;
  outcome: DisputeOutcome | null;
  refund_micros: string | null;
  evidence: Record<string, unknown>;
  created_at: Date;
  resolved_at: Date | null;
  completed_at: Date | null;
}

export async function loadDispute(em: EntityManager, disputeId: string, options: { lock?: boolean } = {}) {
  const rows = await em.execute<DisputeRow[]>(
    `select s.*, d.buyer_user_id, d.seller_user_id, d.total_micros, o.title
       from disputes s join deals d on d.id = s.deal_id join offers o on o.id = d.offer_id
      where s.id = ?${options.lock ? ' for update of s' : ''}`,
    [disputeId],
  );
  const row = rows[0];
  if (!row) throw new AppError('DISPUTE_NOT_FOUND');
  const [statements, votes] = await Promise.all([
    em.execute<{ user_id: string; text: string; created_at: Date }[]>(
      'select user_id, text, created_at from dispute_statements where dispute_id = ? order by created_at, id',
      [disputeId],
    ),
    em.execute<{ user_id: string; outcome: DisputeOutcome; refund_micros: string | null }[]>(
      'select user_id, outcome, refund_micros from dispute_votes where dispute_id = ? order by created_at',
      [disputeId],
    ),
  ]);
  const dispute: Dispute = {
    id: row.id,
    poolId: row.pool_id,
    dealId: row.deal_id,
    openedBy: row.opened_by,
    buyerUserId: row.buyer_user_id,
    sellerUserId: row.seller_user_id,
    title: row.title,
    amountMicros: BigInt(row.total_micros),
    status: row.status,
    outcome: row.outcome,
    refundMicros: row.refund_micros === null ? null : BigInt(row.refund_micros),
    evidence: row.evidence,
    statements: statements.map((s) => ({ userId: s.user_id, text: s.text, createdAt: new Date(s.created_at) })),
    votes: votes.map((v) => ({
      userId: v.user_id,
      outcome: v.outcome,
      refundMicros: v.refund_micros === null ? null : BigInt(v.refund_micros),
    })),
    createdAt: new Date(row.created_at),
    resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
    completedAt: row.completed_at ? new Date(row.completed_at) : null,
  };
  return dispute;
}

/**
 * Who decides a dispute: the pool's active owner and officers who are not a party to it, and how many of them must
 * agree — the pool's quorum, or all of them when fewer remain. With nobody left to decide, the Global Admin does.
 */
export async function disputeDeciders(
  em: EntityManager,
  dispute: Pick<Dispute, 'poolId' | 'buyerUserId' | 'sellerUserId'>,
): Promise<{ userIds: string[]; quorum: number }> {
  const rows = await em.execute<{ user_id: string; withdrawal_quorum: number }[]>(
    `select m.user_id, p.withdrawal_quorum from pools p
       left join pool_members m on m.pool_id = p.id and m.role in ('owner', 'officer') and m.status = 'active'
                               and m.user_id not in (?, ?)
      where p.id = ?`,
    [dispute.buyerUserId, dispute.sellerUserId, dispute.poolId],
  );
  const userIds = rows.map((r) => r.user_id).filter(Boolean);
  const quorum = Math.max(1, Math.min(rows[0]?.withdrawal_quorum ?? 1, userIds.length));
  return { userIds, quorum };
}
