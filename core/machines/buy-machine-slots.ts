import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { platformAccounts } from '../ledger/context.ts';
import type { TransferInput } from '../ledger/types.ts';
import { splitFee } from '../money/allocate.ts';
import { cachedPlatformSettings } from '../platform/settings.ts';
import { uuidv7 } from '../../lib/uuid.ts';

export interface SlotPurchase {
  purchaseId: string;
  slots: number;
  totalMicros: bigint;
  feeMicros: bigint;
  transferIds: string[];
  replayed: boolean;
}

/**
 * Buys extra machine slots at the pool's price. The owner receives the price less the platform fee, in one linked
 * ledger chain. Crash-safe as a small saga: the purchase is recorded 'pending' under the request's key, the ledger
 * moves the money under the same key, and the purchase completes; a retry with the key continues where it stopped,
 * and `settleSlotPurchases` finishes purchases nobody retried.
 */
export async function buyMachineSlots(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; slots: number; idempotencyKey: string },
): Promise<SlotPurchase> {
  if (!Number.isInteger(input.slots) || input.slots < 1 || input.slots > 100)
    throw new AppError('VALIDATION_FAILED', 'slots must be a whole number from 1 to 100');
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  requirePoolRole(access, 'member');
  const pools = await ctx.em.execute<{ owner_user_id: string; machine_slot_price_micros: string | null }[]>(
    'select owner_user_id, machine_slot_price_micros from pools where id = ?',
    [input.poolId],
  );
  const pool = pools[0];
  if (!pool?.machine_slot_price_micros) throw new AppError('SLOTS_NOT_FOR_SALE');
  const unitPriceMicros = BigInt(pool.machine_slot_price_micros);

  const existing = await ctx.em.execute<
    { id: string; user_id: string; slots: number; unit_price_micros: string; status: string; transfer_ids: string[] }[]
  >(
    'select id, user_id, slots, unit_price_micros, status, transfer_ids from machine_slot_purchases where ledger_key = ?',
    [input.idempotencyKey],
  );
  let purchase = existing[0];
  if (purchase && (purchase.user_id !== actor.userId || purchase.slots !== input.slots))
    throw new AppError('IDEMPOTENCY_KEY_REUSED');
  const price = purchase ? BigInt(purchase.unit_price_micros) : unitPriceMicros;
  const totalMicros = price * BigInt(input.slots);
  const { platformFeeBps } = await cachedPlatformSettings(ctx);
  const { feeMicros, netMicros } = splitFee(totalMicros, platformFeeBps);
  if (purchase?.status === 'completed')
    return {
      purchaseId: purchase.id,
      slots: input.slots,
      totalMicros,
      feeMicros,
      transferIds: purchase.transfer_ids,
      replayed: true,
    };
  if (!purchase || purchase.status === 'failed') {
    if (purchase)
      await ctx.em.execute("delete from machine_slot_purchases where id = ? and status = 'failed'", [purchase.id]);
    const id = uuidv7();
    await ctx.em.execute(
      `insert into machine_slot_purchases (id, pool_id, user_id, slots, unit_price_micros, ledger_key, status)
       values (?, ?, ?, ?, ?, ?, 'pending')`,
      [id, input.poolId, actor.userId, input.slots, price.toString(), input.idempotencyKey],
    );
    purchase = {
      id,
      user_id: actor.userId,
      slots: input.slots,
      unit_price_micros: price.toString(),
      status: 'pending',
      transfer_ids: [],
    };
  }

  const currency = access.pool.currency;
  const open = (userId: string) =>
    ctx.ledger.store.openAccount({ poolId: input.poolId, currency, kind: 'member', userId });
  const [buyer, owner, platform] = await Promise.all([
    open(actor.userId),
    open(pool.owner_user_id),
    platformAccounts(ctx.ledger, currency),
  ]);
  const transfers: TransferInput[] = [];
  const memo = `${input.slots} machine slot${input.slots === 1 ? '' : 's'}`;
  if (buyer.id !== owner.id && netMicros > 0n)
    transfers.push({
      type: 'transfer',
      debitAccountId: buyer.id,
      creditAccountId: owner.id,
      amountMicros: netMicros,
      code: 'machine_slots',
      memo,
    });
  if (feeMicros > 0n)
    transfers.push({
      type: 'transfer',
      debitAccountId: buyer.id,
      creditAccountId: platform.fee.id,
      amountMicros: feeMicros,
      code: 'machine_slots_fee',
      memo,
    });
  try {
    const result =
      transfers.length > 0
        ? await ctx.ledger.engine.submit({ poolId: input.poolId, idempotencyKey: input.idempotencyKey, transfers })
        : { transfers: [], replayed: false };
    const transferIds = result.transfers.map((t) => t.id);
    await ctx.em.transactional(async (em) => {
      const done = await em.execute<{ id: string }[]>(
        `update machine_slot_purchases set status = 'completed', transfer_ids = ?::uuid[], settled_at = now()
          where id = ? and status = 'pending' returning id`,
        [`{${transferIds.join(',')}}`, purchase.id],
      );
      if (done.length > 0)
        await recordEvent(em, {
          type: 'MachineSlotsPurchased',
          poolId: input.poolId,
          payload: {
            userId: actor.userId,
            slots: input.slots,
            totalMicros: totalMicros.toString(),
            purchaseId: purchase.id,
          },
        });
    });
    return {
      purchaseId: purchase.id,
      slots: input.slots,
      totalMicros,
      feeMicros,
      transferIds,
      replayed: result.replayed,
    };
  } catch (error) {
    if (isAppError(error))
      await ctx.em.execute(
        "update machine_slot_purchases set status = 'failed', settled_at = now() where id = ? and status = 'pending'",
        [purchase.id],
      );
    throw error;
  }
}

/**
 * Settles purchases a crash left 'pending' for over `olderThanSeconds`: completed when the ledger committed their
 * key (with its transfers), failed otherwise (no money moved).
 */
export async function settleSlotPurchases(
  ctx: AppContext,
  olderThanSeconds = 120,
): Promise<{ completed: number; failed: number }> {
  const rows = await ctx.em.execute<{ id: string; transfer_ids: string[] | null }[]>(
    `select s.id, i.transfer_ids from machine_slot_purchases s left join ledger_idempotency i on i.key = s.ledger_key
      where s.status = 'pending' and s.created_at < now() - make_interval(secs => ?) order by s.created_at limit 500`,
    [olderThanSeconds],
  );
  let completed = 0;
  let failed = 0;
  for (const row of rows) {
    if (row.transfer_ids) {
      await ctx.em.execute(
        `update machine_slot_purchases set status = 'completed', transfer_ids = ?::uuid[], settled_at = now() where id = ? and status = 'pending'`,
        [`{${row.transfer_ids.join(',')}}`, row.id],
      );
      completed += 1;
    } else {
      await ctx.em.execute(
        "update machine_slot_purchases set status = 'failed', settled_at = now() where id = ? and status = 'pending'",
        [row.id],
      );
      failed += 1;
    }
  }
  return { completed, failed };
}
