import { AppError } from '../errors.ts';
import { splitFee } from '../money/allocate.ts';
import { platformAccounts, type LedgerContext } from './context.ts';
import type { Transfer, TransferInput } from './types.ts';

export interface ReleaseHoldInput {
  holdId: string;
  /** Omitted: the whole hold. Less than the hold: that much is posted and the rest returns to the payer. */
  amountMicros?: bigint;
  /** Platform fee in basis points, taken from the payee's proceeds in the same linked chain. */
  feeBps: number;
  idempotencyKey: string;
  memo?: string;
}

export interface ReleaseHoldResult {
  posted: Transfer;
  fee: Transfer | null;
  returnedMicros: bigint;
  replayed: boolean;
}

/** Posts a hold (in full or in part) and pays the platform fee out of the payee's proceeds, all or nothing. */
export async function releaseHold(ctx: LedgerContext, input: ReleaseHoldInput): Promise<ReleaseHoldResult> {
  const view = await ctx.store.getHold(input.holdId);
  if (!view) throw new AppError('HOLD_NOT_FOUND');
  const hold = view.transfer;
  const grossMicros = input.amountMicros ?? hold.amountMicros;
  const transfers: TransferInput[] = [{ type: 'post', holdId: hold.id, amountMicros: grossMicros, memo: input.memo }];
  // A request above the hold still goes to the engine, which refuses it with HOLD_AMOUNT_EXCEEDED.
  if (grossMicros > 0n && grossMicros <= hold.amountMicros) {
    const { feeMicros } = splitFee(grossMicros, input.feeBps);
    if (feeMicros > 0n) {
      const { fee } = await platformAccounts(ctx, hold.currency);
      transfers.push({
        type: 'transfer',
        debitAccountId: hold.creditAccountId,
        creditAccountId: fee.id,
        amountMicros: feeMicros,
        code: 'platform_fee',
        memo: `fee on hold ${hold.id}`,
      });
    }
  }
  const result = await ctx.engine.submit({ poolId: hold.poolId, idempotencyKey: input.idempotencyKey, transfers });
  const [posted, fee = null] = result.transfers;
  if (!posted) throw new Error('releaseHold: the ledger returned no transfer');
  return { posted, fee, returnedMicros: hold.amountMicros - posted.amountMicros, replayed: result.replayed };
}
