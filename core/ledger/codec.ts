import type { Transfer, TransferKind } from './types.ts';

/** A transfer as JSON: bigint as decimal strings, dates as ISO text. Stored as the idempotent result of a command. */
export interface TransferJson {
  id: string;
  poolId: string;
  seq: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amountMicros: string;
  currency: string;
  pendingId: string | null;
  timeoutAt: string | null;
  linkedId: string | null;
  code: string;
  memo: string;
  createdAt: string;
  prevHash: string;
  hash: string;
}

export function transferToJson(transfer: Transfer): TransferJson {
  return {
    ...transfer,
    seq: transfer.seq.toString(),
    amountMicros: transfer.amountMicros.toString(),
    timeoutAt: transfer.timeoutAt?.toISOString() ?? null,
    createdAt: transfer.createdAt.toISOString(),
  };
}

export function transferFromJson(json: TransferJson): Transfer {
  return {
    ...json,
    seq: BigInt(json.seq),
    amountMicros: BigInt(json.amountMicros),
    timeoutAt: json.timeoutAt === null ? null : new Date(json.timeoutAt),
    createdAt: new Date(json.createdAt),
  };
}
