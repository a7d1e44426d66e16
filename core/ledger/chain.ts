import { createHash } from 'node:crypto';
import type { DraftTransfer } from './apply.ts';
import type { Transfer } from './types.ts';

/** The hash a pool's chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

export interface PoolHead {
  poolId: string;
  lastSeq: bigint;
  lastHash: string;
}

/**
 * sha256 over the previous hash and every field of the row that carries meaning. Editing any of them (or deleting or
 * reordering rows) changes this hash or the next row's, so a recomputation of the chain finds it.
 */
export function transferHash(prevHash: string, transfer: Omit<Transfer, 'hash' | 'prevHash'>): string {
  const fields = [
    prevHash,
    transfer.id,
    transfer.poolId,
    transfer.seq.toString(),
    transfer.kind,
    transfer.debitAccountId,
    transfer.creditAccountId,
    transfer.amountMicros.toString(),
    transfer.currency,
    transfer.pendingId,
    transfer.timeoutAt?.getTime() ?? null,
    transfer.linkedId,
    transfer.code,
    transfer.memo,
    transfer.createdAt.getTime(),
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Gives drafts their place in their pool's chain, in order, advancing `heads` (mutated) as it goes. */
export function sealDrafts(drafts: DraftTransfer[], heads: Map<string, PoolHead>): Transfer[] {
  return drafts.map((draft) => {
    const head = heads.get(draft.poolId);
    if (!head) throw new Error(`no chain head locked for pool ${draft.poolId}`);
    const seq = head.lastSeq + 1n;
    const prevHash = head.lastHash;
    const hash = transferHash(prevHash, { ...draft, seq });
    head.lastSeq = seq;
    head.lastHash = hash;
    return { ...draft, seq, prevHash, hash };
  });
}
