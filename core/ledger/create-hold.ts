import type { LedgerContext } from './context.ts';
import type { Transfer } from './types.ts';

export interface CreateHoldInput {
  poolId: string;
  payerAccountId: string;
  payeeAccountId: string;
  amountMicros: bigint;
  timeoutSeconds: number;
  memo?: string;
  code?: string;
  idempotencyKey: string;
}

/** Reserves funds on the payer's account in favour of the payee until the hold is released, voided or expires. */
export async function createHold(
  ctx: LedgerContext,
  input: CreateHoldInput,
): Promise<{ hold: Transfer; replayed: boolean }> {
  const result = await ctx.engine.submit({
    poolId: input.poolId,
    idempotencyKey: input.idempotencyKey,
    transfers: [
      {
        type: 'hold',
        debitAccountId: input.payerAccountId,
        creditAccountId: input.payeeAccountId,
        amountMicros: input.amountMicros,
        timeoutSeconds: input.timeoutSeconds,
        code: input.code ?? 'hold',
        memo: input.memo,
      },
    ],
  });
  const [hold] = result.transfers;
  if (!hold) throw new Error('createHold: the ledger returned no transfer');
  return { hold, replayed: result.replayed };
}
