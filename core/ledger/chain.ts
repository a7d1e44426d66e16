import { createHash } from 'node:crypto';
import type { DraftTransfer } from './apply.ts';
import type { Transfer } from './types.ts';

/** The hash a pool's chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

/** The end of one lane of a pool's chain. */
export interface PoolHead {
  poolId: string;
  lane: number;
  lastSeq: bigint;
  lastHash: string;
}

/** Lanes a pool's chain may have: batches in flight at once append to different lanes. */
export const MAX_LANES = 16;

/**
 * sha256 over the previous hash and every field of the row that carries meaning. Editing any of them (or deleting or
 * reordering rows) changes this hash or the next row's, so a recomputation of the chain finds it.
 */
export function transferHash(prevHash: string, transfer: Omit<Transfer, 'hash' | 'prevHash'>): string {
  const fields = [
    prevHash,
    transfer.id,
    transfer.poolId,
    transfer.lane,
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

/** Gives drafts their place in their pool's lane, in order, advancing `heads` (mutated, keyed by pool) as it goes. */
export function sealDrafts(drafts: DraftTransfer[], heads: Map<string, PoolHead>): Transfer[] {
  return drafts.map((draft) => {
    const head = heads.get(draft.poolId);
    if (!head) throw new Error(`no chain head locked for pool ${draft.poolId}`);
    const seq = head.lastSeq + 1n;
    const prevHash = head.lastHash;
    const lane = head.lane;
    const hash = transferHash(prevHash, { ...draft, lane, seq });
    head.lastSeq = seq;
    head.lastHash = hash;
    return { ...draft, lane, seq, prevHash, hash };
  });
}
