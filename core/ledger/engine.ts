import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { canonicalJson } from '../../lib/canonical-json.ts';
import type { Logger } from '../../lib/logger.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { applyCommand, type BatchState, type DraftTransfer, type HoldRecord } from './apply.ts';
import { MAX_LANES, sealDrafts } from './chain.ts';
import type { AccountDelta, BatchWrite, LedgerStore, LedgerTx } from './store.ts';
import type { Account, CommandResult, LedgerCommand, Transfer } from './types.ts';

export interface LedgerEngineOptions {
  /** Most commands one database transaction carries. */
  maxBatch?: number;
  /**
   * Batches in the database at once. Two overlap one batch's reads and locks with another's write and commit; they
   * serialise on shared rows (accounts, a pool's chain head) through row locks taken in one global order.
   */
  maxInFlight?: number;
  /** Attempts of one batch after retryable database errors before its commands run one by one. */
  maxAttempts?: number;
  logger?: Logger;
}

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,200}$/;

type Outcome = { ok: true; result: CommandResult } | { ok: false; error: AppError };

interface Queued {
  command: LedgerCommand;
  requestHash: string;
  resolve: (result: CommandResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: commands that arrive while a batch is in the database wait in a queue and go together in the next
 * transaction. Each command still succeeds or fails on its own (a linked chain as a whole), in arrival order, against
 * balances read under row locks — batching changes how many commits there are, not what any command sees.
 */
export class LedgerEngine {
  private readonly queue: Queued[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Lanes of the chain not used by a batch in flight; each batch appends to its own lane. */
  private readonly freeLanes: number[];
  private pumpScheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly store: LedgerStore,
    private readonly options: LedgerEngineOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.maxInFlight = Math.min(options.maxInFlight ?? 2, MAX_LANES);
    this.freeLanes = Array.from({ length: this.maxInFlight }, (_, lane) => lane);
    this.maxAttempts = options.maxAttempts ?? 6;
  }

  /** Applies a command (one transfer or a linked chain) exactly once per idempotency key. Fails with AppError. */
  submit(command: LedgerCommand): Promise<CommandResult> {
    if (!IDEMPOTENCY_KEY.test(command.idempotencyKey)) {
      return Promise.reject(
        new AppError('VALIDATION_FAILED', 'idempotency key must be 1..200 printable ASCII characters'),
      );
    }
    const requestHash = createHash('sha256').update(canonicalJson(command)).digest('hex');
    return new Promise<CommandResult>((resolve, reject) => {
      this.queue.push({ command, requestHash, resolve, reject });
      if (!this.pumpScheduled) {
        // Commands submitted in the same tick share a batch.
        this.pumpScheduled = true;
        queueMicrotask(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Resolves when every command submitted so far has settled. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.queue.length > 0) {
      if (this.running.size === 0) this.pump();
      await Promise.all(this.running);
    }
  }

  /** Starts batches while fewer than maxInFlight are in the database; each finished batch pumps again. */
  private pump(): void {
    while (this.running.size < this.maxInFlight && this.queue.length > 0) {
      // Share the queue between the free slots so that every database connection gets work.
      const freeSlots = this.maxInFlight - this.running.size;
      const size = Math.min(this.maxBatch, Math.ceil(this.queue.length / freeSlots));
      const batch = this.queue.splice(0, size);
      // The lowest free lane: a quiet pool keeps appending to lane 0.
      this.freeLanes.sort((a, b) => a - b);
      const lane = this.freeLanes.shift() ?? 0;
      const run: Promise<void> = this.runBatch(batch, lane).finally(() => {
        this.freeLanes.push(lane);
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async runBatch(batch: Queued[], lane: number): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      try {
        const outcomes = await this.store.transaction((tx) => this.process(tx, batch, lane));
        batch.forEach((item, index) => {
          const outcome = outcomes[index];
          if (!outcome) item.reject(new Error('ledger batch lost an outcome'));
          else if (outcome.ok) item.resolve(outcome.result);
          else item.reject(outcome.error);
        });
        return;
      } catch (error) {
        lastError = error;
        if (!this.store.isRetryable(error)) break;
        await sleep(Math.random() * 2 ** attempt);
      }
    }
    if (batch.length > 1) {
      // One command's fault must not fail the others: run them alone so that only its own caller sees the error.
      this.options.logger?.warn({ err: lastError, size: batch.length }, 'ledger batch failed; retrying one by one');
      for (const item of batch) await this.runBatch([item], lane);
      return;
    }
    batch[0]?.reject(lastError);
  }

  private async process(tx: LedgerTx, batch: Queued[], lane: number): Promise<Outcome[]> {
    const outcomes: (Outcome | undefined)[] = batch.map(() => undefined);
    const leaderByKey = new Map<string, number>();
    const followers: number[] = [];
    batch.forEach((item, index) => {
      if (leaderByKey.has(item.command.idempotencyKey)) followers.push(index);
      else leaderByKey.set(item.command.idempotencyKey, index);
    });

    // Locks first, keys after: a copy of this command in another batch (or process) locks the same accounts, so
    // once our locks are granted its result is committed and visible to the key lookup below.
    const holdIds = new Set<string>();
    const accountIds = new Set<string>();
    for (const index of leaderByKey.values()) {
      for (const input of (batch[index] as Queued).command.transfers) {
        if (input.type === 'transfer' || input.type === 'hold') {
          accountIds.add(input.debitAccountId);
          accountIds.add(input.creditAccountId);
        } else {
          holdIds.add(input.holdId);
          if (input.type === 'post' && input.fee) accountIds.add(input.fee.accountId);
        }
      }
    }
    const poolIds = [...new Set([...leaderByKey.values()].map((index) => (batch[index] as Queued).command.poolId))];
    const {
      holds: holdTransfers,
      accounts,
      stored,
      resolutions,
      nowMs,
      heads,
    } = await tx.open({
      holdIds: [...holdIds],
      accountIds: [...accountIds],
      keys: [...leaderByKey.keys()],
      poolIds,
      lane,
    });

    const toApply: number[] = [];
    const replays: { index: number; transferIds: string[] }[] = [];
    for (const index of leaderByKey.values()) {
      const item = batch[index] as Queued;
      const previous = stored.get(item.command.idempotencyKey);
      if (!previous) toApply.push(index);
      else if (previous.requestHash !== item.requestHash) outcomes[index] = reused(item);
      else replays.push({ index, transferIds: previous.transferIds });
    }
    if (replays.length > 0) {
      const byId = new Map(
        (await tx.loadTransfers(replays.flatMap((replay) => replay.transferIds))).map((t) => [t.id, t]),
      );
      for (const { index, transferIds } of replays) {
        const transfers = transferIds.map((id) => byId.get(id));
        if (transfers.some((transfer) => !transfer)) throw new Error('an idempotent result names a missing transfer');
        outcomes[index] = { ok: true, result: { transfers: transfers as Transfer[], replayed: true } };
      }
    }

    const holds = new Map<string, HoldRecord>();
    for (const [id, transfer] of holdTransfers) holds.set(id, { transfer, resolution: resolutions.get(id) ?? null });
    const state: BatchState = { nowMs, accounts: cloneAccounts(accounts), holds };

    const applied: { index: number; drafts: DraftTransfer[] }[] = [];
    for (const index of toApply) {
      const item = batch[index] as Queued;
      // A pool that does not exist has no chain head (heads are only created for existing pools).
      if (!heads.has(item.command.poolId)) {
        outcomes[index] = { ok: false, error: chainError('POOL_NOT_FOUND', 0) };
        continue;
      }
      const outcome = applyCommand(state, item.command);
      if (!outcome.ok) {
        outcomes[index] = { ok: false, error: chainError(outcome.code, outcome.index) };
        continue;
      }
      applied.push({ index, drafts: outcome.transfers });
    }

    if (applied.length > 0) {
      const deltas = accountDeltas(accounts, state.accounts);
      const write: BatchWrite = {
        transfers: [],
        accountDeltas: deltas,
        openedHolds: [],
        closedHoldIds: [],
        idempotency: [],
        heads: [],
      };
      for (const { index, drafts } of applied) {
        const item = batch[index] as Queued;
        const transfers = sealDrafts(drafts, heads);
        write.transfers.push(...transfers);
        for (const transfer of transfers) {
          if (transfer.kind === 'pending' && transfer.timeoutAt) {
            write.openedHolds.push({ holdId: transfer.id, poolId: transfer.poolId, timeoutAt: transfer.timeoutAt });
          } else if (transfer.pendingId) write.closedHoldIds.push(transfer.pendingId);
        }
        write.idempotency.push({
          key: item.command.idempotencyKey,
          requestHash: item.requestHash,
          transferIds: transfers.map((transfer) => transfer.id),
        });
        outcomes[index] = { ok: true, result: { transfers, replayed: false } };
      }
      const written = new Set(write.transfers.map((transfer) => transfer.poolId));
      write.heads = [...heads.values()].filter((head) => written.has(head.poolId));
      assertBatchBalanced(write, accounts, state.accounts);
      await tx.commit(write);
    }

    for (const index of followers) {
      const item = batch[index] as Queued;
      const leader = batch[leaderByKey.get(item.command.idempotencyKey) as number] as Queued;
      const leaderOutcome = outcomes[leaderByKey.get(item.command.idempotencyKey) as number];
      if (leader.requestHash !== item.requestHash) outcomes[index] = reused(item);
      else if (leaderOutcome?.ok) outcomes[index] = { ok: true, result: { ...leaderOutcome.result, replayed: true } };
      else outcomes[index] = leaderOutcome;
    }
    return outcomes.map((outcome) => outcome ?? { ok: false, error: new AppError('VALIDATION_FAILED') });
  }
}

function reused(item: Queued): Outcome {
  return {
    ok: false,
    error: new AppError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was used with a different request', {
      idempotencyKey: item.command.idempotencyKey,
    }),
  };
}

function chainError(code: ErrorCode, index: number): AppError {
  return new AppError(code, `${code} at transfer ${index} of the chain`, { index });
}

function cloneAccounts(accounts: Map<string, Account>): Map<string, Account> {
  return new Map([...accounts].map(([id, account]) => [id, { ...account }]));
}

function accountDeltas(before: Map<string, Account>, after: Map<string, Account>): AccountDelta[] {
  const deltas: AccountDelta[] = [];
  for (const account of after.values()) {
    const old = before.get(account.id);
    if (!old) throw new Error(`ledger invariant broken: account ${account.id} changed without being loaded`);
    const delta = {
      accountId: account.id,
      platform: account.poolId === null,
      debitsPendingMicros: account.debitsPendingMicros - old.debitsPendingMicros,
      debitsPostedMicros: account.debitsPostedMicros - old.debitsPostedMicros,
      creditsPendingMicros: account.creditsPendingMicros - old.creditsPendingMicros,
      creditsPostedMicros: account.creditsPostedMicros - old.creditsPostedMicros,
    };
    if (
      delta.debitsPendingMicros !== 0n ||
      delta.debitsPostedMicros !== 0n ||
      delta.creditsPendingMicros !== 0n ||
      delta.creditsPostedMicros !== 0n
    ) {
      deltas.push(delta);
    }
  }
  return deltas;
}

/**
 * Double entry, checked before anything is written: over the accounts a batch changed, debits moved exactly as much
 * as credits did, posted and pending alike, and no account that may not overdraw ends up overdrawn in the batch's
 * view (the database's CHECK constraint has the last word on rows written as deltas).
 */
function assertBatchBalanced(write: BatchWrite, before: Map<string, Account>, after: Map<string, Account>): void {
  let postedDelta = 0n;
  let pendingDelta = 0n;
  for (const delta of write.accountDeltas) {
    postedDelta += delta.creditsPostedMicros - delta.debitsPostedMicros;
    pendingDelta += delta.creditsPendingMicros - delta.debitsPendingMicros;
    const account = after.get(delta.accountId);
    if (!account || !before.has(delta.accountId)) throw new Error('ledger invariant broken: unknown account delta');
    if (account.noOverdraft && account.debitsPostedMicros + account.debitsPendingMicros > account.creditsPostedMicros) {
      throw new Error(`ledger invariant broken: account ${account.id} overdrawn`);
    }
  }
  if (postedDelta !== 0n || pendingDelta !== 0n) {
    throw new Error(`ledger invariant broken: batch unbalanced (posted ${postedDelta}, pending ${pendingDelta})`);
  }
  let transferPosted = 0n;
  for (const transfer of write.transfers) {
    if (transfer.amountMicros <= 0n) throw new Error(`ledger invariant broken: transfer ${transfer.id} amount <= 0`);
    if (transfer.debitAccountId === transfer.creditAccountId) throw new Error('ledger invariant broken: self transfer');
    if (transfer.kind === 'posted' || transfer.kind === 'post_pending') transferPosted += transfer.amountMicros;
  }
  const debitedPosted = write.accountDeltas.reduce((sum, delta) => sum + delta.debitsPostedMicros, 0n);
  if (debitedPosted !== transferPosted) {
    throw new Error(`ledger invariant broken: accounts debited ${debitedPosted} but transfers post ${transferPosted}`);
  }
}
