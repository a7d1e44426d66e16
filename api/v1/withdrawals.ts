import { z } from 'zod';
import { completeWithdrawal } from '../../core/withdrawals/complete-withdrawal.ts';
import { decideWithdrawal } from '../../core/withdrawals/decide-withdrawal.ts';
import { DESTINATION_KINDS } from '../../core/withdrawals/destination.ts';
import { getWithdrawal, listWithdrawals } from '../../core/withdrawals/list-withdrawals.ts';
import { requestWithdrawal } from '../../core/withdrawals/request-withdrawal.ts';
import { defineRoute } from '../rest/route.ts';
import { CursorQuery, decodeCursor, encodeCursor, MicrosIn, Uuid } from '../rest/schemas.ts';
import { WithdrawalSchema, withdrawalJson } from './economy-views.ts';
import { actorOf, page } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const Params = z.object({ withdrawalId: Uuid });
const ACTING = ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'POOL_SUSPENDED'] as const;
const Response = {
  status: 200 as const,
  description: 'The withdrawal as it is now.',
  schema: z.object({ withdrawal: WithdrawalSchema }),
};

export const requestWithdrawalRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/withdrawals',
  operationId: 'requestWithdrawal',
  summary: 'Ask to take money out of the pool (paid by the owner outside the platform)',
  description:
    'Holds the amount and asks the pool’s owner and officers; when the pool’s quorum approves, the withdrawal is confirmed, the owner pays to the destination outside and records the reference, and it completes. Rejection or 3 days without a decision returns the money. Destinations are checked per kind: a TRON or Ethereum address for USDT, a card number (Luhn), an IBAN (mod 97), a PayPal e-mail, or other payment details.',
  tags: ['withdrawals'],
  auth: 'write',
  idempotency: 'required',
  params: PoolParams,
  body: z.strictObject({
    amountMicros: MicrosIn,
    destinationKind: z.enum(DESTINATION_KINDS),
    destination: z.string().min(1).max(200),
  }),
  response: {
    status: 201,
    description: 'The withdrawal, requested.',
    schema: z.object({ withdrawal: WithdrawalSchema }),
  },
  errors: [
    ...ACTING,
    'INSUFFICIENT_FUNDS',
    'INVALID_DESTINATION',
    'RESTRICTED_BY_REPUTATION',
    'IDEMPOTENCY_KEY_REUSED',
  ],
  async handler({ params, body, caller, app, idempotencyKey }) {
    const { withdrawal } = await requestWithdrawal(app, actorOf(caller), {
      poolId: params.poolId,
      ...body,
      idempotencyKey: idempotencyKey as string,
    });
    return { withdrawal: withdrawalJson(withdrawal) };
  },
});

export const listWithdrawalsRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/withdrawals',
  operationId: 'listWithdrawals',
  summary: 'Withdrawals: your own, or everyone’s for officers and the owner',
  tags: ['withdrawals'],
  auth: 'read',
  params: PoolParams,
  query: CursorQuery.extend({ open: z.enum(['true', 'false']).optional() }),
  response: { status: 200, description: 'Newest first.', schema: page(WithdrawalSchema) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER'],
  async handler({ params, query, caller, app }) {
    const rows = await listWithdrawals(app, actorOf(caller), {
      poolId: params.poolId,
      open: query.open === 'true',
      beforeId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(withdrawalJson),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
    };
  },
});

export const getWithdrawalRoute = defineRoute({
  method: 'get',
  path: '/withdrawals/{withdrawalId}',
  operationId: 'getWithdrawal',
  summary: 'One withdrawal and its approvals',
  tags: ['withdrawals'],
  auth: 'read',
  params: Params,
  response: Response,
  errors: ['WITHDRAWAL_NOT_FOUND', 'NOT_A_MEMBER', 'NOT_AN_OFFICER'],
  async handler({ params, caller, app }) {
    return { withdrawal: withdrawalJson(await getWithdrawal(app, actorOf(caller), params)) };
  },
});

const decide = (choice: 'approve' | 'reject') =>
  defineRoute({
    method: 'post',
    path: `/withdrawals/{withdrawalId}/${choice}`,
    operationId: `${choice}Withdrawal`,
    summary:
      choice === 'approve' ? 'Approve a withdrawal (officers and owner)' : 'Reject a withdrawal (officers and owner)',
    description:
      'One vote per person (a repeat changes nothing); the pool’s quorum decides. Nobody decides their own request.',
    tags: ['withdrawals'],
    auth: 'write',
    idempotency: 'optional',
    params: Params,
    response: Response,
    errors: [...ACTING, 'WITHDRAWAL_NOT_FOUND', 'WITHDRAWAL_WRONG_STATE', 'NOT_AN_OFFICER', 'NOT_HOLD_PARTY'],
    async handler({ params, caller, app }) {
      return { withdrawal: withdrawalJson(await decideWithdrawal(app, actorOf(caller), { ...params, choice })) };
    },
  });

export const completeWithdrawalRoute = defineRoute({
  method: 'post',
  path: '/withdrawals/{withdrawalId}/complete',
  operationId: 'completeWithdrawal',
  summary: 'The owner records the outside payment; the withdrawal completes',
  tags: ['withdrawals'],
  auth: 'write',
  idempotency: 'required',
  params: Params,
  body: z.strictObject({ reference: z.string().trim().min(1).max(200) }),
  response: Response,
  errors: [...ACTING, 'WITHDRAWAL_NOT_FOUND', 'WITHDRAWAL_WRONG_STATE', 'NOT_POOL_OWNER'],
  async handler({ params, body, caller, app }) {
    return { withdrawal: withdrawalJson(await completeWithdrawal(app, actorOf(caller), { ...params, ...body })) };
  },
});

export const withdrawalRoutes = [
  requestWithdrawalRoute,
  listWithdrawalsRoute,
  getWithdrawalRoute,
  decide('approve'),
  decide('reject'),
  completeWithdrawalRoute,
];
