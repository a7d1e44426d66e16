import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { requirePoolRole } from '../access/pool-access.ts';
import { createHold } from '../ledger/create-hold.ts';
import type { Transfer } from '../ledger/types.ts';
import { accessOf, loadParties } from './hold-parties.ts';

export interface CreateMemberHoldInput {
  poolId: string;
  payeeUserId: string;
  amountMicros: bigint;
  memo?: string;
  /** Omitted: the pool's default hold timeout. */
  timeoutSeconds?: number;
  idempotencyKey: string;
}

/** A member reserves part of their balance in favour of another active member of the pool (escrow). */
export async function createMemberHold(
  ctx: AppContext,
  actor: Actor,
  input: CreateMemberHoldInput,
): Promise<{ hold: Transfer; replayed: boolean }> {
  if (input.payeeUserId === actor.userId) throw new AppError('SAME_ACCOUNT', 'a hold in your own favour does nothing');
  const { pool, members } = await loadParties(ctx.prepared, input.poolId, [actor.userId, input.payeeUserId]);
  const payer = members.get(actor.userId);
  requirePoolRole(accessOf(actor, input.poolId, pool, payer), 'member');
  const payee = members.get(input.payeeUserId);
  if (!payee || payee.status === 'left' || payee.status === 'banned' || !payee.account_id)
    throw new AppError('MEMBER_NOT_FOUND', 'the payee is not a member of this pool');
  if (payee.status === 'suspended') throw new AppError('MEMBER_SUSPENDED', 'the payee is suspended in this pool');
  // A member without an account has never been credited: the ledger refuses the hold as INSUFFICIENT_FUNDS.
  if (!payer?.account_id) throw new AppError('INSUFFICIENT_FUNDS');
  return createHold(ctx.ledger, {
    poolId: input.poolId,
    payerAccountId: payer.account_id,
    payeeAccountId: payee.account_id,
    amountMicros: input.amountMicros,
    timeoutSeconds: input.timeoutSeconds ?? pool.hold_timeout_seconds,
    memo: input.memo,
    idempotencyKey: input.idempotencyKey,
  });
}
