import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, type ErrorCode } from '../core/errors.ts';
import type { Logger } from '../lib/logger.ts';

/** The one table from business error code to HTTP status. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_AMOUNT: 422,
  ACCOUNT_NOT_FOUND: 404,
  SAME_ACCOUNT: 422,
  CURRENCY_MISMATCH: 422,
  POOL_MISMATCH: 422,
  INSUFFICIENT_FUNDS: 409,
  AMOUNT_OVERFLOW: 422,
  INVALID_TIMEOUT: 422,
  HOLD_NOT_FOUND: 404,
  HOLD_ALREADY_POSTED: 409,
  HOLD_ALREADY_VOIDED: 409,
  HOLD_EXPIRED: 409,
  HOLD_NOT_YET_EXPIRED: 409,
  HOLD_AMOUNT_EXCEEDED: 422,
  IDEMPOTENCY_KEY_REUSED: 409,
  INVALID_CHAIN: 422,
  POOL_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  INSUFFICIENT_SCOPE: 403,
  RATE_LIMITED: 429,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 409,
  NOT_GLOBAL_ADMIN: 403,
  NOT_A_MEMBER: 403,
  NOT_AN_OFFICER: 403,
  NOT_POOL_OWNER: 403,
  MEMBER_SUSPENDED: 403,
  MEMBER_BANNED: 403,
  ALREADY_A_MEMBER: 409,
  MEMBER_NOT_FOUND: 404,
  ROLE_CHANGE_NOT_ALLOWED: 409,
  OWNER_CANNOT_LEAVE: 409,
  POOL_SUSPENDED: 423,
  WRONG_POOL_PASSWORD: 403,
  CHAT_ALREADY_BOUND: 409,
  REFERRAL_CODE_INVALID: 422,
  LINK_CODE_INVALID: 422,
  IDENTITY_ALREADY_LINKED: 409,
  MACHINE_LIMIT_REACHED: 409,
  MACHINE_ALREADY_REGISTERED: 409,
  MACHINE_NAME_TAKEN: 409,
  MACHINE_NOT_FOUND: 404,
  SLOTS_NOT_FOR_SALE: 409,
  NOT_HOLD_PARTY: 403,
  OFFER_NOT_FOUND: 404,
  OFFER_NOT_AVAILABLE: 409,
  OWN_OFFER: 409,
  PRICE_BELOW_MINIMUM: 422,
  PURCHASE_CAP_REACHED: 409,
  RESTRICTED_BY_REPUTATION: 403,
  DEAL_NOT_FOUND: 404,
  DEAL_WRONG_STATE: 409,
  NOT_DEAL_PARTY: 403,
  WITHDRAWAL_NOT_FOUND: 404,
  WITHDRAWAL_WRONG_STATE: 409,
  INVALID_DESTINATION: 422,
  DISPUTE_NOT_FOUND: 404,
  DISPUTE_WINDOW_CLOSED: 409,
  DISPUTE_ALREADY_OPEN: 409,
  DISPUTE_WRONG_STATE: 409,
  DISPUTE_PARTY_CANNOT_VOTE: 403,
  NO_CONTRIBUTIONS: 409,
  REWARD_NOT_FOUND: 404,
  REWARD_WRONG_STATE: 409,
  TOPUP_NOT_FOUND: 404,
  PAYMENT_PROVIDER_UNAVAILABLE: 503,
  WEBHOOK_SIGNATURE_INVALID: 400,
  AGENT_CODE_INVALID: 422,
  SESSION_NOT_FOUND: 404,
  SESSION_WRONG_STATE: 409,
  MACHINE_OFFLINE: 409,
  LOGIN_LINK_INVALID: 410,
  SIGN_IN_REFUSED: 401,
  CSRF_FAILED: 403,
  VALIDATION_FAILED: 400,
};

export function sendProblem(
  res: Response,
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `https://power-realms.dev/problems/${code.toLowerCase()}`,
      title: code,
      status,
      code,
      detail,
      ...extra,
    });
}

/** A business failure as problem+json, with the headers its status calls for. */
export function sendAppError(res: Response, error: AppError): void {
  const status = HTTP_STATUS[error.code];
  const retryAfter = error.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="power-realms"');
  sendProblem(res, status, error.code, error.message, error.details);
}

/** body-parser's error types, as stable codes. */
const PARSER_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'MALFORMED_JSON', 'the body is not valid JSON'],
  'entity.too.large': [413, 'PAYLOAD_TOO_LARGE', 'the body is larger than 64 kB'],
  'encoding.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported content encoding'],
  'charset.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as UTF-8 JSON'],
  'request.aborted': [400, 'BAD_REQUEST', 'the request was aborted'],
  'request.size.invalid': [400, 'BAD_REQUEST', 'the body is shorter or longer than Content-Length'],
};

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`);
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof AppError) {
      sendAppError(res, error);
      return;
    }
    const parser = PARSER_ERRORS[(error as { type?: string }).type ?? ''];
    if (parser) {
      sendProblem(res, parser[0], parser[1], parser[2]);
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Body-parser and similar: malformed JSON, body too large.
      sendProblem(res, status, 'BAD_REQUEST', (error as Error).message);
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    sendProblem(res, 500, 'INTERNAL', 'Something went wrong on our side; it has been logged.');
  };
}
