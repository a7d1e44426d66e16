import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { releaseHold } from '../ledger/release-hold.ts';
import { loadWithdrawal, requireWithdrawalStatus, withdrawalPayload, type Withdrawal } from './withdrawal-view.ts';

/**
 * The owner paid the member outside the platform and records the reference (a transaction hash, a transfer number):
 * the hold is posted to the outside-world account and the withdrawal is completed. No platform fee: the money leaves.
 */
export async function completeWithdrawal(
  ctx: AppContext,
  actor: Actor,
  input: { withdrawalId: string; reference: string },
): Promise<Withdrawal> {
  const reference = input.reference.trim();
  if (reference.length < 1 || reference.length > 200)
    throw new AppError('VALIDATION_FAILED', 'the reference takes 1 to 200 characters');
  const withdrawal = await loadWithdrawal(ctx.em, input.withdrawalId);
  requirePoolRole(await loadPoolAccess(ctx.em, actor, withdrawal.poolId), 'owner');
  if (withdrawal.status === 'completed' && withdrawal.reference === reference) return withdrawal;
  requireWithdrawalStatus(withdrawal, ['confirmed']);
  if (!withdrawal.holdId) throw new Error(`withdrawal ${withdrawal.id} has no hold`);
  try {
    await releaseHold(ctx.ledger, {
      holdId: withdrawal.holdId,
      feeBps: 0,
      idempotencyKey: `withdrawal-complete:${withdrawal.id}`,
      memo: `withdrawal ${withdrawal.id}`,
    });
  } catch (error) {
    if (isAppError(error, 'HOLD_EXPIRED') || isAppError(error, 'HOLD_ALREADY_VOIDED'))
      throw new AppError('WITHDRAWAL_WRONG_STATE', 'the withdrawal expired before it was paid', { state: 'expired' });
    throw error;
  }
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update withdrawals set status = 'completed', reference = ?, completed_by = ?, closed_at = now()
        where id = ? and status = 'confirmed' returning id`,
      [reference, actor.userId, withdrawal.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: 'WithdrawalCompleted',
        poolId: withdrawal.poolId,
        payload: { ...withdrawalPayload(withdrawal), reference },
      });
  });
  return loadWithdrawal(ctx.em, withdrawal.id);
}
