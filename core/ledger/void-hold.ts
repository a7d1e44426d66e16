import { AppError } from '../errors.ts';
import type { LedgerContext } from './context.ts';
import type { Transfer } from './types.ts';

/** Cancels a hold: everything it reserved returns to the payer. */
export async function voidHold(
  ctx: LedgerContext,
  input: { holdId: string; idempotencyKey: string; memo?: string; hold?: Transfer },
): Promise<{ voided: Transfer; replayed: boolean }> {
  // A hold the caller already loaded saves a read; only its immutable pool id is used.
  const hold = input.hold?.id === input.holdId ? input.hold : (await ctx.store.getHold(input.holdId))?.transfer;
  if (!hold) throw new AppError('HOLD_NOT_FOUND');
  const result = await ctx.engine.submit({
    poolId: hold.poolId,
    idempotencyKey: input.idempotencyKey,
    transfers: [{ type: 'void', holdId: input.holdId, memo: input.memo }],
  });
  const [voided] = result.transfers;
  if (!voided) throw new Error('voidHold: the ledger returned no transfer');
  return { voided, replayed: result.replayed };
}
