import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import type { LedgerContext } from '../ledger/context.ts';

export type PoolType = 'public' | 'private' | 'premium';

export interface CreatePoolInput {
  name: string;
  type: PoolType;
  ownerUserId: string;
  currency?: string;
}

/**
 * Creates a pool with its treasury and escrow accounts and the owner's member account. (Passwords, premium fees and
 * settings come with the pools issue.)
 */
export async function createPool(
  em: EntityManager,
  ledger: LedgerContext,
  input: CreatePoolInput,
): Promise<{ poolId: string; currency: string }> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100)
    throw new AppError('VALIDATION_FAILED', 'pool name must be 1..100 characters');
  const currency = input.currency ?? 'PRC';
  if (!/^[A-Z0-9]{2,12}$/.test(currency)) throw new AppError('VALIDATION_FAILED', 'currency must be 2..12 of A-Z 0-9');
  const connection = em.getConnection();
  const owner = await connection.execute<{ id: string }[]>('select id from users where id = ?', [input.ownerUserId]);
  if (owner.length === 0) throw new AppError('USER_NOT_FOUND');
  const poolId = uuidv7();
  await connection.execute('insert into pools (id, name, type, currency, owner_user_id) values (?, ?, ?, ?, ?)', [
    poolId,
    name,
    input.type,
    currency,
    input.ownerUserId,
  ]);
  await ledger.store.openAccount({ poolId, currency, kind: 'treasury', userId: null });
  await ledger.store.openAccount({ poolId, currency, kind: 'escrow', userId: null });
  await ledger.store.openAccount({ poolId, currency, kind: 'member', userId: input.ownerUserId });
  return { poolId, currency };
}
