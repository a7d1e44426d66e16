import type { Request } from 'express';
import { z } from 'zod';
import { buyMachineSlots } from '../../core/machines/buy-machine-slots.ts';
import { listMachines } from '../../core/machines/list-machines.ts';
import { machineLimit } from '../../core/machines/machine-limit.ts';
import { registerMachine } from '../../core/machines/register-machine.ts';
import { removeMachine } from '../../core/machines/remove-machine.ts';
import { createReferralCode, listReferralCodes, revokeReferralCode } from '../../core/referrals/referral-codes.ts';
import { loadPoolAccess, requirePoolRole } from '../../core/access/pool-access.ts';
import { defineRoute } from '../rest/route.ts';
import { CursorQuery, decodeCursor, encodeCursor, MicrosOut, Uuid } from '../rest/schemas.ts';
import { actorOf, page } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const ACTING = ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'POOL_SUSPENDED'] as const;

const Hardware = z.strictObject({
  cpu: z.string().trim().min(1).max(200),
  gpu: z.string().trim().min(1).max(200).optional(),
  ramGb: z.number().positive().max(65_536),
  os: z.string().trim().min(1).max(100),
});

const MachineSchema = z.object({
  id: z.uuid(),
  poolId: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  hardware: z.object({ cpu: z.string(), gpu: z.string().optional(), ramGb: z.number(), os: z.string() }),
  createdAt: z.iso.datetime(),
});
const machineJson = (m: { createdAt: Date } & Omit<z.output<typeof MachineSchema>, 'createdAt'>) => ({
  ...m,
  createdAt: m.createdAt.toISOString(),
});

const LimitSchema = z.object({
  limit: z.number().int(),
  base: z.number().int(),
  referralBonus: z.number().int(),
  activeReferrals: z.number().int(),
  purchasedSlots: z.number().int(),
  used: z.number().int(),
});

export const registerMachineRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/machines',
  operationId: 'registerMachine',
  summary: 'Register one of your machines in the pool',
  description:
    '`hwid` is the machine’s hardware id as the agent reads it; only a salted hash is kept. 10 machines per member (25 in premium pools), +1 per 5 active referrals, + bought slots.',
  tags: ['machines'],
  auth: 'write',
  idempotency: 'optional',
  params: PoolParams,
  body: z.strictObject({
    name: z.string().trim().min(1).max(64),
    hardware: Hardware,
    hwid: z.string().min(8).max(200),
  }),
  response: { status: 201, description: 'The machine.', schema: z.object({ machine: MachineSchema }) },
  errors: [...ACTING, 'MACHINE_LIMIT_REACHED', 'MACHINE_ALREADY_REGISTERED', 'MACHINE_NAME_TAKEN'],
  async handler({ params, body, caller, app }) {
    return { machine: machineJson(await registerMachine(app, actorOf(caller), { poolId: params.poolId, ...body })) };
  },
});

export const listMachinesRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/machines',
  operationId: 'listMachines',
  summary: 'The pool’s machines, newest first (optionally one member’s)',
  tags: ['machines'],
  auth: 'read',
  params: PoolParams,
  query: CursorQuery.extend({ userId: Uuid.optional() }),
  response: { status: 200, description: 'One page of machines.', schema: page(MachineSchema) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_BANNED'],
  async handler({ params, query, caller, app }) {
    const rows = await listMachines(app, actorOf(caller), {
      poolId: params.poolId,
      userId: query.userId,
      beforeId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(machineJson),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
    };
  },
});

export const removeMachineRoute = defineRoute({
  method: 'delete',
  path: '/pools/{poolId}/machines/{machineId}',
  operationId: 'removeMachine',
  summary: 'Remove a machine (its owner, officers, the pool owner)',
  tags: ['machines'],
  auth: 'write',
  params: z.object({ poolId: Uuid, machineId: Uuid }),
  response: { status: 200, description: 'Removed.', schema: z.object({ machineId: z.uuid() }) },
  errors: [...ACTING, 'MACHINE_NOT_FOUND', 'NOT_AN_OFFICER'],
  async handler({ params, caller, app }) {
    return removeMachine(app, actorOf(caller), params);
  },
});

export const machineLimitRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/machines/limit',
  operationId: 'getMachineLimit',
  summary: 'How many machines you may register, and why',
  tags: ['machines'],
  auth: 'read',
  params: PoolParams,
  response: { status: 200, description: 'The limit and what makes it up.', schema: LimitSchema },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_BANNED'],
  async handler({ params, caller, app }) {
    const actor = actorOf(caller);
    requirePoolRole(await loadPoolAccess(app.em, actor, params.poolId), 'member', { write: false });
    return machineLimit(app.em, params.poolId, actor.userId);
  },
});

export const buySlotsRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/machine-slots',
  operationId: 'buyMachineSlots',
  summary: 'Buy extra machine slots at the pool’s price (paid to the owner, less the platform fee)',
  tags: ['machines'],
  auth: 'write',
  idempotency: 'required',
  replayFrom: 'ledger',
  params: PoolParams,
  body: z.strictObject({ slots: z.int().min(1).max(100) }),
  response: {
    status: 201,
    description: 'The purchase.',
    schema: z.object({
      purchaseId: z.uuid(),
      slots: z.number().int(),
      totalMicros: MicrosOut,
      feeMicros: MicrosOut,
      transferIds: z.array(z.uuid()),
    }),
  },
  errors: [...ACTING, 'SLOTS_NOT_FOR_SALE', 'INSUFFICIENT_FUNDS', 'IDEMPOTENCY_KEY_REUSED'],
  async handler({ params, body, caller, app, idempotencyKey, res }) {
    const purchase = await buyMachineSlots(app, actorOf(caller), {
      poolId: params.poolId,
      slots: body.slots,
      idempotencyKey: idempotencyKey as string,
    });
    if (purchase.replayed) res.set('Idempotent-Replayed', 'true');
    return {
      purchaseId: purchase.purchaseId,
      slots: purchase.slots,
      totalMicros: purchase.totalMicros.toString(),
      feeMicros: purchase.feeMicros.toString(),
      transferIds: purchase.transferIds,
    };
  },
});

const origin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;
const ReferralSchema = z.object({ code: z.string(), link: z.url(), createdAt: z.iso.datetime(), revoked: z.boolean() });

export const createReferralRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/referral-codes',
  operationId: 'createReferralCode',
  summary: 'A referral code and link to invite friends',
  description: 'Every 5 people who join with your codes and stay active add one machine slot.',
  tags: ['referrals'],
  auth: 'write',
  params: PoolParams,
  response: { status: 201, description: 'The code.', schema: z.object({ referral: ReferralSchema }) },
  errors: [...ACTING, 'VALIDATION_FAILED'],
  async handler({ params, caller, app, req }) {
    const code = await createReferralCode(app, actorOf(caller), { ...params, publicUrl: app.publicUrl ?? origin(req) });
    return { referral: { ...code, createdAt: code.createdAt.toISOString() } };
  },
});

export const listReferralsRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/referral-codes',
  operationId: 'listReferralCodes',
  summary: 'Your referral codes and how many joined and stayed',
  tags: ['referrals'],
  auth: 'read',
  params: PoolParams,
  response: {
    status: 200,
    description: 'Your codes.',
    schema: z.object({ items: z.array(ReferralSchema), joined: z.number().int(), stillActive: z.number().int() }),
  },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_BANNED'],
  async handler({ params, caller, app, req }) {
    const result = await listReferralCodes(app, actorOf(caller), {
      ...params,
      publicUrl: app.publicUrl ?? origin(req),
    });
    return {
      items: result.codes.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
      joined: result.joined,
      stillActive: result.stillActive,
    };
  },
});

export const revokeReferralRoute = defineRoute({
  method: 'delete',
  path: '/pools/{poolId}/referral-codes/{code}',
  operationId: 'revokeReferralCode',
  summary: 'Revoke a referral code (its owner, officers, the pool owner)',
  tags: ['referrals'],
  auth: 'write',
  params: z.object({ poolId: Uuid, code: z.string().regex(/^[A-Za-z0-9]{6,16}$/) }),
  response: { status: 200, description: 'Revoked.', schema: z.object({ code: z.string() }) },
  errors: [...ACTING, 'REFERRAL_CODE_INVALID', 'NOT_AN_OFFICER'],
  async handler({ params, caller, app }) {
    return revokeReferralCode(app, actorOf(caller), params);
  },
});

export const machineRoutes = [
  registerMachineRoute,
  listMachinesRoute,
  machineLimitRoute,
  removeMachineRoute,
  buySlotsRoute,
  createReferralRoute,
  listReferralsRoute,
  revokeReferralRoute,
];
