import { GENESIS_HASH, transferHash, type PoolHead } from './chain.ts';
import type { LedgerContext } from './context.ts';
import type { AccountMismatch } from './store.ts';

export interface ChainReport {
  poolId: string;
  lane: number;
  transfersChecked: number;
  lastSeq: string;
  lastHash: string;
  /** The first position whose row no longer matches its hash or its place in the chain. */
  brokenAtSeq: string | null;
  checkpointsChecked: number;
  /** Checkpoints whose recorded hash differs from the recomputed chain at that position. */
  checkpointMismatches: string[];
}

export interface VerifyReport {
  ok: boolean;
  poolId: string | null;
  accountsChecked: number;
  balanceMismatches: AccountMismatch[];
  /** Currencies whose Σ(credits − debits) is not zero. */
  currencyImbalances: { currency: string; postedMicros: string; pendingMicros: string }[];
  violations: string[];
  chains: ChainReport[];
}

const PAGE = 5000;

/**
 * Recomputes every balance from the transfers, checks the invariants (Σ per currency = 0, no overdrawn account,
 * each hold resolved once and within its amount) and walks each pool's hash chain against its checkpoints.
 */
export async function verifyLedger(ctx: LedgerContext, options: { poolId?: string } = {}): Promise<VerifyReport> {
  const poolId = options.poolId ?? null;
  const [balances, totals, violations] = await Promise.all([
    ctx.store.balanceMismatches(poolId),
    ctx.store.currencyTotals(),
    ctx.store.ruleViolations(poolId),
  ]);
  const currencyImbalances = totals
    .filter((total) => total.postedMicros !== 0n || total.pendingMicros !== 0n)
    .map((total) => ({
      currency: total.currency,
      postedMicros: total.postedMicros.toString(),
      pendingMicros: total.pendingMicros.toString(),
    }));
  const chains: ChainReport[] = [];
  for (const head of await ctx.store.chainHeads(poolId)) chains.push(await verifyChain(ctx, head));
  const ok =
    balances.mismatches.length === 0 &&
    currencyImbalances.length === 0 &&
    violations.length === 0 &&
    chains.every((chain) => chain.brokenAtSeq === null && chain.checkpointMismatches.length === 0);
  return {
    ok,
    poolId,
    accountsChecked: balances.accountsChecked,
    balanceMismatches: balances.mismatches,
    currencyImbalances,
    violations,
    chains,
  };
}

async function verifyChain(ctx: LedgerContext, head: PoolHead): Promise<ChainReport> {
  const { poolId, lane } = head;
  const recomputed = new Map<bigint, string>();
  const checkpoints = await ctx.store.checkpoints(poolId, lane);
  const wanted = new Set(checkpoints.map((checkpoint) => checkpoint.seq));
  let lastSeq = 0n;
  let lastHash = GENESIS_HASH;
  let checked = 0;
  let brokenAtSeq: bigint | null = null;
  for (;;) {
    const page = await ctx.store.chainPage(poolId, lane, lastSeq, PAGE);
    for (const transfer of page) {
      checked += 1;
      const expected = transferHash(lastHash, transfer);
      if (
        brokenAtSeq === null &&
        (transfer.seq !== lastSeq + 1n || transfer.prevHash !== lastHash || transfer.hash !== expected)
      ) {
        brokenAtSeq = transfer.seq;
      }
      lastSeq = transfer.seq;
      lastHash = expected;
      if (wanted.has(transfer.seq)) recomputed.set(transfer.seq, expected);
    }
    if (page.length < PAGE) break;
  }
  // Rows deleted from the end of the chain leave no gap; the head the writers advanced still remembers them.
  if (brokenAtSeq === null && (head.lastSeq !== lastSeq || head.lastHash !== lastHash)) {
    // Missing rows at the end, rows beyond the head, or the last row rewritten with a fresh hash.
    brokenAtSeq = head.lastSeq > lastSeq ? lastSeq + 1n : head.lastSeq < lastSeq ? head.lastSeq + 1n : lastSeq;
  }
  const checkpointMismatches = checkpoints
    .filter((checkpoint) => recomputed.get(checkpoint.seq) !== checkpoint.hash)
    .map((checkpoint) => checkpoint.seq.toString());
  return {
    poolId,
    lane,
    transfersChecked: checked,
    lastSeq: lastSeq.toString(),
    lastHash,
    brokenAtSeq: brokenAtSeq?.toString() ?? null,
    checkpointsChecked: checkpoints.length,
    checkpointMismatches,
  };
}
