import { AppError } from '../errors.ts';
import { splitFee } from '../money/allocate.ts';
import { platformAccounts, type LedgerContext } from './context.ts';
import type { Transfer, TransferInput } from './types.ts';

export interface ReleaseHoldInput {
  holdId: string;
  /**
   * The hold as the caller already loaded it (to check who may release it), which saves reading it again. Only its
   * immutable fields are used; whether it is still pending is decided by the ledger.
   */
  hold?: Transfer;
  /** Omitted: the whole hold. Less than the hold: that much is posted and the rest returns to the payer. */
  amountMicros?: bigint;
  /** Platform fee in basis points, taken out of the released amount in the same linked chain. */
  feeBps: number;
  /** Where the fee goes: the platform fee account of the hold's currency unless given (e.g. a pool's treasury). */
  feeAccountId?: string;
  idempotencyKey: string;
  memo?: string;
}

export interface ReleaseHoldResult {
  /** What the payee received (the released amount less the fee). */
  posted: Transfer;
  fee: Transfer | null;
  returnedMicros: bigint;
  replayed: boolean;
}

/** Posts a hold (in full or in part) and pays the platform fee out of the payee's proceeds, all or nothing. */
export async function releaseHold(ctx: LedgerContext, input: ReleaseHoldInput): Promise<ReleaseHoldResult> {
  const hold = input.hold?.id === input.holdId ? input.hold : (await ctx.store.getHold(input.holdId))?.transfer;
  if (!hold || hold.kind !== 'pending') throw new AppError('HOLD_NOT_FOUND');
  const grossMicros = input.amountMicros ?? hold.amountMicros;
  const post: TransferInput = { type: 'post', holdId: hold.id, amountMicros: grossMicros, memo: input.memo };
  // A request above the hold still goes to the engine, which refuses it with HOLD_AMOUNT_EXCEEDED.
  if (grossMicros > 0n && grossMicros <= hold.amountMicros) {
    const { feeMicros } = splitFee(grossMicros, input.feeBps);
    if (feeMicros > 0n) {
      const accountId = input.feeAccountId ?? (await platformAccounts(ctx, hold.currency)).fee.id;
      post.fee = { accountId, amountMicros: feeMicros };
    }
  }
  const result = await ctx.engine.submit({
    poolId: hold.poolId,
    idempotencyKey: input.idempotencyKey,
    transfers: [post],
  });
  const [posted, fee = null] = result.transfers;
  if (!posted) throw new Error('releaseHold: the ledger returned no transfer');
  const released = posted.amountMicros + (fee?.amountMicros ?? 0n);
  return { posted, fee, returnedMicros: hold.amountMicros - released, replayed: result.replayed };
}
