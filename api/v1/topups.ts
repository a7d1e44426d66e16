import { z } from 'zod';
import { getTopup, refundTopup, resolveTopupReview, topupReport } from '../../core/topups/manage-topups.ts';
import { startTopup } from '../../core/topups/start-topup.ts';
import type { Topup } from '../../core/topups/topup-view.ts';
import { defineRoute } from '../rest/route.ts';
import { MicrosIn, MicrosOut, Uuid } from '../rest/schemas.ts';
import { actorOf } from './views.ts';

const TopupSchema = z
  .object({
    id: z.uuid(),
    poolId: z.uuid(),
    userId: z.uuid(),
    provider: z.enum(['stripe', 'nowpayments', 'stars']),
    status: z.enum(['pending', 'confirming', 'credited', 'failed', 'expired', 'review', 'refunded']),
    amountMicros: MicrosOut,
    providerAmount: z.string().meta({ description: 'What the provider asks: cents (Stripe), Stars, or USDT.' }),
    providerCurrency: z.string(),
    rateMicros: z.number().int().meta({ description: 'Pool micros per provider unit, fixed at creation.' }),
    payUrl: z.string().nullable().meta({ description: 'Where to pay (Stripe Checkout, NOWPayments invoice).' }),
    creditedMicros: MicrosOut.nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Topup' });
const topupJson = (t: Topup): z.output<typeof TopupSchema> => ({
  id: t.id,
  poolId: t.poolId,
  userId: t.userId,
  provider: t.provider,
  status: t.status,
  amountMicros: t.amountMicros.toString(),
  providerAmount: t.providerAmount,
  providerCurrency: t.providerCurrency,
  rateMicros: t.rateMicros,
  payUrl: t.payUrl,
  creditedMicros: t.creditedMicros === null ? null : t.creditedMicros.toString(),
  createdAt: t.createdAt.toISOString(),
});
const One = z.object({ topup: TopupSchema });
const Params = z.object({ topupId: Uuid });

export const startTopupRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/topups',
  operationId: 'startTopup',
  summary: 'Start a top-up: answers with where to pay',
  description:
    'Stripe answers with a Checkout page, NOWPayments with a USDT invoice; Telegram Stars top-ups start in Telegram (`/topup`). The amount is converted at the rate recorded now; you are credited once, when the provider confirms the payment, with what you paid converted at that rate (rounded down).',
  tags: ['top-ups'],
  auth: 'write',
  idempotency: 'required',
  params: z.object({ poolId: Uuid }),
  body: z.strictObject({ amountMicros: MicrosIn, provider: z.enum(['stripe', 'nowpayments']) }),
  response: { status: 201, description: 'The top-up, pending payment.', schema: One },
  errors: [
    'POOL_NOT_FOUND',
    'NOT_A_MEMBER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'POOL_SUSPENDED',
    'INVALID_AMOUNT',
    'PAYMENT_PROVIDER_UNAVAILABLE',
    'IDEMPOTENCY_KEY_REUSED',
  ],
  async handler({ params, body, caller, app, idempotencyKey }) {
    const topup = await startTopup(app, actorOf(caller), {
      poolId: params.poolId,
      ...body,
      idempotencyKey: idempotencyKey as string,
    });
    return { topup: topupJson(topup) };
  },
});

export const getTopupRoute = defineRoute({
  method: 'get',
  path: '/topups/{topupId}',
  operationId: 'getTopup',
  summary: 'One of your top-ups and its status',
  tags: ['top-ups'],
  auth: 'read',
  params: Params,
  response: { status: 200, description: 'The top-up.', schema: One },
  errors: ['TOPUP_NOT_FOUND'],
  async handler({ params, caller, app }) {
    return { topup: topupJson(await getTopup(app, actorOf(caller), params)) };
  },
});

export const topupReportRoute = defineRoute({
  method: 'get',
  path: '/admin/topups/report',
  operationId: 'topupReport',
  summary: 'What came in, per provider and per pool (Global Admin)',
  tags: ['admin'],
  auth: 'admin',
  query: z.strictObject({
    from: z.iso
      .datetime()
      .transform((v) => new Date(v))
      .optional(),
    to: z.iso
      .datetime()
      .transform((v) => new Date(v))
      .optional(),
  }),
  response: {
    status: 200,
    description: 'One row per provider and pool.',
    schema: z.object({
      items: z.array(
        z.object({
          provider: z.string(),
          poolId: z.uuid(),
          poolName: z.string(),
          creditedCount: z.number().int(),
          creditedMicros: MicrosOut,
          pendingCount: z.number().int(),
          reviewCount: z.number().int(),
          failedCount: z.number().int(),
        }),
      ),
    }),
  },
  errors: ['NOT_GLOBAL_ADMIN'],
  async handler({ query, caller, app }) {
    const rows = await topupReport(app, actorOf(caller), {
      from: query.from ?? new Date(Date.now() - 30 * 24 * 3_600_000),
      to: query.to ?? new Date(Date.now() + 60_000),
    });
    return { items: rows.map((r) => ({ ...r, creditedMicros: r.creditedMicros.toString() })) };
  },
});

export const resolveTopupRoute = defineRoute({
  method: 'post',
  path: '/admin/topups/{topupId}/resolve',
  operationId: 'resolveTopupReview',
  summary: 'Credit or reject a top-up held for review (Global Admin)',
  tags: ['admin'],
  auth: 'admin',
  idempotency: 'optional',
  params: Params,
  body: z.strictObject({ decision: z.enum(['credit', 'reject']) }),
  response: { status: 200, description: 'The top-up.', schema: One },
  errors: ['NOT_GLOBAL_ADMIN', 'TOPUP_NOT_FOUND', 'VALIDATION_FAILED', 'INVALID_AMOUNT'],
  async handler({ params, body, caller, app }) {
    return { topup: topupJson(await resolveTopupReview(app, actorOf(caller), { ...params, ...body })) };
  },
});

export const refundTopupRoute = defineRoute({
  method: 'post',
  path: '/admin/topups/{topupId}/refund',
  operationId: 'refundTopup',
  summary: 'Reverse a Stars top-up and refund the Stars (Global Admin)',
  tags: ['admin'],
  auth: 'admin',
  idempotency: 'required',
  params: Params,
  response: { status: 200, description: 'The top-up, refunded.', schema: One },
  errors: [
    'NOT_GLOBAL_ADMIN',
    'TOPUP_NOT_FOUND',
    'VALIDATION_FAILED',
    'INSUFFICIENT_FUNDS',
    'PAYMENT_PROVIDER_UNAVAILABLE',
  ],
  async handler({ params, caller, app }) {
    return { topup: topupJson(await refundTopup(app, actorOf(caller), params)) };
  },
});

export const topupRoutes = [startTopupRoute, getTopupRoute, topupReportRoute, resolveTopupRoute, refundTopupRoute];
