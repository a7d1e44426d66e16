import { err, ok, type ErrorCode, type Result } from '../errors.ts';
import type { HoldStatus, TransferKind } from './types.ts';

export type HoldAction = 'post' | 'void' | 'expire';

/** The status a pending transfer is in, given its one resolution (if any) and the server's clock. */
export function holdStatus(resolution: TransferKind | null): HoldStatus {
  switch (resolution) {
    case null:
      return 'pending';
    case 'post_pending':
      return 'posted';
    case 'void_pending':
      return 'voided';
    case 'expire_pending':
      return 'expired';
    default:
      throw new Error(`a ${resolution} transfer does not resolve a hold`);
  }
}

/**
 * The hold state machine: pending → posted | voided | expired, each exactly once.
 * A pending hold whose timeout has passed can only expire, even before the sweep has written the expiry.
 */
export function transitionHold(
  current: HoldStatus,
  action: HoldAction,
  timedOut: boolean,
): Result<HoldStatus, ErrorCode> {
  if (current === 'posted') return err('HOLD_ALREADY_POSTED');
  if (current === 'voided') return err('HOLD_ALREADY_VOIDED');
  if (current === 'expired') return err('HOLD_EXPIRED');
  if (action === 'expire') return timedOut ? ok('expired') : err('HOLD_NOT_YET_EXPIRED');
  if (timedOut) return err('HOLD_EXPIRED');
  return ok(action === 'post' ? 'posted' : 'voided');
}

export const RESOLUTION_KIND: Record<HoldAction, TransferKind> = {
  post: 'post_pending',
  void: 'void_pending',
  expire: 'expire_pending',
};
