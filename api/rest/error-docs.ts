import type { ErrorCode } from '../../core/errors.ts';

/** One sentence per business error code, for the docs page and the OpenAPI document. */
export const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  INVALID_AMOUNT: 'An amount is zero, negative, malformed or too large for the ledger.',
  ACCOUNT_NOT_FOUND: 'A transfer names an account that does not exist.',
  SAME_ACCOUNT: 'A transfer debits and credits the same account.',
  CURRENCY_MISMATCH: 'The two accounts of a transfer keep different currencies.',
  POOL_MISMATCH: "An account of another pool appears in a pool's transfer.",
  INSUFFICIENT_FUNDS: 'The debit would take an account that may not overdraw below zero available.',
  AMOUNT_OVERFLOW: 'A balance would pass the largest amount the ledger stores.',
  INVALID_TIMEOUT: 'A hold timeout is not a whole number of seconds between 1 second and 1 year.',
  HOLD_NOT_FOUND: 'The hold id names no pending transfer.',
  HOLD_ALREADY_POSTED: 'The hold was already posted (released to the payee).',
  HOLD_ALREADY_VOIDED: 'The hold was already voided.',
  HOLD_EXPIRED: "The hold's timeout has passed on the server's clock; it expires and its funds return.",
  HOLD_NOT_YET_EXPIRED: 'The expiry sweep reached a hold whose timeout has not passed yet.',
  HOLD_AMOUNT_EXCEEDED: 'A post asks for more than the hold reserves.',
  IDEMPOTENCY_KEY_REUSED: 'The same idempotency key came back with a different request.',
  INVALID_CHAIN: 'A linked chain held no transfers, or more than the ledger takes at once.',
  POOL_NOT_FOUND: 'The referenced pool does not exist.',
  USER_NOT_FOUND: 'The referenced user does not exist.',
  UNAUTHENTICATED: 'The caller has no live credential: missing, unknown or revoked token.',
  INSUFFICIENT_SCOPE: 'The credential lacks the scope the operation needs (read, write, admin).',
  RATE_LIMITED: 'Too many requests or attempts in the current window; details say when to retry.',
  IDEMPOTENCY_KEY_REQUIRED: 'A money-moving request arrived without an idempotency key.',
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 'The first request with this idempotency key is still running.',
  NOT_GLOBAL_ADMIN: 'The operation needs the Global Admin.',
  NOT_A_MEMBER: 'The caller is not a member of the pool (never joined, or left).',
  NOT_AN_OFFICER: 'The operation needs an officer or the owner of the pool.',
  NOT_POOL_OWNER: 'The operation needs the owner of the pool.',
  MEMBER_SUSPENDED: 'The caller (or the target) is suspended in this pool: reads and leaving only.',
  MEMBER_BANNED: 'The caller is banned from this pool and cannot rejoin.',
  ALREADY_A_MEMBER: 'The person already belongs to the pool.',
  MEMBER_NOT_FOUND: 'The named user is not a member of the pool.',
  ROLE_CHANGE_NOT_ALLOWED:
    "The change does not apply to the target's role (an officer moderating an officer, promoting the owner...).",
  OWNER_CANNOT_LEAVE: 'The owner must hand the pool to someone else before leaving.',
  POOL_SUSPENDED: 'The Global Admin suspended the pool: reads only until lifted.',
  WRONG_POOL_PASSWORD: "A private pool's password is missing or wrong.",
  CHAT_ALREADY_BOUND: 'The Discord guild or Telegram chat is already bound to another pool.',
  REFERRAL_CODE_INVALID: "The referral code is unknown, revoked, of another pool, or the caller's own.",
  LINK_CODE_INVALID: 'The link code is unknown, used or expired.',
  IDENTITY_ALREADY_LINKED:
    'The identity already belongs to another user who has pools or money; linking would merge two accounts.',
  MACHINE_LIMIT_REACHED:
    'The member has as many machines as their limit allows; details give the limit and how to raise it.',
  MACHINE_ALREADY_REGISTERED: 'This hardware is already registered in the pool.',
  MACHINE_NAME_TAKEN: 'The member already has a machine of that name in the pool.',
  MACHINE_NOT_FOUND: 'The machine id names no registered machine of the pool.',
  SLOTS_NOT_FOR_SALE: "The pool's owner has not put machine slots on sale.",
  NOT_HOLD_PARTY: 'The hold belongs to someone else and the caller may not act on it.',
  VALIDATION_FAILED: 'Input failed validation before reaching the domain.',
};

/** Codes the HTTP layer itself answers with, before a request reaches the domain. */
export const TRANSPORT_ERRORS = {
  NOT_FOUND: { status: 404, description: 'No route has this method and path.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The path exists but not with this method; see the Allow header.' },
  MALFORMED_JSON: { status: 400, description: 'The body is not valid JSON.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than 64 kB.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'A body was sent with a content type other than application/json.',
  },
  INTERNAL: { status: 500, description: 'A fault on our side; it was logged.' },
} as const;
