import { z } from 'zod';
import { joinPool } from '../../core/members/join-pool.ts';
import { leavePool } from '../../core/members/leave-pool.ts';
import { listMembers } from '../../core/members/list-members.ts';
import { moderateMember } from '../../core/members/moderate-member.ts';
import { setOfficer } from '../../core/members/set-officer.ts';
import { transferOwnership } from '../../core/members/transfer-ownership.ts';
import { defineRoute } from '../rest/route.ts';
import { CursorQuery, decodeCursor, encodeCursor, Uuid } from '../rest/schemas.ts';
import { actorOf, page } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const MemberParams = z.object({ poolId: Uuid, userId: Uuid });
const Role = z.enum(['owner', 'officer', 'member']);
const Status = z.enum(['active', 'left', 'suspended', 'banned']);
const ACTING = ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'POOL_SUSPENDED'] as const;

export const joinPoolRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/join',
  operationId: 'joinPool',
  summary: 'Join a pool (or rejoin one you left)',
  description: 'Private pools need `password`; wrong guesses are limited per person and per pool (429 RATE_LIMITED).',
  tags: ['members'],
  auth: 'write',
  idempotency: 'optional',
  params: PoolParams,
  body: z.strictObject({ password: z.string().max(128).optional(), referralCode: z.string().max(32).optional() }),
  response: {
    status: 200,
    description: 'The caller is a member now.',
    schema: z.object({ poolId: z.uuid(), role: Role, rejoined: z.boolean(), referredByUserId: z.uuid().nullable() }),
  },
  errors: [
    'POOL_NOT_FOUND',
    'POOL_SUSPENDED',
    'ALREADY_A_MEMBER',
    'MEMBER_BANNED',
    'WRONG_POOL_PASSWORD',
    'RATE_LIMITED',
    'REFERRAL_CODE_INVALID',
  ],
  async handler({ params, body, caller, app }) {
    return joinPool(app, actorOf(caller), { poolId: params.poolId, ...body });
  },
});

export const leavePoolRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/leave',
  operationId: 'leavePool',
  summary: 'Leave a pool (your balance stays yours)',
  tags: ['members'],
  auth: 'write',
  params: PoolParams,
  response: { status: 200, description: 'The caller left.', schema: z.object({ poolId: z.uuid() }) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_BANNED', 'OWNER_CANNOT_LEAVE'],
  async handler({ params, caller, app }) {
    return leavePool(app, actorOf(caller), params);
  },
});

const MemberSchema = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  role: Role,
  status: Status,
  joinedAt: z.iso.datetime(),
  leftChats: z.array(z.enum(['discord', 'telegram'])),
});

export const listMembersRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/members',
  operationId: 'listMembers',
  summary: 'The pool’s members',
  tags: ['members'],
  auth: 'read',
  params: PoolParams,
  query: CursorQuery,
  response: { status: 200, description: 'One page of members.', schema: page(MemberSchema) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_BANNED'],
  async handler({ params, query, caller, app }) {
    const rows = await listMembers(app, actorOf(caller), {
      poolId: params.poolId,
      afterUserId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit).map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.userId) : null };
  },
});

export const setRoleRoute = defineRoute({
  method: 'put',
  path: '/pools/{poolId}/members/{userId}/role',
  operationId: 'setMemberRole',
  summary: 'Appoint an officer or return one to member (owner)',
  tags: ['members'],
  auth: 'write',
  params: MemberParams,
  body: z.strictObject({ role: z.enum(['officer', 'member']) }),
  response: {
    status: 200,
    description: 'The member’s role now.',
    schema: z.object({ userId: z.uuid(), role: Role, changed: z.boolean() }),
  },
  errors: [...ACTING, 'NOT_POOL_OWNER', 'MEMBER_NOT_FOUND', 'ROLE_CHANGE_NOT_ALLOWED'],
  async handler({ params, body, caller, app }) {
    return setOfficer(app, actorOf(caller), { ...params, officer: body.role === 'officer' });
  },
});

export const moderateRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/members/{userId}/moderation',
  operationId: 'moderateMember',
  summary: 'Suspend, ban or lift either (officers and the owner)',
  tags: ['members'],
  auth: 'write',
  params: MemberParams,
  body: z.strictObject({
    action: z.enum(['suspend', 'unsuspend', 'ban', 'unban']),
    reason: z.string().max(500).optional(),
  }),
  response: {
    status: 200,
    description: 'The member’s status now.',
    schema: z.object({ userId: z.uuid(), status: Status }),
  },
  errors: [...ACTING, 'NOT_AN_OFFICER', 'MEMBER_NOT_FOUND', 'ROLE_CHANGE_NOT_ALLOWED', 'VALIDATION_FAILED'],
  async handler({ params, body, caller, app }) {
    return moderateMember(app, actorOf(caller), { ...params, ...body });
  },
});

export const transferOwnershipRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/ownership',
  operationId: 'transferOwnership',
  summary: 'Hand the pool to another member (owner); you stay on as an officer',
  tags: ['members'],
  auth: 'write',
  params: PoolParams,
  body: z.strictObject({ toUserId: Uuid }),
  response: {
    status: 200,
    description: 'The new owner.',
    schema: z.object({ poolId: z.uuid(), ownerUserId: z.uuid(), previousOwnerUserId: z.uuid() }),
  },
  errors: [...ACTING, 'NOT_POOL_OWNER', 'MEMBER_NOT_FOUND', 'ROLE_CHANGE_NOT_ALLOWED'],
  async handler({ params, body, caller, app }) {
    return transferOwnership(app, actorOf(caller), { poolId: params.poolId, toUserId: body.toUserId });
  },
});

export const memberRoutes = [
  joinPoolRoute,
  leavePoolRoute,
  listMembersRoute,
  setRoleRoute,
  moderateRoute,
  transferOwnershipRoute,
];
