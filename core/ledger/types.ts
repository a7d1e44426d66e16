/** Ledger vocabulary. Amounts are bigint micros everywhere; ids are UUIDs. */

export type AccountKind = 'member' | 'treasury' | 'escrow' | 'platform_fee' | 'custodial' | 'external';

/** Platform accounts exist once per currency (no pool); the others belong to one pool. */
export const PLATFORM_ACCOUNT_KINDS: readonly AccountKind[] = ['platform_fee', 'custodial', 'external'];

export interface Account {
  id: string;
  poolId: string | null;
  currency: string;
  kind: AccountKind;
  userId: string | null;
  /** When true, posted debits + pending debits may never exceed posted credits (available ≥ 0). */
  noOverdraft: boolean;
  debitsPendingMicros: bigint;
  debitsPostedMicros: bigint;
  creditsPendingMicros: bigint;
  creditsPostedMicros: bigint;
}

export interface Balance {
  postedMicros: bigint;
  pendingMicros: bigint;
  availableMicros: bigint;
}

/** posted = credits − debits; pending = debits still reserved by holds; available = posted − pending. */
export function balanceOf(account: Account): Balance {
  const postedMicros = account.creditsPostedMicros - account.debitsPostedMicros;
  const pendingMicros = account.debitsPendingMicros;
  return { postedMicros, pendingMicros, availableMicros: postedMicros - pendingMicros };
}

/**
 * posted: a single-phase transfer. pending: a hold (reserves funds until posted, voided or expired).
 * post_pending / void_pending / expire_pending: the one resolution of a pending transfer (`pendingId`).
 */
export type TransferKind = 'posted' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending';

export interface Transfer {
  id: string;
  poolId: string;
  /**
   * The pool's hash chain this row belongs to. A pool has a few chains (lanes) so that concurrent batches append
   * without waiting for each other; each lane is gap-free and tamper-evident on its own.
   */
  lane: number;
  /** Position in its lane, 1-based, gap-free. */
  seq: bigint;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  /** For post_pending, the posted amount; for void/expire, the amount that returned. */
  amountMicros: bigint;
  currency: string;
  pendingId: string | null;
  timeoutAt: Date | null;
  /** Shared by every transfer of one linked chain. */
  linkedId: string | null;
  code: string;
  memo: string;
  createdAt: Date;
  prevHash: string;
  hash: string;
}

/** One element of a command: the chain applies all of them or none. */
export type TransferInput =
  | {
      type: 'transfer';
      debitAccountId: string;
      creditAccountId: string;
      amountMicros: bigint;
      code: string;
      memo?: string;
    }
  | {
      type: 'hold';
      debitAccountId: string;
      creditAccountId: string;
      amountMicros: bigint;
      timeoutSeconds: number;
      code: string;
      memo?: string;
    }
  /**
   * amountMicros (gross) omitted posts the whole hold; less posts part of it and the rest returns. With `fee`, that
   * much of the gross goes to the fee account and the payee receives the rest, in the same chain.
   */
  | {
      type: 'post';
      holdId: string;
      amountMicros?: bigint;
      fee?: { accountId: string; amountMicros: bigint };
      memo?: string;
    }
  | { type: 'void'; holdId: string; memo?: string }
  /** Only the server's expiry sweep sends this; it fails unless the timeout has passed. */
  | { type: 'expire'; holdId: string };

export interface LedgerCommand {
  poolId: string;
  /** Made at the edge (update id, interaction id, Idempotency-Key, webhook event id), namespaced by the caller. */
  idempotencyKey: string;
  transfers: TransferInput[];
}

export interface CommandResult {
  transfers: Transfer[];
  /** True when the key had been seen with the same input and the stored result came back unchanged. */
  replayed: boolean;
}

export type LedgerEventType = 'HoldCreated' | 'HoldReleased' | 'HoldVoided' | 'HoldExpired' | 'TransferPosted';

/** Every transfer writes one outbox event, in the same statement, named by its kind. */
export const LEDGER_EVENT_BY_KIND: Record<TransferKind, LedgerEventType> = {
  posted: 'TransferPosted',
  pending: 'HoldCreated',
  post_pending: 'HoldReleased',
  void_pending: 'HoldVoided',
  expire_pending: 'HoldExpired',
};

/**
 * The payload of a ledger event. For HoldReleased, amountMicros reached the payee and holdMicros − amountMicros left
 * the hold otherwise (the platform fee, in the linked TransferPosted, and what returned to the payer); for HoldVoided
 * and HoldExpired, amountMicros returned to the payer.
 */
export interface LedgerEventPayload {
  transferId: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  debitUserId: string | null;
  creditUserId: string | null;
  currency: string;
  code: string;
  amountMicros: string;
  /** The hold: the transfer itself for HoldCreated, the resolved hold otherwise; null for TransferPosted. */
  holdId: string | null;
  holdMicros: string | null;
  timeoutAt: string | null;
  linkedId: string | null;
}

export type HoldStatus = 'pending' | 'posted' | 'voided' | 'expired';

export const MAX_CHAIN_LENGTH = 64;
export const MAX_HOLD_TIMEOUT_SECONDS = 366 * 24 * 3600;
