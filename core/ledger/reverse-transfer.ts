import { AppError } from '../errors.ts';
import type { LedgerContext } from './context.ts';
import type { Transfer } from './types.ts';

/**
 * A correction: a new transfer that moves the same amount back. The original row stays as it was; the ledger is
 * append-only. Only posted single-phase transfers can be reversed; holds are voided instead.
 */
export async function reverseTransfer(
  ctx: LedgerContext,
  input: { poolId: string; transfer: Transfer; idempotencyKey: string; memo: string },
): Promise<Transfer> {
  if (input.transfer.kind !== 'posted' && input.transfer.kind !== 'post_pending') {
    throw new AppError('VALIDATION_FAILED', 'only posted transfers can be reversed');
  }
  const result = await ctx.engine.submit({
    poolId: input.poolId,
    idempotencyKey: input.idempotencyKey,
    transfers: [
      {
        type: 'transfer',
        debitAccountId: input.transfer.creditAccountId,
        creditAccountId: input.transfer.debitAccountId,
        amountMicros: input.transfer.amountMicros,
        code: 'reversal',
        memo: `reverses ${input.transfer.id}: ${input.memo}`.slice(0, 500),
      },
    ],
  });
  const [reversal] = result.transfers;
  if (!reversal) throw new Error('reverseTransfer: the ledger returned no transfer');
  return reversal;
}
