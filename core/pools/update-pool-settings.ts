import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { hashPoolPassword, passwordProblem } from './password.ts';
import { loadPoolView, OFFER_KINDS, type OfferKind, type PoolSettings, type PoolView } from './pool-view.ts';

export type PoolSettingsPatch = Partial<PoolSettings> & {
  name?: string;
  /** Public ↔ private; a premium pool stays premium. */
  type?: 'public' | 'private';
  /** A new password (private and premium pools); null removes it from a premium pool. */
  password?: string | null;
};

const MAX_MICROS = 9_223_372_036_854_775_807n;

/** The owner changes the pool's rules, limits, prices, quorum and timeouts. Officers and members may not. */
export async function updatePoolSettings(
  ctx: AppContext,
  actor: Actor,
  poolId: string,
  patch: PoolSettingsPatch,
): Promise<PoolView> {
  const access = await loadPoolAccess(ctx.em, actor, poolId);
  requirePoolRole(access, 'owner');
  const current = await loadPoolView(ctx.em, poolId);
  const sets: string[] = [];
  const values: unknown[] = [];
  const set = (column: string, value: unknown, cast = '') => {
    sets.push(`${column} = ?${cast}`);
    values.push(value);
  };
  const positive = (name: string, value: bigint | null) => {
    if (value !== null && (value <= 0n || value > MAX_MICROS))
      throw new AppError('INVALID_AMOUNT', `${name} must be a positive amount of micros, or null for none`);
    return value === null ? null : value.toString();
  };
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max)
      throw new AppError('VALIDATION_FAILED', `${name} must be a whole number from ${min} to ${max}`);
    return value;
  };

  if (patch.name !== undefined) {
    const name = patch.name.trim();
    if (name.length < 1 || name.length > 100) throw new AppError('VALIDATION_FAILED', 'name must be 1..100 characters');
    set('name', name);
  }
  if (patch.rules !== undefined) {
    if (patch.rules.length > 4000) throw new AppError('VALIDATION_FAILED', 'rules have at most 4000 characters');
    set('rules', patch.rules);
  }
  if (patch.memberPurchaseCapMicros !== undefined)
    set('member_purchase_cap_micros', positive('memberPurchaseCapMicros', patch.memberPurchaseCapMicros));
  if (patch.memberRentalCapMicros !== undefined)
    set('member_rental_cap_micros', positive('memberRentalCapMicros', patch.memberRentalCapMicros));
  if (patch.capPeriodHours !== undefined)
    set('cap_period_hours', whole('capPeriodHours', patch.capPeriodHours, 1, 8760));
  if (patch.minPricesMicros !== undefined) {
    const prices: Record<string, string> = {};
    for (const [kind, micros] of Object.entries(patch.minPricesMicros)) {
      if (!OFFER_KINDS.includes(kind as OfferKind))
        throw new AppError('VALIDATION_FAILED', `unknown offer kind ${kind}`);
      prices[kind] = positive(`minPricesMicros.${kind}`, micros) as string;
    }
    set('min_prices', JSON.stringify(prices), '::jsonb');
  }
  if (patch.withdrawalQuorum !== undefined) {
    const quorum = whole('withdrawalQuorum', patch.withdrawalQuorum, 1, 50);
    const approvers = await ctx.em.execute<{ count: string }[]>(
      `select count(*) from pool_members where pool_id = ? and role in ('owner', 'officer') and status = 'active'`,
      [poolId],
    );
    const available = Number(approvers[0]?.count ?? 0);
    if (quorum > available)
      throw new AppError(
        'VALIDATION_FAILED',
        `a quorum of ${quorum} needs ${quorum} owner/officers; the pool has ${available}`,
        {
          approvers: available,
        },
      );
    set('withdrawal_quorum', quorum);
  }
  if (patch.holdTimeoutSeconds !== undefined)
    set('hold_timeout_seconds', whole('holdTimeoutSeconds', patch.holdTimeoutSeconds, 60, 31_536_000));
  if (patch.disputeWindowHours !== undefined)
    set('dispute_window_hours', whole('disputeWindowHours', patch.disputeWindowHours, 1, 8760));
  if (patch.machineSlotPriceMicros !== undefined)
    set('machine_slot_price_micros', positive('machineSlotPriceMicros', patch.machineSlotPriceMicros));
  if (patch.ownerCutBps !== undefined) set('owner_cut_bps', whole('ownerCutBps', patch.ownerCutBps, 0, 5000));
  if (patch.membershipFeeMicros !== undefined) {
    if (current.type !== 'premium' && patch.membershipFeeMicros !== null)
      throw new AppError('VALIDATION_FAILED', 'only premium pools charge a membership fee');
    set('membership_fee_micros', positive('membershipFeeMicros', patch.membershipFeeMicros));
  }
  if (patch.minSellerRating !== undefined)
    set('min_seller_rating', whole('minSellerRating', patch.minSellerRating, 0, 100));
  if (patch.minBuyerReliability !== undefined)
    set('min_buyer_reliability', whole('minBuyerReliability', patch.minBuyerReliability, 0, 100));
  if (patch.minPayoutReliability !== undefined)
    set('min_payout_reliability', whole('minPayoutReliability', patch.minPayoutReliability, 0, 100));

  const type = patch.type ?? current.type;
  if (patch.type !== undefined) {
    if (current.type === 'premium') throw new AppError('VALIDATION_FAILED', 'a premium pool stays premium');
    set('type', patch.type);
  }
  if (patch.password !== undefined) {
    if (type === 'public') throw new AppError('VALIDATION_FAILED', 'a public pool has no password');
    if (patch.password === null) {
      if (type === 'private') throw new AppError('VALIDATION_FAILED', 'a private pool needs a password');
      set('password_hash', null);
    } else {
      const problem = passwordProblem(patch.password);
      if (problem) throw new AppError('VALIDATION_FAILED', problem);
      set('password_hash', await hashPoolPassword(patch.password));
    }
  } else if (type === 'private' && !current.hasPassword) {
    throw new AppError('VALIDATION_FAILED', 'a private pool needs a password');
  } else if (type === 'public' && current.hasPassword) {
    set('password_hash', null);
  }
  if (sets.length === 0) return current;

  const changed = Object.keys(patch).filter((key) => key !== 'password');
  if (patch.password !== undefined) changed.push('password');
  await ctx.em.transactional(async (em) => {
    await em.execute(`update pools set ${sets.join(', ')}, updated_at = now() where id = ?`, [...values, poolId]);
    await recordEvent(em, { type: 'PoolSettingsChanged', poolId, payload: { byUserId: actor.userId, changed } });
  });
  return loadPoolView(ctx.em, poolId);
}
