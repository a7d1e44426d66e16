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
  /** The caller has no live credential: missing, unknown or revoked token. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The credential lacks the scope the operation needs (read, write, admin). */
  INSUFFICIENT_SCOPE: 'INSUFFICIENT_SCOPE',
  /** Too many requests or attempts in the current window; details say when to retry. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A money-moving request arrived without an idempotency key. */
  IDEMPOTENCY_KEY_REQUIRED: 'IDEMPOTENCY_KEY_REQUIRED',
  /** The first request with this idempotency key is still running. */
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
  /** The operation needs the Global Admin. */
  NOT_GLOBAL_ADMIN: 'NOT_GLOBAL_ADMIN',
  /** The caller is not a member of the pool (never joined, or left). */
  NOT_A_MEMBER: 'NOT_A_MEMBER',
  /** The operation needs an officer or the owner of the pool. */
  NOT_AN_OFFICER: 'NOT_AN_OFFICER',
  /** The operation needs the owner of the pool. */
  NOT_POOL_OWNER: 'NOT_POOL_OWNER',
  /** The caller (or the target) is suspended in this pool: reads and leaving only. */
  MEMBER_SUSPENDED: 'MEMBER_SUSPENDED',
  /** The caller is banned from this pool and cannot rejoin. */
  MEMBER_BANNED: 'MEMBER_BANNED',
  /** The person already belongs to the pool. */
  ALREADY_A_MEMBER: 'ALREADY_A_MEMBER',
  /** The named user is not a member of the pool. */
  MEMBER_NOT_FOUND: 'MEMBER_NOT_FOUND',
  /** The change does not apply to the target's role (an officer moderating an officer, promoting the owner...). */
  ROLE_CHANGE_NOT_ALLOWED: 'ROLE_CHANGE_NOT_ALLOWED',
  /** The owner must hand the pool to someone else before leaving. */
  OWNER_CANNOT_LEAVE: 'OWNER_CANNOT_LEAVE',
  /** The Global Admin suspended the pool: reads only until lifted. */
  POOL_SUSPENDED: 'POOL_SUSPENDED',
  /** A private pool's password is missing or wrong. */
  WRONG_POOL_PASSWORD: 'WRONG_POOL_PASSWORD',
  /** The Discord guild or Telegram chat is already bound to another pool. */
  CHAT_ALREADY_BOUND: 'CHAT_ALREADY_BOUND',
  /** The referral code is unknown, revoked, of another pool, or the caller's own. */
  REFERRAL_CODE_INVALID: 'REFERRAL_CODE_INVALID',
  /** The link code is unknown, used or expired. */
  LINK_CODE_INVALID: 'LINK_CODE_INVALID',
  /** The identity already belongs to another user who has pools or money; linking would merge two accounts. */
  IDENTITY_ALREADY_LINKED: 'IDENTITY_ALREADY_LINKED',
  /** The member has as many machines as their limit allows; details give the limit and how to raise it. */
  MACHINE_LIMIT_REACHED: 'MACHINE_LIMIT_REACHED',
  /** This hardware is already registered in the pool. */
  MACHINE_ALREADY_REGISTERED: 'MACHINE_ALREADY_REGISTERED',
  /** The member already has a machine of that name in the pool. */
  MACHINE_NAME_TAKEN: 'MACHINE_NAME_TAKEN',
  /** The machine id names no registered machine of the pool. */
  MACHINE_NOT_FOUND: 'MACHINE_NOT_FOUND',
  /** The pool's owner has not put machine slots on sale. */
  SLOTS_NOT_FOR_SALE: 'SLOTS_NOT_FOR_SALE',
  /** The hold belongs to someone else and the caller may not act on it. */
  NOT_HOLD_PARTY: 'NOT_HOLD_PARTY',
  /** The offer id names no offer of the pool. */
  OFFER_NOT_FOUND: 'OFFER_NOT_FOUND',
  /** The offer is paused, withdrawn or sold out. */
  OFFER_NOT_AVAILABLE: 'OFFER_NOT_AVAILABLE',
  /** A seller tried to buy their own offer. */
  OWN_OFFER: 'OWN_OFFER',
  /** The price is below the pool's minimum for this kind of offer; details give the minimum. */
  PRICE_BELOW_MINIMUM: 'PRICE_BELOW_MINIMUM',
  /** The member reached the pool's purchase or rental cap for the period; details give the cap. */
  PURCHASE_CAP_REACHED: 'PURCHASE_CAP_REACHED',
  /** The pool's rules restrict this member (listing, renting or payouts) because of a low score. */
  RESTRICTED_BY_REPUTATION: 'RESTRICTED_BY_REPUTATION',
  /** The deal id names no deal of the pool. */
  DEAL_NOT_FOUND: 'DEAL_NOT_FOUND',
  /** The deal is not in a state that allows this step (already completed, cancelled or disputed). */
  DEAL_WRONG_STATE: 'DEAL_WRONG_STATE',
  /** Only the buyer, the seller (or an officer, where allowed) may act on a deal. */
  NOT_DEAL_PARTY: 'NOT_DEAL_PARTY',
  /** The withdrawal id names no withdrawal. */
  WITHDRAWAL_NOT_FOUND: 'WITHDRAWAL_NOT_FOUND',
  /** The withdrawal is not in a state that allows this step. */
  WITHDRAWAL_WRONG_STATE: 'WITHDRAWAL_WRONG_STATE',
  /** The withdrawal destination does not look like an address or details of its kind. */
  INVALID_DESTINATION: 'INVALID_DESTINATION',
  /** The dispute id names no dispute. */
  DISPUTE_NOT_FOUND: 'DISPUTE_NOT_FOUND',
  /** The pool's dispute window for this deal has passed. */
  DISPUTE_WINDOW_CLOSED: 'DISPUTE_WINDOW_CLOSED',
  /** The deal already has a dispute. */
  DISPUTE_ALREADY_OPEN: 'DISPUTE_ALREADY_OPEN',
  /** The dispute is already resolved. */
  DISPUTE_WRONG_STATE: 'DISPUTE_WRONG_STATE',
  /** A party to the dispute tried to vote on it. */
  DISPUTE_PARTY_CANNOT_VOTE: 'DISPUTE_PARTY_CANNOT_VOTE',
  /** A reward was settled over a window with no recorded contribution. */
  NO_CONTRIBUTIONS: 'NO_CONTRIBUTIONS',
  /** The reward id names no reward distribution. */
  REWARD_NOT_FOUND: 'REWARD_NOT_FOUND',
  /** The reward distribution was already released or cancelled. */
  REWARD_WRONG_STATE: 'REWARD_WRONG_STATE',
  /** The top-up id names no top-up. */
  TOPUP_NOT_FOUND: 'TOPUP_NOT_FOUND',
  /** The payment provider is not configured here or did not answer. */
  PAYMENT_PROVIDER_UNAVAILABLE: 'PAYMENT_PROVIDER_UNAVAILABLE',
  /** A webhook's signature is missing, forged or stale. */
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  /** The host agent's join code is unknown, used or expired. */
  AGENT_CODE_INVALID: 'AGENT_CODE_INVALID',
  /** The GameBoost session id names no session the caller may see. */
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  /** The GameBoost session already ended. */
  SESSION_WRONG_STATE: 'SESSION_WRONG_STATE',
  /** The machine's agent is not connected. */
  MACHINE_OFFLINE: 'MACHINE_OFFLINE',
  /** The web sign-in link is unknown, already used or older than 10 minutes: ask the bot for a new one with /web. */
  LOGIN_LINK_INVALID: 'LOGIN_LINK_INVALID',
  /** The Telegram Mini App data or the Discord sign-in did not check out (forged, stale or refused). */
  SIGN_IN_REFUSED: 'SIGN_IN_REFUSED',
  /** The form did not carry this browser session's CSRF token, or came from another site. */
  CSRF_FAILED: 'CSRF_FAILED',
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
