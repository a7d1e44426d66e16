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

export const notFound: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`);
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof AppError) {
      sendProblem(res, HTTP_STATUS[error.code], error.code, error.message, error.details);
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
