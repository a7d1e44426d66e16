import type { Actor, AppContext } from '../context.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { loadDispute, type Dispute } from './dispute-view.ts';

/** A dispute with its evidence, statements and votes: for its two parties and for the pool's officers and owner. */
export async function getDispute(ctx: AppContext, actor: Actor, input: { disputeId: string }): Promise<Dispute> {
  const dispute = await loadDispute(ctx.em, input.disputeId);
  if (dispute.buyerUserId !== actor.userId && dispute.sellerUserId !== actor.userId && !actor.isGlobalAdmin)
    requirePoolRole(await loadPoolAccess(ctx.em, actor, dispute.poolId), 'officer', { write: false });
  return dispute;
}

/** A pool's disputes (open first), for officers and the owner. */
export async function listDisputes(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; limit: number },
): Promise<Dispute[]> {
  requirePoolRole(await loadPoolAccess(ctx.em, actor, input.poolId), 'officer', { write: false });
  const rows = await ctx.em.execute<{ id: string }[]>(
    `select id from disputes where pool_id = ? and status <> 'opening'
      order by (status = 'open') desc, created_at desc limit ?`,
    [input.poolId, input.limit],
  );
  return Promise.all(rows.map((row) => loadDispute(ctx.em, row.id)));
}
