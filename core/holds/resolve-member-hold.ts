import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { requirePoolRole, type PoolRole } from '../access/pool-access.ts';
import { releaseHold, type ReleaseHoldResult } from '../ledger/release-hold.ts';
import { voidHold } from '../ledger/void-hold.ts';
import type { Transfer } from '../ledger/types.ts';
import { cachedPlatformSettings } from '../platform/settings.ts';
import { accessOf, loadParties } from './hold-parties.ts';

/** Loads a hold and checks the caller may resolve it: `allowed` names who besides officers and the owner may. */
async function authorizeHold(
  ctx: AppContext,
  actor: Actor,
  holdId: string,
  allowed: 'payer' | 'payee',
): Promise<Transfer> {
  const view = await ctx.ledger.store.getHold(holdId);
  if (!view || view.transfer.kind !== 'pending') throw new AppError('HOLD_NOT_FOUND');
  const hold = view.transfer;
  const { pool, members } = await loadParties(ctx.prepared, hold.poolId, [actor.userId]);
  const me = members.get(actor.userId);
  const role: PoolRole = requirePoolRole(accessOf(actor, hold.poolId, pool, me), 'member');
  const mine = me?.account_id === (allowed === 'payer' ? hold.debitAccountId : hold.creditAccountId);
  if (!mine && role === 'member') throw new AppError('NOT_HOLD_PARTY');
  return hold;
}

/**
 * The payer (or an officer or the owner) releases a hold, in full or in part; the rest returns to the payer. The
 * payee receives the released amount less the platform fee, all in one linked chain.
 */
export async function releaseMemberHold(
  ctx: AppContext,
  actor: Actor,
  input: { holdId: string; amountMicros?: bigint; idempotencyKey: string; memo?: string },
): Promise<ReleaseHoldResult & { hold: Transfer }> {
  const hold = await authorizeHold(ctx, actor, input.holdId, 'payer');
  const { platformFeeBps } = await cachedPlatformSettings(ctx);
  const result = await releaseHold(ctx.ledger, { ...input, hold, feeBps: platformFeeBps });
  return { ...result, hold };
}

/** The payee (or an officer or the owner) cancels a hold: everything returns to the payer. */
export async function voidMemberHold(
  ctx: AppContext,
  actor: Actor,
  input: { holdId: string; idempotencyKey: string; memo?: string },
): Promise<{ voided: Transfer; hold: Transfer; replayed: boolean }> {
  const hold = await authorizeHold(ctx, actor, input.holdId, 'payee');
  const result = await voidHold(ctx.ledger, { ...input, hold });
  return { ...result, hold };
}
