import { z } from 'zod';
import { getDispute, listDisputes } from '../../core/disputes/get-dispute.ts';
import { addDisputeStatement, openDispute } from '../../core/disputes/open-dispute.ts';
import { voteOnDispute } from '../../core/disputes/vote-dispute.ts';
import { defineRoute } from '../rest/route.ts';
import { MicrosIn, Uuid } from '../rest/schemas.ts';
import { DisputeSchema, disputeJson } from './economy-views.ts';
import { actorOf } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const Params = z.object({ disputeId: Uuid });
const ACTING = ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'POOL_SUSPENDED'] as const;
const One = z.object({ dispute: DisputeSchema });

export const openDisputeRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/disputes',
  operationId: 'openDispute',
  summary: 'Dispute a deal (its buyer or seller)',
  description:
    'Within the pool’s dispute window, while the deal’s money is held. The money moves to the pool’s escrow until the owner and officers (not the parties) decide by the pool’s quorum: full refund, partial refund, or payout to the seller.',
  tags: ['disputes'],
  auth: 'write',
  idempotency: 'optional',
  params: PoolParams,
  body: z.strictObject({ dealId: Uuid, statement: z.string().trim().min(1).max(2000) }),
  response: { status: 201, description: 'The dispute, open.', schema: One },
  errors: [
    ...ACTING,
    'DEAL_NOT_FOUND',
    'DEAL_WRONG_STATE',
    'NOT_DEAL_PARTY',
    'DISPUTE_WINDOW_CLOSED',
    'DISPUTE_ALREADY_OPEN',
  ],
  async handler({ params, body, caller, app }) {
    const dispute = await openDispute(app, actorOf(caller), body);
    if (dispute.poolId !== params.poolId) throw new Error('deal of another pool');
    return { dispute: disputeJson(dispute) };
  },
});

export const listDisputesRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/disputes',
  operationId: 'listDisputes',
  summary: 'The pool’s disputes, open first (officers and owner)',
  tags: ['disputes'],
  auth: 'read',
  params: PoolParams,
  query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
  response: { status: 200, description: 'Disputes.', schema: z.object({ items: z.array(DisputeSchema) }) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'NOT_AN_OFFICER'],
  async handler({ params, query, caller, app }) {
    return { items: (await listDisputes(app, actorOf(caller), { ...params, ...query })).map(disputeJson) };
  },
});

export const getDisputeRoute = defineRoute({
  method: 'get',
  path: '/disputes/{disputeId}',
  operationId: 'getDispute',
  summary: 'A dispute with its evidence, statements and votes',
  tags: ['disputes'],
  auth: 'read',
  params: Params,
  response: { status: 200, description: 'The dispute.', schema: One },
  errors: ['DISPUTE_NOT_FOUND', 'NOT_A_MEMBER', 'NOT_AN_OFFICER'],
  async handler({ params, caller, app }) {
    return { dispute: disputeJson(await getDispute(app, actorOf(caller), params)) };
  },
});

export const disputeStatementRoute = defineRoute({
  method: 'post',
  path: '/disputes/{disputeId}/statements',
  operationId: 'addDisputeStatement',
  summary: 'Add your side to an open dispute (its parties)',
  tags: ['disputes'],
  auth: 'write',
  idempotency: 'optional',
  params: Params,
  body: z.strictObject({ text: z.string().trim().min(1).max(2000) }),
  response: { status: 201, description: 'The dispute.', schema: One },
  errors: ['DISPUTE_NOT_FOUND', 'DISPUTE_WRONG_STATE', 'NOT_DEAL_PARTY'],
  async handler({ params, body, caller, app }) {
    return { dispute: disputeJson(await addDisputeStatement(app, actorOf(caller), { ...params, ...body })) };
  },
});

export const voteDisputeRoute = defineRoute({
  method: 'post',
  path: '/disputes/{disputeId}/votes',
  operationId: 'voteOnDispute',
  summary: 'Vote on a dispute (officers and owner who are not parties)',
  description:
    'One vote each; a repeat changes nothing (`result: already-voted`). When the quorum agrees the settlement posts at once; partial refunds settle at the lower median of the amounts voted.',
  tags: ['disputes'],
  auth: 'write',
  idempotency: 'optional',
  params: Params,
  body: z.strictObject({
    outcome: z.enum(['refund_full', 'refund_partial', 'payout']),
    refundMicros: MicrosIn.optional(),
  }),
  response: {
    status: 200,
    description: 'The dispute after the vote.',
    schema: z.object({
      result: z.enum(['counted', 'already-voted', 'resolved']),
      quorum: z.number().int(),
      dispute: DisputeSchema,
    }),
  },
  errors: [
    ...ACTING,
    'DISPUTE_NOT_FOUND',
    'DISPUTE_WRONG_STATE',
    'DISPUTE_PARTY_CANNOT_VOTE',
    'NOT_AN_OFFICER',
    'INVALID_AMOUNT',
  ],
  async handler({ params, body, caller, app }) {
    const result = await voteOnDispute(app, actorOf(caller), { ...params, ...body });
    return { result: result.kind, quorum: result.quorum, dispute: disputeJson(result.dispute) };
  },
});

export const disputeRoutes = [
  openDisputeRoute,
  listDisputesRoute,
  getDisputeRoute,
  disputeStatementRoute,
  voteDisputeRoute,
];
