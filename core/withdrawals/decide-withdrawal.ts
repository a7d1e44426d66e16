import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { voidHold } from '../ledger/void-hold.ts';
import { onPromptDecided, pressPrompt } from '../prompts/prompts.ts';
import {
  findWithdrawal,
  loadWithdrawal,
  requireWithdrawalStatus,
  withdrawalPayload,
  type Withdrawal,
} from './withdrawal-view.ts';

/**
 * An officer or the owner approves or rejects a withdrawal: a vote on its approval prompt (the same one the bots'
 * buttons press). Voting twice changes nothing; the pool's quorum decides.
 */
export async function decideWithdrawal(
  ctx: AppContext,
  actor: Actor,
  input: { withdrawalId: string; choice: 'approve' | 'reject' },
): Promise<Withdrawal> {
  const withdrawal = await loadWithdrawal(ctx.em, input.withdrawalId);
  requireWithdrawalStatus(withdrawal, ['requested']);
  if (!withdrawal.promptId) throw new Error(`withdrawal ${withdrawal.id} has no prompt`);
  const result = await pressPrompt(ctx, actor, { promptId: withdrawal.promptId, choice: input.choice });
  if (result.kind === 'closed') {
    const now = await loadWithdrawal(ctx.em, withdrawal.id);
    throw new AppError('WITHDRAWAL_WRONG_STATE', `the withdrawal is ${now.status}`, {
      state: now.status === 'requested' ? 'expired' : now.status,
    });
  }
  return loadWithdrawal(ctx.em, withdrawal.id);
}

/** Rejected, or not approved in time: the hold is voided and the money is back in the member's balance. */
export async function closeWithdrawal(ctx: AppContext, withdrawal: Withdrawal, status: 'rejected' | 'expired') {
  if (withdrawal.holdId)
    await voidHold(ctx.ledger, {
      holdId: withdrawal.holdId,
      idempotencyKey: `withdrawal-void:${withdrawal.id}`,
      memo: `withdrawal ${withdrawal.id}`,
    }).catch((error: unknown) => {
      // Its timeout passed first: the ledger already returned the money.
      if (!isAppError(error, 'HOLD_EXPIRED')) throw error;
    });
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update withdrawals set status = ?, closed_at = now() where id = ? and status in ('requested', 'confirmed') returning id`,
      [status, withdrawal.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: status === 'rejected' ? 'WithdrawalRejected' : 'WithdrawalExpired',
        poolId: withdrawal.poolId,
        payload: withdrawalPayload(withdrawal),
      });
  });
}

onPromptDecided('withdrawal', async (ctx, prompt, outcome) => {
  const withdrawal = await findWithdrawal(ctx.em, 'prompt_id', prompt.id);
  if (!withdrawal) return;
  if (outcome === 'rejected') return closeWithdrawal(ctx, withdrawal, 'rejected');
  if (outcome !== 'approved') return;
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      "update withdrawals set status = 'confirmed', confirmed_at = now() where id = ? and status = 'requested' returning id",
      [withdrawal.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: 'WithdrawalConfirmed',
        poolId: withdrawal.poolId,
        payload: withdrawalPayload(withdrawal),
      });
  });
});
