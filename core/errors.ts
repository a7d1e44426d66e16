/**
 * Business failures: a closed set of codes. Transports map them to HTTP statuses and locale keys in one table each;
 * bugs and infrastructure faults still throw ordinary errors.
 */
export const ErrorCodes = {
  /** An amount is zero, negative, malformed or too large for the ledger. */
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  /** A transfer names an account that does not exist. */
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  /** A transfer debits and credits the same account. */
  SAME_ACCOUNT: 'SAME_ACCOUNT',
  /** The two accounts of a transfer keep different currencies. */
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  /** An account of another pool appears in a pool's transfer. */
  POOL_MISMATCH: 'POOL_MISMATCH',
  /** The debit would take an account that may not overdraw below zero available. */
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  /** A balance would pass the largest amount the ledger stores. */
  AMOUNT_OVERFLOW: 'AMOUNT_OVERFLOW',
  /** A hold timeout is not a whole number of seconds between 1 second and 1 year. */
  INVALID_TIMEOUT: 'INVALID_TIMEOUT',
  /** The hold id names no pending transfer. */
  HOLD_NOT_FOUND: 'HOLD_NOT_FOUND',
  /** The hold was already posted (released to the payee). */
  HOLD_ALREADY_POSTED: 'HOLD_ALREADY_POSTED',
  /** The hold was already voided. */
  HOLD_ALREADY_VOIDED: 'HOLD_ALREADY_VOIDED',
  /** The hold's timeout has passed on the server's clock; it expires and its funds return. */
  HOLD_EXPIRED: 'HOLD_EXPIRED',
  /** The expiry sweep reached a hold whose timeout has not passed yet. */
  HOLD_NOT_YET_EXPIRED: 'HOLD_NOT_YET_EXPIRED',
  /** A post asks for more than the hold reserves. */
  HOLD_AMOUNT_EXCEEDED: 'HOLD_AMOUNT_EXCEEDED',
  /** The same idempotency key came back with a different request. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** A linked chain held no transfers, or more than the ledger takes at once. */
  INVALID_CHAIN: 'INVALID_CHAIN',
  /** The referenced pool does not exist. */
  POOL_NOT_FOUND: 'POOL_NOT_FOUND',
  /** The referenced user does not exist. */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  /** Input failed validation before reaching the domain. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** A business failure with a stable code and optional structured details (never secrets). */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message ?? code);
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** Result type for pure parsing: the error side is an identifier that transports localize. */
export type Result<T, E = ErrorCode> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
