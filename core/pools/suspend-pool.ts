import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { requireGlobalAdmin } from '../access/pool-access.ts';
import { loadPoolView, type PoolView } from './pool-view.ts';

/**
 * The Global Admin suspends a pool (reads only: no money moves, no joins, no settings) or lifts the suspension.
 * Open holds are left as they are; they still expire on time.
 */
export async function setPoolSuspended(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; suspended: boolean; reason?: string },
): Promise<PoolView> {
  requireGlobalAdmin(actor);
  const reason = input.reason?.trim() ?? null;
  if (reason !== null && reason.length > 500)
    throw new AppError('VALIDATION_FAILED', 'reason has at most 500 characters');
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute<{ id: string }[]>(
      `update pools set status = ?, suspended_reason = ?, updated_at = now()
        where id = ? and status in ('active', 'suspended') and status <> ? returning id`,
      [
        input.suspended ? 'suspended' : 'active',
        input.suspended ? reason : null,
        input.poolId,
        input.suspended ? 'suspended' : 'active',
      ],
    );
    if (rows.length === 0) {
      await loadPoolView(em, input.poolId); // POOL_NOT_FOUND for an unknown pool; otherwise already in that state
      return;
    }
    await recordEvent(em, {
      type: input.suspended ? 'PoolSuspended' : 'PoolReactivated',
      poolId: input.poolId,
      payload: { byUserId: actor.userId, reason },
    });
  });
  return loadPoolView(ctx.em, input.poolId);
}
