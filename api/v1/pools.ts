import { z } from 'zod';
import { bindChat } from '../../core/pools/bind-chat.ts';
import { createPool } from '../../core/pools/create-pool.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { OFFER_KINDS } from '../../core/pools/pool-view.ts';
import { setPoolSuspended } from '../../core/pools/suspend-pool.ts';
import { updatePoolSettings } from '../../core/pools/update-pool-settings.ts';
import { defineRoute } from '../rest/route.ts';
import { MicrosIn, Uuid } from '../rest/schemas.ts';
import { actorOf, MembershipSchema, poolJson, PoolSchema } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const Name = z.string().trim().min(1).max(100);
const Password = z.string().min(8).max(128);

export const createPoolRoute = defineRoute({
  method: 'post',
  path: '/pools',
  operationId: 'createPool',
  summary: 'Create a pool',
  description:
    "The caller becomes its owner. A private pool needs a password; a premium pool costs the premium price, paid from the caller's balance in `fundingPoolId`, and needs an `Idempotency-Key`.",
  tags: ['pools'],
  auth: 'write',
  idempotency: 'optional',
  body: z.strictObject({
    name: Name,
    type: z.enum(['public', 'private', 'premium']),
    password: Password.optional(),
    currency: z
      .string()
      .regex(/^[A-Z0-9]{2,12}$/)
      .optional(),
    fundingPoolId: Uuid.optional(),
  }),
  response: {
    status: 201,
    description: 'The new pool (or, for a repeated Idempotency-Key, the pool made the first time).',
    schema: z.object({ pool: PoolSchema, premiumFeeMicros: z.string() }),
  },
  errors: ['VALIDATION_FAILED', 'INSUFFICIENT_FUNDS', 'NOT_A_MEMBER', 'POOL_NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED'],
  async handler({ body, caller, app, idempotencyKey }) {
    const result = await createPool(app, actorOf(caller), { ...body, idempotencyKey: idempotencyKey ?? undefined });
    return { pool: poolJson(result.pool), premiumFeeMicros: result.premiumFeeMicros.toString() };
  },
});

export const getPoolRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}',
  operationId: 'getPool',
  summary: 'A pool, its settings and the caller’s membership',
  tags: ['pools'],
  auth: 'read',
  params: PoolParams,
  response: {
    status: 200,
    description: 'The pool.',
    schema: z.object({ pool: PoolSchema, membership: MembershipSchema }),
  },
  errors: ['POOL_NOT_FOUND'],
  async handler({ params, caller, app }) {
    const { pool, membership } = await getPool(app, actorOf(caller), params);
    return { pool: poolJson(pool), membership };
  },
});

const NullableMicros = MicrosIn.nullable();

export const updatePoolSettingsRoute = defineRoute({
  method: 'patch',
  path: '/pools/{poolId}/settings',
  operationId: 'updatePoolSettings',
  summary: 'Change the pool’s settings (owner)',
  description: 'Only the fields given change. Caps and the slot price take null for "none".',
  tags: ['pools'],
  auth: 'write',
  params: PoolParams,
  body: z.strictObject({
    name: Name.optional(),
    type: z.enum(['public', 'private']).optional(),
    password: Password.nullable().optional(),
    rules: z.string().max(4000).optional(),
    memberPurchaseCapMicros: NullableMicros.optional(),
    memberRentalCapMicros: NullableMicros.optional(),
    capPeriodHours: z.int().min(1).max(8760).optional(),
    minPricesMicros: z.partialRecord(z.enum(OFFER_KINDS), MicrosIn).optional(),
    withdrawalQuorum: z.int().min(1).max(50).optional(),
    holdTimeoutSeconds: z.int().min(60).max(31_536_000).optional(),
    disputeWindowHours: z.int().min(1).max(8760).optional(),
    machineSlotPriceMicros: NullableMicros.optional(),
    ownerCutBps: z.int().min(0).max(5000).optional(),
    membershipFeeMicros: NullableMicros.optional(),
    minSellerRating: z.int().min(0).max(100).optional(),
    minBuyerReliability: z.int().min(0).max(100).optional(),
    minPayoutReliability: z.int().min(0).max(100).optional(),
  }),
  response: { status: 200, description: 'The pool as it is now.', schema: z.object({ pool: PoolSchema }) },
  errors: [
    'POOL_NOT_FOUND',
    'NOT_A_MEMBER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'POOL_SUSPENDED',
    'VALIDATION_FAILED',
    'INVALID_AMOUNT',
  ],
  async handler({ params, body, caller, app }) {
    return { pool: poolJson(await updatePoolSettings(app, actorOf(caller), params.poolId, body)) };
  },
});

export const bindChatRoute = defineRoute({
  method: 'put',
  path: '/pools/{poolId}/chats/{platform}',
  operationId: 'bindChat',
  summary: 'Bind the pool to a Discord guild or Telegram chat (owner); chatId null unbinds',
  tags: ['pools'],
  auth: 'write',
  params: z.object({ poolId: Uuid, platform: z.enum(['discord', 'telegram']) }),
  body: z.strictObject({
    chatId: z
      .string()
      .regex(/^-?[0-9]{1,30}$/)
      .nullable(),
  }),
  response: { status: 200, description: 'The pool as it is now.', schema: z.object({ pool: PoolSchema }) },
  errors: [
    'POOL_NOT_FOUND',
    'NOT_A_MEMBER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'POOL_SUSPENDED',
    'CHAT_ALREADY_BOUND',
  ],
  async handler({ params, body, caller, app }) {
    return { pool: poolJson(await bindChat(app, actorOf(caller), { ...params, chatId: body.chatId })) };
  },
});

export const suspendPoolRoute = defineRoute({
  method: 'put',
  path: '/pools/{poolId}/suspension',
  operationId: 'setPoolSuspension',
  summary: 'Suspend a pool or lift the suspension (Global Admin)',
  tags: ['platform'],
  auth: 'admin',
  params: PoolParams,
  body: z.strictObject({ suspended: z.boolean(), reason: z.string().max(500).optional() }),
  response: { status: 200, description: 'The pool as it is now.', schema: z.object({ pool: PoolSchema }) },
  errors: ['POOL_NOT_FOUND', 'NOT_GLOBAL_ADMIN'],
  async handler({ params, body, caller, app }) {
    return { pool: poolJson(await setPoolSuspended(app, actorOf(caller), { ...params, ...body })) };
  },
});

export const poolRoutes = [createPoolRoute, getPoolRoute, updatePoolSettingsRoute, bindChatRoute, suspendPoolRoute];
