import type { LedgerContext } from './context.ts';
import { platformAccounts } from './context.ts';
import type { CommandResult } from './types.ts';

export interface RecordDepositInput {
  poolId: string;
  currency: string;
  memberAccountId: string;
  amountMicros: bigint;
  /** The outside reference (bank transfer id, provider event id); the deposit is idempotent on it. */
  reference: string;
  code?: string;
}

/** Money that came in from outside: outside world → platform custodial wallet → member balance, as one chain. */
export async function recordDeposit(ctx: LedgerContext, input: RecordDepositInput): Promise<CommandResult> {
  const { custodial, external } = await platformAccounts(ctx, input.currency);
  const code = input.code ?? 'deposit';
  return ctx.engine.submit({
    poolId: input.poolId,
    idempotencyKey: `deposit:${input.reference}`,
    transfers: [
      {
        type: 'transfer',
        debitAccountId: external.id,
        creditAccountId: custodial.id,
        amountMicros: input.amountMicros,
        code,
        memo: input.reference,
      },
      {
        type: 'transfer',
        debitAccountId: custodial.id,
        creditAccountId: input.memberAccountId,
        amountMicros: input.amountMicros,
        code,
        memo: input.reference,
      },
    ],
  });
}
