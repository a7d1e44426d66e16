import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { disputeDeciders, loadDispute, type Dispute, type DisputeOutcome } from './dispute-view.ts';
import { settleDispute } from './settle-dispute.ts';

export type VoteResult =
  | { kind: 'counted'; dispute: Dispute; quorum: number }
  | { kind: 'already-voted'; dispute: Dispute; quorum: number }
  | { kind: 'resolved'; dispute: Dispute; quorum: number };

/** The lower median: with votes for 2, 3 and 4 refunded the dispute refunds 3; with 2 and 4, it refunds 2. */
const lowerMedian = (values: bigint[]): bigint => {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor((sorted.length - 1) / 2)] as bigint;
};

/**
 * An officer or the owner who is not a party votes: full refund, partial refund (an amount), or payout to the seller.
 * A vote is cast once (a second press changes nothing and says so). When the quorum agrees on an outcome the dispute
 * is resolved — partial refunds agree on the outcome and settle at the lower median of the amounts voted — and the
 * settlement posts at once.
 */
export async function voteOnDispute(
  ctx: AppContext,
  actor: Actor,
  input: { disputeId: string; outcome: DisputeOutcome; refundMicros?: bigint },
): Promise<VoteResult> {
  const before = await loadDispute(ctx.em, input.disputeId);
  if (before.buyerUserId === actor.userId || before.sellerUserId === actor.userId)
    throw new AppError('DISPUTE_PARTY_CANNOT_VOTE');
  const deciders = await disputeDeciders(ctx.em, before);
  if (!(deciders.userIds.length === 0 && actor.isGlobalAdmin))
    requirePoolRole(await loadPoolAccess(ctx.em, actor, before.poolId), 'officer');
  if (input.outcome === 'refund_partial') {
    const refund = input.refundMicros;
    if (refund === undefined || refund <= 0n || refund >= before.amountMicros)
      throw new AppError('INVALID_AMOUNT', 'a partial refund is more than 0 and less than the deal');
  }
  const outcome = await ctx.em.transactional(async (em) => {
    const dispute = await loadDispute(em, input.disputeId, { lock: true });
    if (dispute.status !== 'open') throw new AppError('DISPUTE_WRONG_STATE');
    const inserted = await em.execute(
      `insert into dispute_votes (dispute_id, user_id, outcome, refund_micros) values (?, ?, ?, ?)
       on conflict do nothing returning user_id`,
      [dispute.id, actor.userId, input.outcome, input.outcome === 'refund_partial' ? String(input.refundMicros) : null],
    );
    if (inserted.length === 0) return { kind: 'already-voted' as const };
    const votes = [
      ...dispute.votes,
      { userId: actor.userId, outcome: input.outcome, refundMicros: input.refundMicros ?? null },
    ].filter((vote) => vote.outcome === input.outcome);
    if (votes.length < deciders.quorum) return { kind: 'counted' as const };
    const refundMicros =
      input.outcome === 'refund_full'
        ? dispute.amountMicros
        : input.outcome === 'payout'
          ? 0n
          : lowerMedian(votes.map((vote) => vote.refundMicros ?? 0n));
    await em.execute(
      `update disputes set status = 'resolved', outcome = ?, refund_micros = ?, resolved_at = now()
        where id = ? and status = 'open'`,
      [input.outcome, refundMicros.toString(), dispute.id],
    );
    return { kind: 'resolved' as const };
  });
  if (outcome.kind === 'resolved') await settleDispute(ctx, input.disputeId);
  return { kind: outcome.kind, dispute: await loadDispute(ctx.em, input.disputeId), quorum: deciders.quorum };
}
