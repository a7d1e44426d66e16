import { AppError } from '../errors.ts';
import type { LedgerContext } from './context.ts';
import type { Transfer } from './types.ts';

/** Cancels a hold: everything it reserved returns to the payer. */
export async function voidHold(
  ctx: LedgerContext,
  input: { holdId: string; idempotencyKey: string; memo?: string },
): Promise<{ voided: Transfer; replayed: boolean }> {
  const view = await ctx.store.getHold(input.holdId);
  if (!view) throw new AppError('HOLD_NOT_FOUND');
  const result = await ctx.engine.submit({
    poolId: view.transfer.poolId,
    idempotencyKey: input.idempotencyKey,
    transfers: [{ type: 'void', holdId: input.holdId, memo: input.memo }],
  });
  const [voided] = result.transfers;
  if (!voided) throw new Error('voidHold: the ledger returned no transfer');
  return { voided, replayed: result.replayed };
}
