import type { PoolHead } from './chain.ts';
import type { Account, AccountKind, LedgerEvent, Transfer, TransferKind } from './types.ts';

export interface StoredIdempotency {
  requestHash: string;
  /** The transfers the command wrote, in chain order. */
  transferIds: string[];
}

/** Everything one batch writes, applied by `LedgerTx.write` as a handful of set-based statements. */
export interface BatchWrite {
  transfers: Transfer[];
  /** Final totals of every account the batch changed (the batch holds their row locks). */
  accounts: Account[];
  openedHolds: { holdId: string; poolId: string; timeoutAt: Date }[];
  closedHoldIds: string[];
  idempotency: { key: string; requestHash: string; transferIds: string[] }[];
  events: LedgerEvent[];
  heads: PoolHead[];
}

/**
 * One database transaction at READ COMMITTED. Row locks taken here are held until the transaction commits or rolls
 * back. The engine calls the methods in this order: findIdempotency, loadHolds, lockAccounts, loadResolutions,
 * lockPoolHeads, write — accounts are always locked before chain heads, each set in id order, so two batches in
 * different processes cannot deadlock.
 */
export interface LedgerTx {
  /** Stored results for these keys. No lock: a concurrent insert of the same key fails the later batch (retried). */
  findIdempotency(keys: string[]): Promise<Map<string, StoredIdempotency>>;
  /** Transfers by id, in chain order (replays). No lock: transfer rows never change. */
  loadTransfers(ids: string[]): Promise<Transfer[]>;
  /** Pending transfers by id. No lock: transfer rows never change. */
  loadHolds(ids: string[]): Promise<Map<string, Transfer>>;
  /** Locks the accounts FOR UPDATE in id order and reads the database server's clock after the locks are granted. */
  lockAccounts(ids: string[]): Promise<{ accounts: Map<string, Account>; nowMs: number }>;
  /** The kind of each hold's resolution; read after lockAccounts so that any resolution committed before is seen. */
  loadResolutions(holdIds: string[]): Promise<Map<string, TransferKind>>;
  /** Locks the pools' chain heads FOR UPDATE in id order, creating missing ones at the genesis hash. */
  lockPoolHeads(poolIds: string[]): Promise<Map<string, PoolHead>>;
  write(batch: BatchWrite): Promise<void>;
}

export interface OpenAccountInput {
  poolId: string | null;
  currency: string;
  kind: AccountKind;
  userId: string | null;
}

export interface HoldView {
  transfer: Transfer;
  resolution: Transfer | null;
}

export interface AccountMismatch {
  accountId: string;
  stored: Pick<Account, 'debitsPendingMicros' | 'debitsPostedMicros' | 'creditsPendingMicros' | 'creditsPostedMicros'>;
  computed: Pick<
    Account,
    'debitsPendingMicros' | 'debitsPostedMicros' | 'creditsPendingMicros' | 'creditsPostedMicros'
  >;
}

export interface Checkpoint {
  poolId: string;
  seq: bigint;
  hash: string;
  createdAt: Date;
}

/** The ledger's persistence port. The PostgreSQL adapter lives in db/ledger-store.ts. */
export interface LedgerStore {
  transaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T>;
  /** Errors after which the same batch may simply run again: serialization failure, deadlock, unique-key race. */
  isRetryable(error: unknown): boolean;
  /** Finds or creates the account; idempotent on (pool, kind, user, currency). */
  openAccount(input: OpenAccountInput): Promise<Account>;
  getAccount(id: string): Promise<Account | null>;
  findAccount(input: OpenAccountInput): Promise<Account | null>;
  getHold(holdId: string): Promise<HoldView | null>;
  /** A pool's transfers, newest first, strictly before `beforeSeq` when given. */
  listTransfers(poolId: string, options: { beforeSeq?: bigint; limit: number }): Promise<Transfer[]>;
  /** Holds still pending whose timeout is at or before the database clock, oldest first. */
  dueHolds(limit: number): Promise<{ holdId: string; poolId: string }[]>;
  /** A pool's transfers in chain order from `afterSeq`, for verification. */
  chainPage(poolId: string, afterSeq: bigint, limit: number): Promise<Transfer[]>;
  /** Accounts whose stored totals differ from the totals recomputed from transfers (all pools when poolId is null). */
  balanceMismatches(poolId: string | null): Promise<{ accountsChecked: number; mismatches: AccountMismatch[] }>;
  /** Σ(credits − debits) per currency, posted and pending, over every account: both must be zero. */
  currencyTotals(): Promise<{ currency: string; postedMicros: bigint; pendingMicros: bigint }[]>;
  /** Rule breaks in the stored rows: overdrawn accounts, holds resolved twice, posts above their hold. */
  ruleViolations(poolId: string | null): Promise<string[]>;
  poolIdsWithTransfers(): Promise<string[]>;
  checkpoints(poolId: string): Promise<Checkpoint[]>;
  /** Records the pool's current chain head as a checkpoint (and its outbox event) when it moved since the last one. */
  writeCheckpoint(poolId: string): Promise<Checkpoint | null>;
  /** The pool's chain head as the writers left it: the last position and hash. */
  poolHead(poolId: string): Promise<{ lastSeq: bigint; lastHash: string } | null>;
}
