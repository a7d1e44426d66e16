import { z } from 'zod';
import { listFraudFlags, reviewFraudFlag } from '../../core/fraud/fraud-flags.ts';
import { standingOf } from '../../core/reputation/scores.ts';
import { canReadAsMember, loadPoolAccess } from '../../core/access/pool-access.ts';
import { AppError } from '../../core/errors.ts';
import { chargeMembershipFees } from '../../core/rewards/membership-fees.ts';
import { recordContribution } from '../../core/rewards/record-contribution.ts';
import { cancelReward, releaseReward } from '../../core/rewards/release-reward.ts';
import { requireReward } from '../../core/rewards/reward-view.ts';
import { settleRewards } from '../../core/rewards/settle-rewards.ts';
import { defineRoute } from '../rest/route.ts';
import { MicrosIn, MicrosOut, Uuid } from '../rest/schemas.ts';
import { RewardSchema, rewardJson } from './economy-views.ts';
import { actorOf } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const RewardParams = z.object({ rewardId: Uuid });
const ACTING = ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'POOL_SUSPENDED'] as const;
const Units = z
  .string()
  .regex(/^[1-9][0-9]{0,12}$/, 'a positive whole number as a string')
  .transform(BigInt);

export const recordContributionRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/contributions',
  operationId: 'recordContribution',
  summary: 'Record work a member contributed (owner)',
  description: 'Units of verified work (shares, frames, tokens). Rewards are distributed in proportion to them.',
  tags: ['rewards'],
  auth: 'write',
  idempotency: 'required',
  params: PoolParams,
  body: z.strictObject({
    userId: Uuid,
    units: Units,
    machineId: Uuid.optional(),
    workKind: z.string().trim().min(1).max(40).optional(),
    workedAt: z.iso
      .datetime()
      .transform((value) => new Date(value))
      .optional(),
  }),
  response: {
    status: 201,
    description: 'The contribution.',
    schema: z.object({
      contribution: z.object({ id: z.uuid(), userId: z.uuid(), units: z.string(), workedAt: z.iso.datetime() }),
    }),
  },
  errors: [...ACTING, 'NOT_POOL_OWNER', 'MEMBER_NOT_FOUND', 'MACHINE_NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED'],
  async handler({ params, body, caller, app, idempotencyKey }) {
    const c = await recordContribution(app, actorOf(caller), {
      poolId: params.poolId,
      ...body,
      idempotencyKey: idempotencyKey as string,
    });
    return {
      contribution: { id: c.id, userId: c.userId, units: c.units.toString(), workedAt: c.workedAt.toISOString() },
    };
  },
});

export const settleRewardsRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/rewards/settle',
  operationId: 'settleRewards',
  summary: 'Distribute a reward by contribution (owner)',
  description:
    'From the treasury, or from outside (`source: external` with its `reference`, recorded as a deposit). Shares are exact to the micro (largest remainder) and held until `holdSeconds` pass (1 h to 30 days, 24 h by default) or the owner releases them; the owner may cancel meanwhile.',
  tags: ['rewards'],
  auth: 'write',
  idempotency: 'required',
  params: PoolParams,
  body: z.strictObject({
    amountMicros: MicrosIn,
    windowStart: z.iso.datetime().transform((value) => new Date(value)),
    windowEnd: z.iso.datetime().transform((value) => new Date(value)),
    source: z.enum(['treasury', 'external']).default('treasury'),
    reference: z.string().trim().min(1).max(200).optional(),
    holdSeconds: z.int().min(3600).max(2_592_000).optional(),
  }),
  response: { status: 201, description: 'The distribution, held.', schema: z.object({ reward: RewardSchema }) },
  errors: [
    ...ACTING,
    'NOT_POOL_OWNER',
    'NO_CONTRIBUTIONS',
    'INSUFFICIENT_FUNDS',
    'REWARD_WRONG_STATE',
    'IDEMPOTENCY_KEY_REUSED',
  ],
  async handler({ params, body, caller, app, idempotencyKey }) {
    const reward = await settleRewards(app, actorOf(caller), {
      poolId: params.poolId,
      ...body,
      idempotencyKey: idempotencyKey as string,
    });
    return { reward: rewardJson(reward) };
  },
});

const rewardStep = (name: 'release' | 'cancel') =>
  defineRoute({
    method: 'post',
    path: `/rewards/{rewardId}/${name}`,
    operationId: `${name}Reward`,
    summary:
      name === 'release'
        ? 'Release a held reward now (owner)'
        : 'Cancel a held reward; the money returns to the treasury (owner)',
    tags: ['rewards'],
    auth: 'write',
    idempotency: 'optional',
    params: RewardParams,
    response: { status: 200, description: 'The reward as it is now.', schema: z.object({ reward: RewardSchema }) },
    errors: [...ACTING, 'REWARD_NOT_FOUND', 'REWARD_WRONG_STATE', 'NOT_POOL_OWNER'],
    async handler({ params, caller, app }) {
      const step = name === 'release' ? releaseReward : cancelReward;
      return { reward: rewardJson(await step(app, actorOf(caller), params)) };
    },
  });

export const getRewardRoute = defineRoute({
  method: 'get',
  path: '/rewards/{rewardId}',
  operationId: 'getReward',
  summary: 'A reward distribution and its shares (pool members)',
  tags: ['rewards'],
  auth: 'read',
  params: RewardParams,
  response: { status: 200, description: 'The reward.', schema: z.object({ reward: RewardSchema }) },
  errors: ['REWARD_NOT_FOUND', 'NOT_A_MEMBER'],
  async handler({ params, caller, app }) {
    const reward = await requireReward(app.em, params.rewardId);
    if (!canReadAsMember(await loadPoolAccess(app.em, actorOf(caller), reward.poolId)))
      throw new AppError('NOT_A_MEMBER');
    return { reward: rewardJson(reward) };
  },
});

export const membershipFeesRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/membership-fees/charge',
  operationId: 'chargeMembershipFees',
  summary: 'Charge the period’s membership fee into the treasury (premium pools, owner)',
  description: 'Once per member and period; members without the money are counted unpaid, not put into debt.',
  tags: ['rewards'],
  auth: 'write',
  idempotency: 'required',
  params: PoolParams,
  body: z.strictObject({ period: z.string().regex(/^[0-9A-Za-z-]{1,20}$/) }),
  response: {
    status: 200,
    description: 'Who paid.',
    schema: z.object({ paid: z.number().int(), unpaid: z.number().int(), collectedMicros: MicrosOut }),
  },
  errors: [...ACTING, 'NOT_POOL_OWNER'],
  async handler({ params, body, caller, app }) {
    const result = await chargeMembershipFees(app, actorOf(caller), { poolId: params.poolId, period: body.period });
    return { ...result, collectedMicros: result.collectedMicros.toString() };
  },
});

export const standingRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/members/{userId}/standing',
  operationId: 'getStanding',
  summary: 'A member’s rating (as a seller/node) and reliability in the pool',
  tags: ['reputation'],
  auth: 'read',
  params: z.object({ poolId: Uuid, userId: Uuid }),
  response: {
    status: 200,
    description: 'Scores 0–100 (50 with no history) and what they come from.',
    schema: z.object({
      rating: z.number().int(),
      reliability: z.number().int(),
      completedSales: z.number().int(),
      disputesLostAsSeller: z.number().int(),
      completedPurchases: z.number().int(),
      disputesLostAsBuyer: z.number().int(),
      rejectedWithdrawals: z.number().int(),
      confirmedFraudFlags: z.number().int(),
    }),
  },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER'],
  async handler({ params, caller, app }) {
    if (!canReadAsMember(await loadPoolAccess(app.em, actorOf(caller), params.poolId)))
      throw new AppError('NOT_A_MEMBER');
    return standingOf(app.em, params.poolId, params.userId);
  },
});

const FlagSchema = z.object({
  id: z.uuid(),
  poolId: z.uuid(),
  poolName: z.string(),
  kind: z.enum(['round_trip', 'trade_cycle', 'shared_hwid', 'shared_ip']),
  userIds: z.array(z.uuid()),
  evidence: z.record(z.string(), z.unknown()),
  status: z.enum(['open', 'dismissed', 'confirmed']),
  createdAt: z.iso.datetime(),
});
const flagJson = (f: Awaited<ReturnType<typeof reviewFraudFlag>>) => ({ ...f, createdAt: f.createdAt.toISOString() });
const FlagQuery = z.strictObject({
  status: z.enum(['open', 'dismissed', 'confirmed']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const poolFraudFlagsRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/fraud-flags',
  operationId: 'listPoolFraudFlags',
  summary: 'Suspected wash trading in the pool (officers and owner)',
  tags: ['reputation'],
  auth: 'read',
  params: PoolParams,
  query: FlagQuery,
  response: { status: 200, description: 'Newest first.', schema: z.object({ items: z.array(FlagSchema) }) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'NOT_AN_OFFICER'],
  async handler({ params, query, caller, app }) {
    return { items: (await listFraudFlags(app, actorOf(caller), { poolId: params.poolId, ...query })).map(flagJson) };
  },
});

export const adminFraudFlagsRoute = defineRoute({
  method: 'get',
  path: '/admin/fraud-flags',
  operationId: 'listAllFraudFlags',
  summary: 'Suspected wash trading across every pool (Global Admin)',
  tags: ['admin'],
  auth: 'admin',
  query: FlagQuery,
  response: { status: 200, description: 'Newest first.', schema: z.object({ items: z.array(FlagSchema) }) },
  errors: ['NOT_GLOBAL_ADMIN'],
  async handler({ query, caller, app }) {
    return { items: (await listFraudFlags(app, actorOf(caller), query)).map(flagJson) };
  },
});

export const reviewFraudFlagRoute = defineRoute({
  method: 'post',
  path: '/fraud-flags/{flagId}/review',
  operationId: 'reviewFraudFlag',
  summary: 'Confirm or dismiss a flag (officers, owner, Global Admin)',
  tags: ['reputation'],
  auth: 'write',
  idempotency: 'optional',
  params: z.object({ flagId: Uuid }),
  body: z.strictObject({ decision: z.enum(['confirmed', 'dismissed']) }),
  response: { status: 200, description: 'The flag.', schema: z.object({ flag: FlagSchema }) },
  errors: ['NOT_A_MEMBER', 'NOT_AN_OFFICER', 'VALIDATION_FAILED'],
  async handler({ params, body, caller, app }) {
    return {
      flag: flagJson(await reviewFraudFlag(app, actorOf(caller), { flagId: params.flagId, decision: body.decision })),
    };
  },
});

export const rewardRoutes = [
  recordContributionRoute,
  settleRewardsRoute,
  getRewardRoute,
  rewardStep('release'),
  rewardStep('cancel'),
  membershipFeesRoute,
  standingRoute,
  poolFraudFlagsRoute,
  adminFraudFlagsRoute,
  reviewFraudFlagRoute,
];
