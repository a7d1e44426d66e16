import type { Actor, AppContext } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { loadPoolView } from '../pools/pool-view.ts';

/**
 * The owner of a premium pool charges the period's membership fee: each active member other than the owner pays the
 * pool's fee into the treasury, once per period (`2026-11`, `2026-W48`…). Members without the money are recorded as
 * unpaid, not charged into debt. Repeating the call for a period charges only those not yet charged.
 */
export async function chargeMembershipFees(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; period: string },
): Promise<{ paid: number; unpaid: number; collectedMicros: bigint }> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  requirePoolRole(access, 'owner');
  const period = input.period.trim();
  if (!/^[0-9A-Za-z-]{1,20}$/.test(period))
    throw new AppError('VALIDATION_FAILED', 'period is like 2026-11 or 2026-W48');
  const pool = await loadPoolView(ctx.em, input.poolId);
  const fee = pool.settings.membershipFeeMicros;
  if (pool.type !== 'premium' || fee === null)
    throw new AppError('VALIDATION_FAILED', 'only a premium pool with a membership fee charges one');
  const members = await ctx.em.execute<{ user_id: string }[]>(
    `select m.user_id from pool_members m
      where m.pool_id = ? and m.status = 'active' and m.role <> 'owner'
        and not exists (select 1 from membership_fee_charges c where c.pool_id = m.pool_id and c.user_id = m.user_id
                          and c.period = ? and c.status = 'paid')
      order by m.user_id limit 5000`,
    [input.poolId, period],
  );
  const treasury = await ctx.ledger.store.openAccount({
    poolId: input.poolId,
    currency: pool.currency,
    kind: 'treasury',
    userId: null,
  });
  let paid = 0;
  let unpaid = 0;
  for (const member of members) {
    const account = await ctx.ledger.store.openAccount({
      poolId: input.poolId,
      currency: pool.currency,
      kind: 'member',
      userId: member.user_id,
    });
    let status: 'paid' | 'unpaid' = 'paid';
    try {
      await ctx.ledger.engine.submit({
        poolId: input.poolId,
        idempotencyKey: `membership:${input.poolId}:${period}:${member.user_id}`,
        transfers: [
          {
            type: 'transfer',
            debitAccountId: account.id,
            creditAccountId: treasury.id,
            amountMicros: fee,
            code: 'membership_fee',
            memo: period,
          },
        ],
      });
    } catch (error) {
      if (!isAppError(error, 'INSUFFICIENT_FUNDS')) throw error;
      status = 'unpaid';
    }
    await ctx.em.execute(
      `insert into membership_fee_charges (pool_id, user_id, period, status, amount_micros) values (?, ?, ?, ?, ?)
       on conflict (pool_id, user_id, period) do update set status = excluded.status`,
      [input.poolId, member.user_id, period, status, fee.toString()],
    );
    if (status === 'paid') paid += 1;
    else unpaid += 1;
  }
  await recordEvent(ctx.em, {
    type: 'MembershipFeesCharged',
    poolId: input.poolId,
    payload: { period, paid, unpaid, feeMicros: fee.toString(), byUserId: actor.userId },
  });
  return { paid, unpaid, collectedMicros: fee * BigInt(paid) };
}
