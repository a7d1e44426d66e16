import { MAX_MICROS } from '../money/amount.ts';
import type { ErrorCode } from '../errors.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { holdStatus, RESOLUTION_KIND, transitionHold } from './hold-state.ts';
import {
  MAX_CHAIN_LENGTH,
  MAX_HOLD_TIMEOUT_SECONDS,
  type Account,
  type LedgerCommand,
  type Transfer,
  type TransferInput,
  type TransferKind,
} from './types.ts';

/** A pending transfer as loaded for a batch, with the kind of its resolution once it has one. */
export interface HoldRecord {
  transfer: Transfer;
  resolution: TransferKind | null;
}

/**
 * What one batch works on: the accounts it locked and the holds it loaded, both mutated in place as commands apply,
 * and the database server's clock read once for the whole batch.
 */
export interface BatchState {
  nowMs: number;
  accounts: Map<string, Account>;
  holds: Map<string, HoldRecord>;
}

/** A transfer before the chain gives it a position and a hash. */
export type DraftTransfer = Omit<Transfer, 'lane' | 'seq' | 'prevHash' | 'hash'>;

export type ApplyOutcome = { ok: true; transfers: DraftTransfer[] } | { ok: false; code: ErrorCode; index: number };

/** The limits the database's CHECK constraints hold transfers to, checked first so they fail as business errors. */
const MAX_MEMO_LENGTH = 500;
const CODE_PATTERN = /^[a-z0-9_.:-]{1,64}$/i;

class ChainFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly index: number,
  ) {
    super(code);
  }
}

/**
 * Applies one command (a linked chain) to the batch state: every transfer or none. Business failures come back as
 * a code and the index of the transfer that failed; the state is then exactly as before the call.
 */
export function applyCommand(state: BatchState, command: LedgerCommand): ApplyOutcome {
  if (command.transfers.length === 0 || command.transfers.length > MAX_CHAIN_LENGTH) {
    return { ok: false, code: 'INVALID_CHAIN', index: 0 };
  }
  const accountsBefore = new Map<string, Account>();
  const holdsBefore = new Map<string, HoldRecord>();
  const remember = (account: Account) => {
    if (!accountsBefore.has(account.id)) accountsBefore.set(account.id, { ...account });
  };
  const linkedId = command.transfers.length > 1 ? uuidv7(state.nowMs) : null;
  const drafts: DraftTransfer[] = [];
  try {
    command.transfers.forEach((input, index) => {
      drafts.push(...applyOne(state, command.poolId, input, index, linkedId, remember, holdsBefore));
    });
  } catch (failure) {
    if (!(failure instanceof ChainFailure)) throw failure;
    for (const [id, account] of accountsBefore) state.accounts.set(id, account);
    for (const [id, hold] of holdsBefore) state.holds.set(id, hold);
    return { ok: false, code: failure.code, index: failure.index };
  }
  return { ok: true, transfers: drafts };
}

function applyOne(
  state: BatchState,
  poolId: string,
  input: TransferInput,
  index: number,
  linkedId: string | null,
  remember: (account: Account) => void,
  holdsBefore: Map<string, HoldRecord>,
): DraftTransfer[] {
  const fail = (code: ErrorCode): never => {
    throw new ChainFailure(code, index);
  };
  const base = { id: uuidv7(state.nowMs), poolId, linkedId, createdAt: new Date(state.nowMs) };
  const memo = input.type === 'expire' ? '' : (input.memo ?? '');
  if (memo.length > MAX_MEMO_LENGTH) fail('VALIDATION_FAILED');
  if ((input.type === 'transfer' || input.type === 'hold') && !CODE_PATTERN.test(input.code)) fail('VALIDATION_FAILED');

  if (input.type === 'transfer' || input.type === 'hold') {
    if (input.amountMicros <= 0n || input.amountMicros > MAX_MICROS) fail('INVALID_AMOUNT');
    const debit = state.accounts.get(input.debitAccountId) ?? fail('ACCOUNT_NOT_FOUND');
    const credit = state.accounts.get(input.creditAccountId) ?? fail('ACCOUNT_NOT_FOUND');
    if (debit.id === credit.id) fail('SAME_ACCOUNT');
    if (debit.currency !== credit.currency) fail('CURRENCY_MISMATCH');
    for (const account of [debit, credit])
      if (account.poolId !== null && account.poolId !== poolId) fail('POOL_MISMATCH');
    let timeoutAt: Date | null = null;
    if (input.type === 'hold') {
      const seconds = input.timeoutSeconds;
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_HOLD_TIMEOUT_SECONDS) fail('INVALID_TIMEOUT');
      timeoutAt = new Date(state.nowMs + seconds * 1000);
    }
    remember(debit);
    remember(credit);
    const pending = input.type === 'hold';
    if (pending) {
      debit.debitsPendingMicros += input.amountMicros;
      credit.creditsPendingMicros += input.amountMicros;
    } else {
      debit.debitsPostedMicros += input.amountMicros;
      credit.creditsPostedMicros += input.amountMicros;
    }
    const code = checkAccount(debit) ?? checkAccount(credit);
    if (code) fail(code);
    return [
      {
        ...base,
        kind: pending ? 'pending' : 'posted',
        debitAccountId: debit.id,
        creditAccountId: credit.id,
        amountMicros: input.amountMicros,
        currency: debit.currency,
        pendingId: null,
        timeoutAt,
        code: input.code,
        memo: input.memo ?? '',
      },
    ];
  }

  const record = state.holds.get(input.holdId) ?? fail('HOLD_NOT_FOUND');
  const hold = record.transfer;
  if (hold.poolId !== poolId) fail('POOL_MISMATCH');
  const timedOut = hold.timeoutAt !== null && hold.timeoutAt.getTime() <= state.nowMs;
  const next = transitionHold(holdStatus(record.resolution), input.type, timedOut);
  if (!next.ok) fail(next.error);
  const grossMicros = input.type === 'post' ? (input.amountMicros ?? hold.amountMicros) : 0n;
  const feeMicros = input.type === 'post' ? (input.fee?.amountMicros ?? 0n) : 0n;
  const feeAccount =
    input.type === 'post' && input.fee ? (state.accounts.get(input.fee.accountId) ?? fail('ACCOUNT_NOT_FOUND')) : null;
  if (input.type === 'post') {
    if (grossMicros <= 0n) fail('INVALID_AMOUNT');
    if (grossMicros > hold.amountMicros) fail('HOLD_AMOUNT_EXCEEDED');
    // The payee must receive something: a fee of the whole amount is refused rather than posting zero.
    if (feeMicros < 0n || feeMicros >= grossMicros) fail('INVALID_AMOUNT');
  }
  const postedMicros = grossMicros - feeMicros;
  const debit = state.accounts.get(hold.debitAccountId) ?? fail('ACCOUNT_NOT_FOUND');
  const credit = state.accounts.get(hold.creditAccountId) ?? fail('ACCOUNT_NOT_FOUND');
  if (feeAccount) {
    if (feeAccount.id === debit.id) fail('SAME_ACCOUNT');
    if (feeAccount.currency !== hold.currency) fail('CURRENCY_MISMATCH');
    if (feeAccount.poolId !== null && feeAccount.poolId !== poolId) fail('POOL_MISMATCH');
  }
  remember(debit);
  remember(credit);
  if (!holdsBefore.has(hold.id)) holdsBefore.set(hold.id, { ...record });
  debit.debitsPendingMicros -= hold.amountMicros;
  credit.creditsPendingMicros -= hold.amountMicros;
  debit.debitsPostedMicros += postedMicros;
  credit.creditsPostedMicros += postedMicros;
  const code = checkAccount(debit) ?? checkAccount(credit);
  if (code) fail(code);
  const kind = RESOLUTION_KIND[input.type];
  state.holds.set(hold.id, { transfer: hold, resolution: kind });
  const resolution: DraftTransfer = {
    ...base,
    kind,
    debitAccountId: debit.id,
    creditAccountId: credit.id,
    amountMicros: input.type === 'post' ? postedMicros : hold.amountMicros,
    currency: hold.currency,
    pendingId: hold.id,
    timeoutAt: null,
    code: hold.code,
    memo: input.type === 'expire' ? '' : (input.memo ?? ''),
  };
  if (!feeAccount || feeMicros === 0n) return [resolution];
  // The fee leaves the payer's released funds for the fee account: the payer's total debit stays within the hold.
  remember(feeAccount);
  debit.debitsPostedMicros += feeMicros;
  feeAccount.creditsPostedMicros += feeMicros;
  const feeCode = checkAccount(debit) ?? checkAccount(feeAccount);
  if (feeCode) fail(feeCode);
  const fee: DraftTransfer = {
    ...base,
    id: uuidv7(state.nowMs),
    kind: 'posted',
    debitAccountId: debit.id,
    creditAccountId: feeAccount.id,
    amountMicros: feeMicros,
    currency: hold.currency,
    pendingId: null,
    timeoutAt: null,
    linkedId: linkedId ?? resolution.id,
    code: 'platform_fee',
    memo: `fee on hold ${hold.id}`,
  };
  return [{ ...resolution, linkedId: linkedId ?? resolution.id }, fee];
}

/** The per-account invariants every applied transfer must keep. */
function checkAccount(account: Account): ErrorCode | null {
  const fields = [
    account.debitsPendingMicros,
    account.debitsPostedMicros,
    account.creditsPendingMicros,
    account.creditsPostedMicros,
  ];
  if (fields.some((value) => value > MAX_MICROS)) return 'AMOUNT_OVERFLOW';
  if (fields.some((value) => value < 0n)) throw new Error(`ledger invariant broken: negative total on ${account.id}`);
  if (account.noOverdraft && account.debitsPostedMicros + account.debitsPendingMicros > account.creditsPostedMicros) {
    return 'INSUFFICIENT_FUNDS';
  }
  return null;
}
