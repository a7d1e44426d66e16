import { z } from 'zod';
import type { Actor } from '../../core/context.ts';
import type { Balance, Transfer } from '../../core/ledger/types.ts';
import type { PoolView } from '../../core/pools/pool-view.ts';
import { OFFER_KINDS } from '../../core/pools/pool-view.ts';
import type { Caller } from '../rest/route.ts';
import { MicrosOut } from '../rest/schemas.ts';

/** The use cases' caller from the authenticated request (routes with auth 'none' have none). */
export function actorOf(caller: Caller | null): Actor {
  if (!caller) throw new Error('route without auth asked for an actor');
  return { userId: caller.userId, isGlobalAdmin: caller.isGlobalAdmin };
}

const micros = (value: bigint | null) => (value === null ? null : value.toString());
const iso = (value: Date | null) => (value === null ? null : value.toISOString());

export const BalanceSchema = z.object({
  postedMicros: MicrosOut,
  pendingMicros: MicrosOut,
  availableMicros: MicrosOut,
});
export const balanceJson = (balance: Balance): z.output<typeof BalanceSchema> => ({
  postedMicros: balance.postedMicros.toString(),
  pendingMicros: balance.pendingMicros.toString(),
  availableMicros: balance.availableMicros.toString(),
});

export const TransferSchema = z.object({
  id: z.uuid(),
  poolId: z.uuid(),
  kind: z.enum(['posted', 'pending', 'post_pending', 'void_pending', 'expire_pending']),
  debitAccountId: z.uuid(),
  creditAccountId: z.uuid(),
  amountMicros: MicrosOut,
  currency: z.string(),
  pendingId: z.uuid().nullable(),
  timeoutAt: z.iso.datetime().nullable(),
  linkedId: z.uuid().nullable(),
  code: z.string(),
  memo: z.string(),
  createdAt: z.iso.datetime(),
  lane: z.number().int(),
  seq: z.string(),
  hash: z.string(),
});
export const transferJson = (t: Transfer): z.output<typeof TransferSchema> => ({
  id: t.id,
  poolId: t.poolId,
  kind: t.kind,
  debitAccountId: t.debitAccountId,
  creditAccountId: t.creditAccountId,
  amountMicros: t.amountMicros.toString(),
  currency: t.currency,
  pendingId: t.pendingId,
  timeoutAt: iso(t.timeoutAt),
  linkedId: t.linkedId,
  code: t.code,
  memo: t.memo,
  createdAt: t.createdAt.toISOString(),
  lane: t.lane,
  seq: t.seq.toString(),
  hash: t.hash,
});

export const MembershipSchema = z
  .object({ role: z.enum(['owner', 'officer', 'member']), status: z.enum(['active', 'left', 'suspended', 'banned']) })
  .nullable();

export const PoolSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(['public', 'private', 'premium']),
  currency: z.string(),
  status: z.enum(['pending', 'active', 'suspended']),
  ownerUserId: z.uuid(),
  hasPassword: z.boolean(),
  discordGuildId: z.string().nullable(),
  telegramChatId: z.string().nullable(),
  memberCount: z.number().int(),
  createdAt: z.iso.datetime(),
  settings: z.object({
    rules: z.string(),
    memberPurchaseCapMicros: MicrosOut.nullable(),
    memberRentalCapMicros: MicrosOut.nullable(),
    capPeriodHours: z.number().int(),
    minPricesMicros: z.partialRecord(z.enum(OFFER_KINDS), MicrosOut),
    withdrawalQuorum: z.number().int(),
    holdTimeoutSeconds: z.number().int(),
    disputeWindowHours: z.number().int(),
    machineSlotPriceMicros: MicrosOut.nullable(),
    ownerCutBps: z.number().int(),
    membershipFeeMicros: MicrosOut.nullable(),
    minSellerRating: z.number().int(),
    minBuyerReliability: z.number().int(),
    minPayoutReliability: z.number().int(),
  }),
});
export const poolJson = (pool: PoolView): z.output<typeof PoolSchema> => ({
  ...pool,
  createdAt: pool.createdAt.toISOString(),
  settings: {
    ...pool.settings,
    memberPurchaseCapMicros: micros(pool.settings.memberPurchaseCapMicros),
    memberRentalCapMicros: micros(pool.settings.memberRentalCapMicros),
    minPricesMicros: Object.fromEntries(
      Object.entries(pool.settings.minPricesMicros).map(([kind, value]) => [kind, value.toString()]),
    ),
    machineSlotPriceMicros: micros(pool.settings.machineSlotPriceMicros),
    membershipFeeMicros: micros(pool.settings.membershipFeeMicros),
  },
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
