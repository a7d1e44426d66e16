import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { platformAccounts } from '../ledger/context.ts';
import { createHold } from '../ledger/create-hold.ts';
import { MAX_MICROS } from '../money/amount.ts';
import { createPrompt } from '../prompts/prompts.ts';
import { requireStanding } from '../reputation/scores.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { parseDestination, type DestinationKind } from './destination.ts';
import { findWithdrawal, loadWithdrawal, withdrawalPayload, type Withdrawal } from './withdrawal-view.ts';

/** How long officers have to approve; then the withdrawal expires and the money returns. */
export const APPROVAL_SECONDS = 3 * 24 * 3600;
/** How long the money stays held in all: approval plus the owner's time to pay outside. */
export const HOLD_SECONDS = 14 * 24 * 3600;

/**
 * A member asks to take money out: the amount is held (member → outside world, pending), and an approval goes to the
 * pool's owner and officers, of whom the pool's quorum must approve. The requester cannot approve their own request
 * unless nobody else could. A saga like a purchase: 'requesting' is recorded first, the hold is placed under the
 * request's key, then the approval opens; a retry with the key continues, a refusal by the ledger marks it failed.
 */
export async function requestWithdrawal(
  ctx: AppContext,
  actor: Actor,
  input: {
    poolId: string;
    amountMicros: bigint;
    destinationKind: DestinationKind;
    destination: string;
    idempotencyKey: string;
  },
): Promise<{ withdrawal: Withdrawal; replayed: boolean }> {
  const parsed = parseDestination(input.destinationKind, input.destination);
  if (!parsed.ok) throw new AppError('INVALID_DESTINATION', parsed.error, { detail: parsed.error });
  if (input.amountMicros <= 0n || input.amountMicros > MAX_MICROS) throw new AppError('INVALID_AMOUNT');
  const ledgerKey = `withdrawal:${input.idempotencyKey}`;
  let withdrawal = await findWithdrawal(ctx.em, 'ledger_key', ledgerKey);
  if (
    withdrawal &&
    (withdrawal.userId !== actor.userId ||
      withdrawal.poolId !== input.poolId ||
      withdrawal.amountMicros !== input.amountMicros ||
      withdrawal.destination !== parsed.value)
  )
    throw new AppError('IDEMPOTENCY_KEY_REUSED');
  if (withdrawal && withdrawal.status !== 'requesting' && withdrawal.status !== 'failed')
    return { withdrawal, replayed: true };

  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  requirePoolRole(access, 'member');
  await requireStanding(ctx.em, input.poolId, actor.userId, 'payout');
  if (withdrawal?.status === 'failed')
    await ctx.em.execute("delete from withdrawals where id = ? and status = 'failed'", [withdrawal.id]);
  if (!withdrawal || withdrawal.status === 'failed') {
    const id = uuidv7();
    await ctx.em.execute(
      `insert into withdrawals (id, pool_id, user_id, amount_micros, destination_kind, destination, status, ledger_key)
       values (?, ?, ?, ?, ?, ?, 'requesting', ?)`,
      [id, input.poolId, actor.userId, input.amountMicros.toString(), input.destinationKind, parsed.value, ledgerKey],
    );
    withdrawal = await loadWithdrawal(ctx.em, id);
  }
  const current = withdrawal;

  const currency = access.pool.currency;
  const [member, platform] = await Promise.all([
    ctx.ledger.store.openAccount({ poolId: input.poolId, currency, kind: 'member', userId: actor.userId }),
    platformAccounts(ctx.ledger, currency),
  ]);
  let holdId: string;
  try {
    const { hold } = await createHold(ctx.ledger, {
      poolId: input.poolId,
      payerAccountId: member.id,
      payeeAccountId: platform.external.id,
      amountMicros: input.amountMicros,
      timeoutSeconds: HOLD_SECONDS,
      code: 'withdrawal',
      memo: `withdrawal ${current.id}`,
      idempotencyKey: ledgerKey,
    });
    holdId = hold.id;
  } catch (error) {
    if (isAppError(error))
      await ctx.em.execute(
        "update withdrawals set status = 'failed', closed_at = now() where id = ? and status = 'requesting'",
        [current.id],
      );
    throw error;
  }

  const approvers = await ctx.em.execute<{ user_id: string }[]>(
    `select user_id from pool_members where pool_id = ? and role in ('owner', 'officer') and status = 'active'`,
    [input.poolId],
  );
  const others = approvers.filter((a) => a.user_id !== actor.userId).length;
  const pools = await ctx.em.execute<{ withdrawal_quorum: number }[]>(
    'select withdrawal_quorum from pools where id = ?',
    [input.poolId],
  );
  const quorum = Math.max(1, Math.min(pools[0]?.withdrawal_quorum ?? 1, others));
  await ctx.em.transactional(async (em) => {
    const prompt = await createPrompt({ ...ctx, em }, actor, {
      kind: 'withdrawal',
      poolId: input.poolId,
      audience: 'officer',
      quorum,
      payload: { withdrawalId: current.id, selfVote: others === 0 },
      ttlSeconds: APPROVAL_SECONDS,
    });
    const rows = await em.execute(
      "update withdrawals set status = 'requested', hold_id = ?, prompt_id = ? where id = ? and status = 'requesting' returning id",
      [holdId, prompt.id, current.id],
    );
    if (rows.length === 0)
      throw new AppError('WITHDRAWAL_WRONG_STATE', 'the withdrawal changed meanwhile', { state: 'changed' });
    await recordEvent(em, {
      type: 'WithdrawalRequested',
      poolId: input.poolId,
      payload: { ...withdrawalPayload(current), promptId: prompt.id, quorum },
    });
  });
  return { withdrawal: await loadWithdrawal(ctx.em, current.id), replayed: false };
}
