import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { LedgerContext } from './context.ts';
import { recordDeposit } from './record-deposit.ts';
import { balanceOf, type Balance } from './types.ts';

/**
 * Credits a member with money received outside the payment providers (the `admin deposit` bootstrap), through the
 * custodial wallet, idempotent on the reference.
 */
export async function depositToMember(
  em: EntityManager,
  ledger: LedgerContext,
  input: { poolId: string; userId: string; amountMicros: bigint; reference: string },
): Promise<{ transferIds: string[]; replayed: boolean; balance: Balance }> {
  const connection = em.getConnection();
  const pools = await connection.execute<{ currency: string }[]>('select currency from pools where id = ?', [
    input.poolId,
  ]);
  const pool = pools[0];
  if (!pool) throw new AppError('POOL_NOT_FOUND');
  const users = await connection.execute<{ id: string }[]>('select id from users where id = ?', [input.userId]);
  if (users.length === 0) throw new AppError('USER_NOT_FOUND');
  // Money for someone who never joined would sit where they cannot see it; they join first (leaving later is fine).
  const members = await connection.execute('select 1 from pool_members where pool_id = ? and user_id = ?', [
    input.poolId,
    input.userId,
  ]);
  if (members.length === 0) throw new AppError('NOT_A_MEMBER', 'the user has not joined this pool');
  if (input.reference.trim().length === 0) throw new AppError('VALIDATION_FAILED', 'reference must not be empty');
  const account = await ledger.store.openAccount({
    poolId: input.poolId,
    currency: pool.currency,
    kind: 'member',
    userId: input.userId,
  });
  const result = await recordDeposit(ledger, {
    poolId: input.poolId,
    currency: pool.currency,
    memberAccountId: account.id,
    amountMicros: input.amountMicros,
    reference: `admin:${input.reference}`,
  });
  const after = await ledger.store.getAccount(account.id);
  if (!after) throw new Error('member account vanished');
  return { transferIds: result.transfers.map((t) => t.id), replayed: result.replayed, balance: balanceOf(after) };
}
