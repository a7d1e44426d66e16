import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { requireGlobalAdmin } from '../access/pool-access.ts';
import { platformAccounts } from '../ledger/context.ts';
import { creditFor } from './rates.ts';
import { credit, REVIEW_REJECTED } from './settle-topup.ts';
import { listTopupRows, requireTopup, type Topup } from './topup-view.ts';

/** A top-up, for the member who made it and for the Global Admin. */
export async function getTopup(ctx: AppContext, actor: Actor, input: { topupId: string }): Promise<Topup> {
  const topup = await requireTopup(ctx.em, input.topupId);
  if (topup.userId !== actor.userId && !actor.isGlobalAdmin) throw new AppError('TOPUP_NOT_FOUND');
  return topup;
}

/**
 * The Global Admin decides a top-up held for review (the amount paid did not match): credit what was actually paid,
 * converted at the recorded rate, or reject it (the member is refunded outside, by the provider's dashboard).
 */
export async function resolveTopupReview(
  ctx: AppContext,
  actor: Actor,
  input: { topupId: string; decision: 'credit' | 'reject' },
): Promise<Topup> {
  requireGlobalAdmin(actor);
  const topup = await requireTopup(ctx.em, input.topupId);
  if (topup.status !== 'review')
    throw new AppError('VALIDATION_FAILED', `the top-up is ${topup.status}, not in review`);
  if (input.decision === 'credit') {
    const micros = creditFor(topup.provider, topup.paidAmount ?? '', topup.rateMicros);
    if (micros === null || micros <= 0n) throw new AppError('INVALID_AMOUNT', 'nothing was paid to credit');
    return credit(ctx, topup, micros, { paidAmount: topup.paidAmount ?? undefined, type: 'review-credited' });
  }
  const rows = await ctx.em.execute(
    "update topups set status = 'failed', provider_status = ?, updated_at = now() where id = ? and status = 'review' returning id",
    [REVIEW_REJECTED, topup.id],
  );
  // A payment reported in full while the admin looked was credited: the rejection no longer applies.
  if (rows.length === 0) throw new AppError('VALIDATION_FAILED', 'the top-up left review before it was rejected');
  return requireTopup(ctx.em, topup.id);
}

/**
 * Reverses a credited Telegram Stars top-up (the Global Admin, e.g. after a chargeback request): the credit goes back
 * member → custodial wallet → outside world in one chain (refused when the member has already spent it), then Telegram
 * refunds the Stars. If Telegram fails after the ledger reversed, the top-up waits in review for a retry.
 */
export async function refundTopup(ctx: AppContext, actor: Actor, input: { topupId: string }): Promise<Topup> {
  requireGlobalAdmin(actor);
  const topup = await requireTopup(ctx.em, input.topupId);
  if (topup.status === 'refunded') return topup;
  if (topup.provider !== 'stars') throw new AppError('VALIDATION_FAILED', 'only Stars top-ups are refunded here');
  if ((topup.status !== 'credited' && topup.status !== 'review') || !topup.creditedMicros || !topup.providerRef)
    throw new AppError('VALIDATION_FAILED', `the top-up is ${topup.status}`);
  const stars = ctx.payments?.stars;
  if (!stars) throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE', 'the Telegram bot is not configured');
  const pools = await ctx.em.execute<{ currency: string }[]>('select currency from pools where id = ?', [topup.poolId]);
  const currency = pools[0]?.currency as string;
  const [member, platform] = await Promise.all([
    ctx.ledger.store.openAccount({ poolId: topup.poolId, currency, kind: 'member', userId: topup.userId }),
    platformAccounts(ctx.ledger, currency),
  ]);
  await ctx.ledger.engine.submit({
    poolId: topup.poolId,
    idempotencyKey: `topup-refund:${topup.id}`,
    transfers: [
      {
        type: 'transfer',
        debitAccountId: member.id,
        creditAccountId: platform.custodial.id,
        amountMicros: topup.creditedMicros,
        code: 'topup_refund',
        memo: topup.id,
      },
      {
        type: 'transfer',
        debitAccountId: platform.custodial.id,
        creditAccountId: platform.external.id,
        amountMicros: topup.creditedMicros,
        code: 'topup_refund',
        memo: topup.id,
      },
    ],
  });
  const identities = await ctx.em.execute<{ external_id: string }[]>(
    "select external_id from user_identities where user_id = ? and platform = 'telegram'",
    [topup.userId],
  );
  try {
    await stars.refund(identities[0]?.external_id ?? '', topup.providerRef);
  } catch (error) {
    if (isAppError(error)) throw error;
    await ctx.em.execute(
      "update topups set status = 'review', provider_status = 'refund-failed', updated_at = now() where id = ?",
      [topup.id],
    );
    throw new AppError(
      'PAYMENT_PROVIDER_UNAVAILABLE',
      `Telegram did not refund: ${(error as Error).message.slice(0, 150)}`,
    );
  }
  await ctx.em.transactional(async (em) => {
    await em.execute(
      "update topups set status = 'refunded', provider_status = 'refunded', updated_at = now() where id = ?",
      [topup.id],
    );
    await recordEvent(em, {
      type: 'TopupRefunded',
      poolId: topup.poolId,
      payload: {
        topupId: topup.id,
        userId: topup.userId,
        provider: topup.provider,
        amountMicros: topup.creditedMicros?.toString(),
      },
    });
  });
  return requireTopup(ctx.em, topup.id);
}

export interface TopupReportRow {
  provider: string;
  poolId: string;
  poolName: string;
  creditedCount: number;
  creditedMicros: bigint;
  pendingCount: number;
  reviewCount: number;
  failedCount: number;
}

/** What came in, per provider and per pool, over a period: the Global Admin's report. */
export async function topupReport(
  ctx: AppContext,
  actor: Actor,
  input: { from: Date; to: Date },
): Promise<TopupReportRow[]> {
  requireGlobalAdmin(actor);
  const rows = await ctx.em.execute<
    {
      provider: string;
      pool_id: string;
      pool_name: string;
      credited: string;
      credited_micros: string;
      pending: string;
      review: string;
      failed: string;
    }[]
  >(
    `select t.provider, t.pool_id, p.name as pool_name,
            count(*) filter (where t.status = 'credited') as credited,
            coalesce(sum(t.credited_micros) filter (where t.status = 'credited'), 0) as credited_micros,
            count(*) filter (where t.status in ('pending', 'confirming')) as pending,
            count(*) filter (where t.status = 'review') as review,
            count(*) filter (where t.status in ('failed', 'expired')) as failed
       from topups t join pools p on p.id = t.pool_id
      where t.created_at >= ? and t.created_at < ?
      group by t.provider, t.pool_id, p.name order by t.provider, p.name limit 1000`,
    [input.from, input.to],
  );
  return rows.map((r) => ({
    provider: r.provider,
    poolId: r.pool_id,
    poolName: r.pool_name,
    creditedCount: Number(r.credited),
    creditedMicros: BigInt(r.credited_micros),
    pendingCount: Number(r.pending),
    reviewCount: Number(r.review),
    failedCount: Number(r.failed),
  }));
}

/** Pending top-ups older than `olderThanMinutes`, for the reconciliation job. */
export const staleTopups = (ctx: AppContext, olderThanMinutes: number) =>
  listTopupRows(
    ctx.em,
    `status in ('pending', 'confirming') and created_at < now() - make_interval(mins => ?) order by created_at limit 200`,
    [olderThanMinutes],
  );
