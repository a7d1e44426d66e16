import type { Actor, AppContext } from '../context.ts';
import { loadPoolAccess, type PoolAccess } from '../access/pool-access.ts';
import { loadPoolView, type PoolView } from './pool-view.ts';

/** A pool and its settings, for anyone signed in (people decide to join from this), with the caller's membership. */
export async function getPool(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string },
): Promise<{ pool: PoolView; membership: PoolAccess['membership'] }> {
  const [access, pool] = await Promise.all([
    loadPoolAccess(ctx.em, actor, input.poolId),
    loadPoolView(ctx.em, input.poolId),
  ]);
  return { pool, membership: access.membership };
}
