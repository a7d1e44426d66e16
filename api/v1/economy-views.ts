import { z } from 'zod';
import type { Deal } from '../../core/market/deal-view.ts';
import type { Offer } from '../../core/market/offer-view.ts';
import { OFFER_KINDS } from '../../core/pools/pool-view.ts';
import type { Dispute } from '../../core/disputes/dispute-view.ts';
import type { Reward } from '../../core/rewards/reward-view.ts';
import type { Withdrawal } from '../../core/withdrawals/withdrawal-view.ts';
import { DESTINATION_KINDS } from '../../core/withdrawals/destination.ts';
import { MicrosOut } from '../rest/schemas.ts';

const iso = (date: Date | null) => (date === null ? null : date.toISOString());
const DateOut = z.iso.datetime();

export const OfferSchema = z
  .object({
    id: z.uuid(),
    poolId: z.uuid(),
    sellerUserId: z.uuid(),
    sellerName: z.string(),
    sellerRating: z
      .number()
      .int()
      .meta({ description: 'The seller’s rating in this pool, 0–100 (50 with no history).' }),
    kind: z.enum(OFFER_KINDS),
    title: z.string(),
    description: z.string(),
    machineId: z.uuid().nullable(),
    machineName: z.string().nullable(),
    cpuScore: z.number().int().nullable().meta({ description: 'The machine’s CPU benchmark score, when measured.' }),
    encodeFps: z
      .number()
      .int()
      .nullable()
      .meta({ description: '1280×720 frames per second the machine encodes in software (60 keeps a stream up).' }),
    gpuEncodeFps: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The same with its GPU’s hardware encoder, when it has one that runs: the GPU score.' }),
    targetPoolId: z.uuid().nullable(),
    priceMicros: MicrosOut.meta({ description: 'Per hour for compute time and GameBoost slots, per item otherwise.' }),
    quantityLeft: z.number().int().nullable(),
    status: z.enum(['active', 'paused', 'closed']),
    createdAt: DateOut,
  })
  .meta({ id: 'Offer' });
export const offerJson = (o: Offer): z.output<typeof OfferSchema> => ({
  ...o,
  priceMicros: o.priceMicros.toString(),
  createdAt: o.createdAt.toISOString(),
});

export const DealSchema = z
  .object({
    id: z.uuid(),
    poolId: z.uuid(),
    offerId: z.uuid(),
    title: z.string(),
    kind: z.enum(OFFER_KINDS),
    buyerUserId: z.uuid(),
    sellerUserId: z.uuid(),
    quantity: z.number().int(),
    unitPriceMicros: MicrosOut,
    totalMicros: MicrosOut,
    feeMicros: MicrosOut,
    poolCutMicros: MicrosOut,
    status: z.enum([
      'reserving',
      'failed',
      'reserved',
      'delivered',
      'completed',
      'cancelled',
      'expired',
      'disputed',
      'settled_by_dispute',
    ]),
    holdId: z.uuid().nullable(),
    deliveredAt: DateOut.nullable(),
    completesAt: DateOut.nullable().meta({ description: 'When a delivered deal completes by itself unless disputed.' }),
    closedAt: DateOut.nullable(),
    createdAt: DateOut,
  })
  .meta({ id: 'Deal' });
export const dealJson = (d: Deal): z.output<typeof DealSchema> => ({
  id: d.id,
  poolId: d.poolId,
  offerId: d.offerId,
  title: d.title,
  kind: d.kind,
  buyerUserId: d.buyerUserId,
  sellerUserId: d.sellerUserId,
  quantity: d.quantity,
  unitPriceMicros: d.unitPriceMicros.toString(),
  totalMicros: d.totalMicros.toString(),
  feeMicros: d.feeMicros.toString(),
  poolCutMicros: d.ownerCutMicros.toString(),
  status: d.status,
  holdId: d.holdId,
  deliveredAt: iso(d.deliveredAt),
  completesAt: iso(d.completesAt),
  closedAt: iso(d.closedAt),
  createdAt: d.createdAt.toISOString(),
});

export const WithdrawalSchema = z
  .object({
    id: z.uuid(),
    poolId: z.uuid(),
    userId: z.uuid(),
    amountMicros: MicrosOut,
    destinationKind: z.enum(DESTINATION_KINDS),
    destination: z.string(),
    status: z.enum(['requesting', 'failed', 'requested', 'confirmed', 'completed', 'rejected', 'expired']),
    approvals: z.number().int(),
    rejections: z.number().int(),
    quorum: z.number().int(),
    reference: z.string().nullable(),
    holdId: z.uuid().nullable(),
    requestedAt: DateOut,
    confirmedAt: DateOut.nullable(),
    closedAt: DateOut.nullable(),
  })
  .meta({ id: 'Withdrawal' });
export const withdrawalJson = (w: Withdrawal): z.output<typeof WithdrawalSchema> => ({
  id: w.id,
  poolId: w.poolId,
  userId: w.userId,
  amountMicros: w.amountMicros.toString(),
  destinationKind: w.destinationKind,
  destination: w.destination,
  status: w.status,
  approvals: w.approvals,
  rejections: w.rejections,
  quorum: w.quorum,
  reference: w.reference,
  holdId: w.holdId,
  requestedAt: w.requestedAt.toISOString(),
  confirmedAt: iso(w.confirmedAt),
  closedAt: iso(w.closedAt),
});

const Outcome = z.enum(['refund_full', 'refund_partial', 'payout']);
export const DisputeSchema = z
  .object({
    id: z.uuid(),
    poolId: z.uuid(),
    dealId: z.uuid(),
    title: z.string(),
    openedBy: z.uuid(),
    buyerUserId: z.uuid(),
    sellerUserId: z.uuid(),
    amountMicros: MicrosOut,
    status: z.enum(['opening', 'open', 'resolved', 'completed']),
    outcome: Outcome.nullable(),
    refundMicros: MicrosOut.nullable(),
    evidence: z.record(z.string(), z.unknown()),
    statements: z.array(z.object({ userId: z.uuid(), text: z.string(), createdAt: DateOut })),
    votes: z.array(z.object({ userId: z.uuid(), outcome: Outcome, refundMicros: MicrosOut.nullable() })),
    createdAt: DateOut,
    resolvedAt: DateOut.nullable(),
    completedAt: DateOut.nullable(),
  })
  .meta({ id: 'Dispute' });
export const disputeJson = (d: Dispute): z.output<typeof DisputeSchema> => ({
  ...d,
  amountMicros: d.amountMicros.toString(),
  refundMicros: d.refundMicros === null ? null : d.refundMicros.toString(),
  statements: d.statements.map((s) => ({ ...s, createdAt: s.createdAt.toISOString() })),
  votes: d.votes.map((v) => ({ ...v, refundMicros: v.refundMicros === null ? null : v.refundMicros.toString() })),
  createdAt: d.createdAt.toISOString(),
  resolvedAt: iso(d.resolvedAt),
  completedAt: iso(d.completedAt),
});

export const RewardSchema = z
  .object({
    id: z.uuid(),
    poolId: z.uuid(),
    amountMicros: MicrosOut,
    windowStart: DateOut,
    windowEnd: DateOut,
    source: z.enum(['treasury', 'external']),
    reference: z.string().nullable(),
    status: z.enum(['distributing', 'failed', 'held', 'released', 'cancelled']),
    releaseAt: DateOut,
    shares: z.array(
      z.object({ userId: z.uuid(), units: z.string(), amountMicros: MicrosOut, holdId: z.uuid().nullable() }),
    ),
  })
  .meta({ id: 'Reward' });
export const rewardJson = (r: Reward): z.output<typeof RewardSchema> => ({
  id: r.id,
  poolId: r.poolId,
  amountMicros: r.amountMicros.toString(),
  windowStart: r.windowStart.toISOString(),
  windowEnd: r.windowEnd.toISOString(),
  source: r.source,
  reference: r.reference,
  status: r.status,
  releaseAt: r.releaseAt.toISOString(),
  shares: r.shares.map((s) => ({ ...s, units: s.units.toString(), amountMicros: s.amountMicros.toString() })),
});
