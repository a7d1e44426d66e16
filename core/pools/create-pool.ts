import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { platformAccounts } from '../ledger/context.ts';
import { getPlatformSettings } from '../platform/settings.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { hashPoolPassword, passwordProblem } from './password.ts';
import { loadPoolView, type PoolType, type PoolView } from './pool-view.ts';

export interface CreatePoolInput {
  name: string;
  type: PoolType;
  /** Required for private pools; optional for premium ones. */
  password?: string;
  currency?: string;
  /** Premium only: the pool whose balance pays the premium price (the creator must be a member there). */
  fundingPoolId?: string;
  /** Made at the edge; required for premium pools (money moves), and a retry returns the pool made the first time. */
  idempotencyKey?: string;
}

/**
 * Creates a pool owned by the caller, with its treasury, escrow and owner accounts. A premium pool costs the premium
 * price, paid from the caller's balance in `fundingPoolId` to the platform: the pool is recorded 'pending' first,
 * the payment is made under a key derived from the request's, and the pool turns active after it — a crash in
 * between is finished by `settlePendingPools` (or by the client's retry with the same key).
 */
export async function createPool(
  ctx: AppContext,
  actor: Actor,
  input: CreatePoolInput,
): Promise<{ pool: PoolView; replayed: boolean; premiumFeeMicros: bigint }> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100)
    throw new AppError('VALIDATION_FAILED', 'pool name must be 1..100 characters');
  const currency = input.currency ?? 'PRC';
  if (!/^[A-Z0-9]{2,12}$/.test(currency)) throw new AppError('VALIDATION_FAILED', 'currency must be 2..12 of A-Z 0-9');
  if (input.type === 'private' && input.password === undefined)
    throw new AppError('VALIDATION_FAILED', 'a private pool needs a password');
  if (input.type === 'public' && input.password !== undefined)
    throw new AppError('VALIDATION_FAILED', 'a public pool has no password; create it as private');
  const problem = input.password === undefined ? null : passwordProblem(input.password);
  if (problem) throw new AppError('VALIDATION_FAILED', problem);
  const key = input.idempotencyKey ?? null;
  if (input.type === 'premium' && (!input.fundingPoolId || !key))
    throw new AppError('VALIDATION_FAILED', 'a premium pool needs fundingPoolId and an idempotency key');

  if (key) {
    const existing = await ctx.em.execute<{ id: string; status: string; owner_user_id: string }[]>(
      'select id, status, owner_user_id from pools where creation_key = ?',
      [key],
    );
    const found = existing[0];
    if (found && found.owner_user_id !== actor.userId) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (found?.status === 'active' || found?.status === 'suspended')
      return { pool: await loadPoolView(ctx.em, found.id), replayed: true, premiumFeeMicros: 0n };
    if (found) return finishPremium(ctx, actor, found.id, input, key);
  }

  const poolId = uuidv7();
  const passwordHash = input.password === undefined ? null : await hashPoolPassword(input.password);
  const status = input.type === 'premium' ? 'pending' : 'active';
  try {
    await ctx.em.execute(
      `insert into pools (id, name, type, currency, owner_user_id, status, password_hash, creation_key)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [poolId, name, input.type, currency, actor.userId, status, passwordHash, key],
    );
  } catch (error) {
    // A concurrent request with the same key got there first: answer as its retry would.
    if ((error as { code?: string }).code === '23505' && key) return createPool(ctx, actor, input);
    throw error;
  }
  if (input.type === 'premium') return finishPremium(ctx, actor, poolId, input, key as string);
  await activatePool(ctx, poolId, actor.userId);
  return { pool: await loadPoolView(ctx.em, poolId), replayed: false, premiumFeeMicros: 0n };
}

async function finishPremium(
  ctx: AppContext,
  actor: Actor,
  poolId: string,
  input: CreatePoolInput,
  key: string,
): Promise<{ pool: PoolView; replayed: boolean; premiumFeeMicros: bigint }> {
  const fundingPoolId = input.fundingPoolId as string;
  const { premiumPoolFeeMicros } = await getPlatformSettings(ctx.em, ctx.defaults);
  try {
    if (premiumPoolFeeMicros > 0n) {
      const access = await loadPoolAccess(ctx.em, actor, fundingPoolId);
      requirePoolRole(access, 'member');
      const payer = await ctx.ledger.store.findAccount({
        poolId: fundingPoolId,
        currency: access.pool.currency,
        kind: 'member',
        userId: actor.userId,
      });
      if (!payer) throw new AppError('INSUFFICIENT_FUNDS', 'no balance in the funding pool');
      const fee = (await platformAccounts(ctx.ledger, access.pool.currency)).fee;
      await ctx.ledger.engine.submit({
        poolId: fundingPoolId,
        idempotencyKey: premiumPaymentKey(key),
        transfers: [
          {
            type: 'transfer',
            debitAccountId: payer.id,
            creditAccountId: fee.id,
            amountMicros: premiumPoolFeeMicros,
            code: 'premium_pool',
            memo: `premium pool ${poolId}`,
          },
        ],
      });
    }
  } catch (error) {
    // Refused (no funds, not a member...): nothing was paid, so the pending pool goes away and the key is free again.
    if (isAppError(error)) await ctx.em.execute("delete from pools where id = ? and status = 'pending'", [poolId]);
    throw error;
  }
  await activatePool(ctx, poolId, actor.userId);
  return { pool: await loadPoolView(ctx.em, poolId), replayed: false, premiumFeeMicros: premiumPoolFeeMicros };
}

/** The ledger key of a premium pool's payment, derived from the creation request's key. */
export const premiumPaymentKey = (creationKey: string): string => `pool-create:${creationKey}`;

/** Turns a pool active with its owner's membership, then opens its accounts; safe to run twice. */
export async function activatePool(ctx: AppContext, poolId: string, ownerUserId: string): Promise<void> {
  const activated = await ctx.em.transactional(async (em: EntityManager) => {
    const rows = await em.execute<{ id: string; currency: string; type: string }[]>(
      `update pools set status = 'active', updated_at = now() where id = ? and status = 'pending'
       returning id, currency, type`,
      [poolId],
    );
    const created = await em.execute<{ user_id: string }[]>(
      `insert into pool_members (pool_id, user_id, role, status) values (?, ?, 'owner', 'active')
       on conflict (pool_id, user_id) do nothing returning user_id`,
      [poolId, ownerUserId],
    );
    if (created.length > 0) {
      const pool = await em.execute<{ type: string; name: string }[]>('select type, name from pools where id = ?', [
        poolId,
      ]);
      await recordEvent(em, {
        type: 'PoolCreated',
        poolId,
        payload: { poolId, ownerUserId, userId: ownerUserId, type: pool[0]?.type, name: pool[0]?.name },
      });
    }
    return rows.length > 0 || created.length > 0;
  });
  if (!activated) return;
  const pools = await ctx.em.execute<{ currency: string }[]>('select currency from pools where id = ?', [poolId]);
  const currency = pools[0]?.currency;
  if (!currency) throw new Error(`pool ${poolId} vanished during activation`);
  await ctx.ledger.store.openAccount({ poolId, currency, kind: 'treasury', userId: null });
  await ctx.ledger.store.openAccount({ poolId, currency, kind: 'escrow', userId: null });
  await ctx.ledger.store.openAccount({ poolId, currency, kind: 'member', userId: ownerUserId });
}

/**
 * Finishes premium pools a crash left pending for more than `olderThanSeconds`: active when the payment committed,
 * removed when it did not (nothing was paid). Returns how many of each.
 */
export async function settlePendingPools(
  ctx: AppContext,
  olderThanSeconds = 120,
): Promise<{ activated: number; removed: number }> {
  const pending = await ctx.em.execute<{ id: string; owner_user_id: string; creation_key: string | null }[]>(
    `select id, owner_user_id, creation_key from pools
      where status = 'pending' and created_at < now() - make_interval(secs => ?) order by created_at limit 100`,
    [olderThanSeconds],
  );
  let activated = 0;
  let removed = 0;
  for (const pool of pending) {
    const paid = pool.creation_key
      ? await ctx.em.execute('select 1 from ledger_idempotency where key = ?', [premiumPaymentKey(pool.creation_key)])
      : [];
    if (paid.length > 0) {
      await activatePool(ctx, pool.id, pool.owner_user_id);
      activated += 1;
    } else {
      await ctx.em.execute("delete from pools where id = ? and status = 'pending'", [pool.id]);
      removed += 1;
    }
  }
  return { activated, removed };
}
