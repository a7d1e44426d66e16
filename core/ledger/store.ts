import type { PoolHead } from './chain.ts';
import type { Account, AccountKind, Transfer, TransferKind } from './types.ts';

export interface AccountDelta {
  accountId: string;
  /** A platform account (no pool): not locked when the batch opened; written last. */
  platform: boolean;
  debitsPendingMicros: bigint;
  debitsPostedMicros: bigint;
  creditsPendingMicros: bigint;
  creditsPostedMicros: bigint;
}

export interface StoredIdempotency {
  requestHash: string;
  /** The transfers the command wrote, in chain order. */
  transferIds: string[];
}

/**
 * Everything one batch writes. The store also writes one outbox event per transfer in the same statement (see
 * LEDGER_EVENT_BY_KIND and LedgerEventPayload in types.ts).
 * Applied by `LedgerTx.write` as a handful of set-based statements. */
export interface BatchWrite {
  transfers: Transfer[];
  /**
   * What the batch changed on each account, as deltas of the four totals. Pool accounts are locked for the whole
   * batch; platform accounts (fee, custodial, outside world: the hot ones) only from lockTail to commit.
   */
  accountDeltas: AccountDelta[];
  openedHolds: { holdId: string; poolId: string; timeoutAt: Date }[];
  closedHoldIds: string[];
  idempotency: { key: string; requestHash: string; transferIds: string[] }[];
  heads: PoolHead[];
}

/** What a batch reads when its transaction opens. */
export interface BatchSnapshot {
  /** Pending transfers by id (rows never change, so no lock). */
  holds: Map<string, Transfer>;
  /** Pool accounts locked FOR NO KEY UPDATE; platform accounts read without a lock. */
  accounts: Map<string, Account>;
  /** Stored results of the batch's idempotency keys, read after the locks were granted. */
  stored: Map<string, StoredIdempotency>;
  /** The kind of each loaded hold's resolution, read after the locks were granted. */
  resolutions: Map<string, TransferKind>;
  /** The database server's clock, read after the locks were granted. */
  nowMs: number;
  /** The batch's lane head of each of its pools, locked FOR UPDATE (created at genesis when missing). */
  heads: Map<string, PoolHead>;
}

/**
 * One database transaction at READ COMMITTED; its row locks are held until it commits or rolls back. The engine calls
 * open, (loadTransfers), commit. Locks follow one global order — pool accounts by id, then chain heads by (pool, lane),
 * then platform accounts by id — so batches in different processes cannot deadlock.
 */
export interface LedgerTx {
  /**
   * Begins, loads the holds, locks the pool accounts among `accountIds` and both accounts of each hold (id order),
   * then the batch's lane head of each pool, and reads the platform accounts without a lock — their kind, pool and currency never change, their totals change only
   * by deltas, and the ones that may not overdraw are only ever credited by commands. Then, after the locks are
   * granted, reads the stored keys, the holds' resolutions and the clock: a copy of a command that touched the same
   * accounts and committed first is visible here.
   */
  open(input: {
    holdIds: string[];
    accountIds: string[];
    keys: string[];
    poolIds: string[];
    lane: number;
  }): Promise<BatchSnapshot>;
  /** Transfers by id, in chain order (replays). */
  loadTransfers(ids: string[]): Promise<Transfer[]>;
  /**
   * Writes the batch (when there is one) and commits, in one round trip. Platform accounts are updated last, in id
   * order, so that their locks — the hottest rows — are held only for the commit.
   */
  commit(batch: BatchWrite | null): Promise<void>;
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
  lane: number;
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
  /** A pool's transfers, newest first (ids are time-ordered UUIDv7), strictly before `beforeId` when given. */
  listTransfers(poolId: string, options: { beforeId?: string; limit: number }): Promise<Transfer[]>;
  /** Holds still pending whose timeout is at or before the database clock, oldest first. */
  dueHolds(limit: number): Promise<{ holdId: string; poolId: string }[]>;
  /** One lane of a pool's chain in order from `afterSeq`, for verification. */
  chainPage(poolId: string, lane: number, afterSeq: bigint, limit: number): Promise<Transfer[]>;
  /** Accounts whose stored totals differ from the totals recomputed from transfers (all pools when poolId is null). */
  balanceMismatches(poolId: string | null): Promise<{ accountsChecked: number; mismatches: AccountMismatch[] }>;
  /** Σ(credits − debits) per currency, posted and pending, over every account: both must be zero. */
  currencyTotals(): Promise<{ currency: string; postedMicros: bigint; pendingMicros: bigint }[]>;
  /** Rule breaks in the stored rows: overdrawn accounts, holds resolved twice, posts above their hold. */
  ruleViolations(poolId: string | null): Promise<string[]>;
  /** Every lane head of every pool (of one pool when given), as the writers left them. */
  chainHeads(poolId: string | null): Promise<PoolHead[]>;
  checkpoints(poolId: string, lane: number): Promise<Checkpoint[]>;
  /** Seals each lane head of the pool that moved since its last checkpoint (and writes an outbox event for each). */
  writeCheckpoints(poolId: string): Promise<Checkpoint[]>;
}
