import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { chunks, loadReward, requireReward, type Reward } from './reward-view.ts';

/** The owner releases a held reward now (the work is verified): every share's hold is posted to its member. */
export async function releaseReward(
  ctx: AppContext,
  actor: Actor | null,
  input: { rewardId: string },
): Promise<Reward> {
  const reward = await requireReward(ctx.em, input.rewardId);
  if (actor) requirePoolRole(await loadPoolAccess(ctx.em, actor, reward.poolId), 'owner');
  if (reward.status === 'released') return reward;
  if (reward.status !== 'held') throw new AppError('REWARD_WRONG_STATE', reward.status, { state: reward.status });
  for (const [index, part] of chunks(reward.shares).entries())
    await ctx.ledger.engine.submit({
      poolId: reward.poolId,
      idempotencyKey: `${reward.ledgerKey}:release:${index}`,
      transfers: part.map((share) => ({ type: 'post', holdId: share.holdId as string, memo: `reward ${reward.id}` })),
    });
  await close(ctx, reward, 'released');
  return (await loadReward(ctx.em, 'id', reward.id)) as Reward;
}

/**
 * The owner cancels a held reward (the window's work did not verify): the holds are voided and the amount goes back
 * from escrow to the treasury — an external reward stays in the pool as treasury income.
 */
export async function cancelReward(ctx: AppContext, actor: Actor, input: { rewardId: string }): Promise<Reward> {
  const reward = await requireReward(ctx.em, input.rewardId);
  const access = await loadPoolAccess(ctx.em, actor, reward.poolId);
  requirePoolRole(access, 'owner');
  if (reward.status === 'cancelled') return reward;
  if (reward.status !== 'held') throw new AppError('REWARD_WRONG_STATE', reward.status, { state: reward.status });
  for (const [index, part] of chunks(reward.shares).entries())
    await ctx.ledger.engine.submit({
      poolId: reward.poolId,
      idempotencyKey: `${reward.ledgerKey}:cancel:${index}`,
      transfers: part.map((share) => ({ type: 'void', holdId: share.holdId as string, memo: `reward ${reward.id}` })),
    });
  const open = (kind: 'escrow' | 'treasury') =>
    ctx.ledger.store.openAccount({ poolId: reward.poolId, currency: access.pool.currency, kind, userId: null });
  const [escrow, treasury] = await Promise.all([open('escrow'), open('treasury')]);
  await ctx.ledger.engine.submit({
    poolId: reward.poolId,
    idempotencyKey: `${reward.ledgerKey}:refund`,
    transfers: [
      {
        type: 'transfer',
        debitAccountId: escrow.id,
        creditAccountId: treasury.id,
        amountMicros: reward.amountMicros,
        code: 'reward_cancel',
        memo: `reward ${reward.id}`,
      },
    ],
  });
  await close(ctx, reward, 'cancelled');
  return (await loadReward(ctx.em, 'id', reward.id)) as Reward;
}

async function close(ctx: AppContext, reward: Reward, status: 'released' | 'cancelled'): Promise<void> {
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      "update rewards set status = ?, closed_at = now() where id = ? and status = 'held' returning id",
      [status, reward.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: status === 'released' ? 'RewardsReleased' : 'RewardsCancelled',
        poolId: reward.poolId,
        payload: {
          rewardId: reward.id,
          amountMicros: reward.amountMicros.toString(),
          shares: reward.shares
            .slice(0, 200)
            .map((s) => ({ userId: s.userId, amountMicros: s.amountMicros.toString() })),
        },
      });
  });
}

/** The rewards job: releases held rewards whose hold period passed without the owner cancelling. */
export async function releaseDueRewards(ctx: AppContext): Promise<number> {
  const rows = await ctx.em.execute<{ id: string }[]>(
    "select id from rewards where status = 'held' and release_at <= now() order by release_at limit 100",
  );
  for (const row of rows) await releaseReward(ctx, null, { rewardId: row.id });
  return rows.length;
}
