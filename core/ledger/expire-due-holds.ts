import { isAppError } from '../errors.ts';
import type { LedgerContext } from './context.ts';

/**
 * The expiry sweep: every hold whose timeout has passed on the database clock gets its one expire_pending
 * resolution. Safe to run anywhere and any number of times at once: the key `expire:<holdId>` and the ledger's
 * one-resolution rule make a second sweep of the same hold a no-op. Returns how many holds it expired.
 */
export async function expireDueHolds(ctx: LedgerContext, options: { limit: number }): Promise<number> {
  const due = await ctx.store.dueHolds(options.limit);
  const results = await Promise.allSettled(
    due.map(({ holdId, poolId }) =>
      ctx.engine.submit({ poolId, idempotencyKey: `expire:${holdId}`, transfers: [{ type: 'expire', holdId }] }),
    ),
  );
  let expired = 0;
  for (const result of results) {
    if (result.status === 'fulfilled') {
      if (!result.value.replayed) expired += 1;
    } else if (!isAppError(result.reason)) {
      throw result.reason;
    }
    // Business refusals (already posted or voided in the meantime) mean another path resolved the hold first.
  }
  return expired;
}
