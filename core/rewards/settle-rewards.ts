import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { platformAccounts } from '../ledger/context.ts';
import type { TransferInput } from '../ledger/types.ts';
import { allocate } from '../money/allocate.ts';
import { MAX_MICROS } from '../money/amount.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { chunks, loadReward, type Reward } from './reward-view.ts';

export interface SettleRewardsInput {
  poolId: string;
  amountMicros: bigint;
  windowStart: Date;
  windowEnd: Date;
  /** 'treasury': the pool's own income; 'external': a reward received outside, recorded as a deposit first. */
  source: 'treasury' | 'external';
  /** For 'external': the outside reference (a payout id, a transaction hash). */
  reference?: string;
  /** How long shares stay held (the owner may still cancel) before they are released; 1 hour to 30 days. */
  holdSeconds?: number;
  idempotencyKey: string;
}

const DEFAULT_HOLD_SECONDS = 24 * 3600;

/**
 * The owner distributes a reward to the members in proportion to their recorded contribution in a window, exact to
 * the micro (core/money/allocate.ts, largest remainder, ties to the earlier user id). The amount first moves from
 * the treasury (or from outside, as a deposit) into the pool's escrow, then each share is a hold from escrow to the
 * member until the reward is released. Recorded before and after the ledger moves, so a retry with the same key
 * finishes a distribution a crash interrupted.
 */
export async function settleRewards(ctx: AppContext, actor: Actor, input: SettleRewardsInput): Promise<Reward> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  requirePoolRole(access, 'owner');
  if (input.amountMicros <= 0n || input.amountMicros > MAX_MICROS) throw new AppError('INVALID_AMOUNT');
  if (!(input.windowEnd > input.windowStart))
    throw new AppError('VALIDATION_FAILED', 'the window ends after it starts');
  const holdSeconds = input.holdSeconds ?? DEFAULT_HOLD_SECONDS;
  if (!Number.isInteger(holdSeconds) || holdSeconds < 3600 || holdSeconds > 30 * 24 * 3600)
    throw new AppError('VALIDATION_FAILED', 'holdSeconds is from 1 hour to 30 days');
  const reference = input.reference?.trim();
  if (input.source === 'external' && !reference)
    throw new AppError('VALIDATION_FAILED', 'an external reward needs the outside reference');
  const ledgerKey = `reward:${input.idempotencyKey}`;
  let reward = await loadReward(ctx.em, 'ledger_key', ledgerKey);
  if (reward && (reward.poolId !== input.poolId || reward.amountMicros !== input.amountMicros))
    throw new AppError('IDEMPOTENCY_KEY_REUSED');
  if (reward && reward.status !== 'distributing') {
    if (reward.status === 'failed') throw new AppError('REWARD_WRONG_STATE', 'failed', { state: 'failed' });
    return reward;
  }
  reward ??= await createDistribution(ctx, actor, input, ledgerKey, holdSeconds, reference ?? null);
  const current = reward;

  const currency = access.pool.currency;
  const open = (kind: 'escrow' | 'treasury' | 'member', userId: string | null) =>
    ctx.ledger.store.openAccount({ poolId: input.poolId, currency, kind, userId });
  const [escrow, treasury] = await Promise.all([open('escrow', null), open('treasury', null)]);
  const fund: TransferInput[] = [];
  if (current.source === 'treasury')
    fund.push({
      type: 'transfer',
      debitAccountId: treasury.id,
      creditAccountId: escrow.id,
      amountMicros: current.amountMicros,
      code: 'reward_fund',
      memo: `reward ${current.id}`,
    });
  else {
    const platform = await platformAccounts(ctx.ledger, currency);
    fund.push(
      {
        type: 'transfer',
        debitAccountId: platform.external.id,
        creditAccountId: platform.custodial.id,
        amountMicros: current.amountMicros,
        code: 'reward_deposit',
        memo: current.reference ?? '',
      },
      {
        type: 'transfer',
        debitAccountId: platform.custodial.id,
        creditAccountId: escrow.id,
        amountMicros: current.amountMicros,
        code: 'reward_deposit',
        memo: current.reference ?? '',
      },
    );
  }
  try {
    await ctx.ledger.engine.submit({ poolId: input.poolId, idempotencyKey: `${ledgerKey}:fund`, transfers: fund });
  } catch (error) {
    if (isAppError(error))
      await ctx.em.execute(
        "update rewards set status = 'failed', closed_at = now() where id = ? and status = 'distributing'",
        [current.id],
      );
    throw error;
  }
  const timeoutSeconds = Math.ceil((current.releaseAt.getTime() - Date.now()) / 1000) + 7 * 24 * 3600;
  const holdIds: string[] = [];
  for (const [index, part] of chunks(current.shares).entries()) {
    const accounts = await Promise.all(part.map((share) => open('member', share.userId)));
    const result = await ctx.ledger.engine.submit({
      poolId: input.poolId,
      idempotencyKey: `${ledgerKey}:holds:${index}`,
      transfers: part.map((share, i) => ({
        type: 'hold',
        debitAccountId: escrow.id,
        creditAccountId: accounts[i]?.id as string,
        amountMicros: share.amountMicros,
        timeoutSeconds,
        code: 'reward',
        memo: `reward ${current.id}`,
      })),
    });
    holdIds.push(...result.transfers.map((t) => t.id));
  }
  await ctx.em.transactional(async (em) => {
    for (const [i, share] of current.shares.entries())
      await em.execute('update reward_shares set hold_id = ? where reward_id = ? and user_id = ?', [
        holdIds[i],
        current.id,
        share.userId,
      ]);
    const rows = await em.execute(
      "update rewards set status = 'held' where id = ? and status = 'distributing' returning id",
      [current.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: 'RewardsHeld',
        poolId: input.poolId,
        payload: {
          rewardId: current.id,
          amountMicros: current.amountMicros.toString(),
          releaseAt: current.releaseAt.toISOString(),
          shares: current.shares
            .slice(0, 200)
            .map((s) => ({ userId: s.userId, amountMicros: s.amountMicros.toString() })),
        },
      });
  });
  return (await loadReward(ctx.em, 'id', current.id)) as Reward;
}

async function createDistribution(
  ctx: AppContext,
  actor: Actor,
  input: SettleRewardsInput,
  ledgerKey: string,
  holdSeconds: number,
  reference: string | null,
): Promise<Reward> {
  // Members who left keep their share (it is theirs); banned members get none.
  const rows = await ctx.em.execute<{ user_id: string; units: string }[]>(
    `select c.user_id, sum(c.units) as units from contributions c
       join pool_members m on m.pool_id = c.pool_id and m.user_id = c.user_id and m.status <> 'banned'
      where c.pool_id = ? and c.worked_at >= ? and c.worked_at < ?
      group by c.user_id order by c.user_id limit 10000`,
    [input.poolId, input.windowStart, input.windowEnd],
  );
  if (rows.length === 0) throw new AppError('NO_CONTRIBUTIONS');
  const amounts = allocate(
    input.amountMicros,
    rows.map((row) => BigInt(row.units)),
  );
  const id = uuidv7();
  await ctx.em.transactional(async (em) => {
    await em.execute(
      `insert into rewards (id, pool_id, amount_micros, window_start, window_end, source, reference, status, ledger_key,
                            release_at, created_by)
       values (?, ?, ?, ?, ?, ?, ?, 'distributing', ?, now() + make_interval(secs => ?), ?)`,
      [
        id,
        input.poolId,
        input.amountMicros.toString(),
        input.windowStart,
        input.windowEnd,
        input.source,
        reference,
        ledgerKey,
        holdSeconds,
        actor.userId,
      ],
    );
    for (const [i, row] of rows.entries()) {
      const amount = amounts[i] ?? 0n;
      // A share rounded down to nothing gets no hold (the micro went to a larger remainder).
      if (amount > 0n)
        await em.execute('insert into reward_shares (reward_id, user_id, units, amount_micros) values (?, ?, ?, ?)', [
          id,
          row.user_id,
          row.units,
          amount.toString(),
        ]);
    }
  });
  return (await loadReward(ctx.em, 'id', id)) as Reward;
}
