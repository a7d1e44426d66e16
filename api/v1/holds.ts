import { z } from 'zod';
import { createMemberHold } from '../../core/holds/create-member-hold.ts';
import { getBalance, listPoolLedger, verifyPoolLedger } from '../../core/holds/pool-reads.ts';
import { releaseMemberHold, voidMemberHold } from '../../core/holds/resolve-member-hold.ts';
import { defineRoute } from '../rest/route.ts';
import { CursorQuery, decodeCursor, encodeCursor, MicrosIn, MicrosOut, Uuid } from '../rest/schemas.ts';
import { actorOf, balanceJson, BalanceSchema, page, transferJson, TransferSchema } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const HoldParams = z.object({ holdId: Uuid });
const Memo = z.string().max(500);
const HOLD_ERRORS = [
  'HOLD_NOT_FOUND',
  'HOLD_ALREADY_POSTED',
  'HOLD_ALREADY_VOIDED',
  'HOLD_EXPIRED',
  'NOT_HOLD_PARTY',
  'NOT_A_MEMBER',
  'MEMBER_SUSPENDED',
  'MEMBER_BANNED',
  'POOL_SUSPENDED',
  'IDEMPOTENCY_KEY_REUSED',
] as const;

export const balanceRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/balance',
  operationId: 'getBalance',
  summary: 'The caller’s balance in the pool',
  description: 'available = posted − pending (what holds reserve).',
  tags: ['money'],
  auth: 'read',
  params: PoolParams,
  response: { status: 200, description: 'Amounts in micros of the pool currency.', schema: BalanceSchema },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER'],
  async handler({ params, caller, app }) {
    return balanceJson(await getBalance(app, actorOf(caller), params));
  },
});

export const createHoldRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/holds',
  operationId: 'createHold',
  summary: 'Reserve part of your balance in favour of another member (escrow)',
  description: 'Omit `timeoutSeconds` for the pool’s default. The hold is released, voided, or expires at its timeout.',
  tags: ['money'],
  auth: 'write',
  idempotency: 'required',
  replayFrom: 'ledger',
  params: PoolParams,
  body: z.strictObject({
    amountMicros: MicrosIn,
    payeeUserId: Uuid,
    memo: Memo.optional(),
    timeoutSeconds: z.int().min(1).max(31_536_000).optional(),
  }),
  response: { status: 201, description: 'The hold (a pending transfer).', schema: z.object({ hold: TransferSchema }) },
  errors: [
    'POOL_NOT_FOUND',
    'NOT_A_MEMBER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'POOL_SUSPENDED',
    'MEMBER_NOT_FOUND',
    'SAME_ACCOUNT',
    'INSUFFICIENT_FUNDS',
    'INVALID_AMOUNT',
    'INVALID_TIMEOUT',
    'IDEMPOTENCY_KEY_REUSED',
  ],
  async handler({ params, body, caller, app, idempotencyKey, res }) {
    const { hold, replayed } = await createMemberHold(app, actorOf(caller), {
      poolId: params.poolId,
      ...body,
      idempotencyKey: idempotencyKey as string,
    });
    if (replayed) res.set('Idempotent-Replayed', 'true');
    return { hold: transferJson(hold) };
  },
});

export const releaseHoldRoute = defineRoute({
  method: 'post',
  path: '/holds/{holdId}/release',
  operationId: 'releaseHold',
  summary: 'Release a hold to the payee (payer, officers, owner)',
  description:
    'Omit `amountMicros` for the whole hold; less releases part and returns the rest. The payee receives the released amount less the platform fee.',
  tags: ['money'],
  auth: 'write',
  idempotency: 'required',
  replayFrom: 'ledger',
  params: HoldParams,
  body: z.strictObject({ amountMicros: MicrosIn.optional(), memo: Memo.optional() }),
  response: {
    status: 200,
    description: 'What moved.',
    schema: z.object({
      holdId: z.uuid(),
      posted: TransferSchema,
      fee: TransferSchema.nullable(),
      returnedMicros: MicrosOut,
    }),
  },
  errors: [...HOLD_ERRORS, 'HOLD_AMOUNT_EXCEEDED', 'INVALID_AMOUNT'],
  async handler({ params, body, caller, app, idempotencyKey, res }) {
    const result = await releaseMemberHold(app, actorOf(caller), {
      holdId: params.holdId,
      ...body,
      idempotencyKey: idempotencyKey as string,
    });
    if (result.replayed) res.set('Idempotent-Replayed', 'true');
    return {
      holdId: params.holdId,
      posted: transferJson(result.posted),
      fee: result.fee ? transferJson(result.fee) : null,
      returnedMicros: result.returnedMicros.toString(),
    };
  },
});

export const voidHoldRoute = defineRoute({
  method: 'post',
  path: '/holds/{holdId}/void',
  operationId: 'voidHold',
  summary: 'Cancel a hold: everything returns to the payer (payee, officers, owner)',
  tags: ['money'],
  auth: 'write',
  idempotency: 'required',
  replayFrom: 'ledger',
  params: HoldParams,
  body: z.strictObject({ memo: Memo.optional() }).optional(),
  response: {
    status: 200,
    description: 'The voiding transfer.',
    schema: z.object({ holdId: z.uuid(), voided: TransferSchema }),
  },
  errors: [...HOLD_ERRORS],
  async handler({ params, body, caller, app, idempotencyKey, res }) {
    const result = await voidMemberHold(app, actorOf(caller), {
      holdId: params.holdId,
      memo: body?.memo,
      idempotencyKey: idempotencyKey as string,
    });
    if (result.replayed) res.set('Idempotent-Replayed', 'true');
    return { holdId: params.holdId, voided: transferJson(result.voided) };
  },
});

export const ledgerRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/ledger',
  operationId: 'listLedger',
  summary: 'The pool’s transfers, newest first',
  tags: ['money'],
  auth: 'read',
  params: PoolParams,
  query: CursorQuery,
  response: { status: 200, description: 'One page of transfers.', schema: page(TransferSchema) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_BANNED'],
  async handler({ params, query, caller, app }) {
    const rows = await listPoolLedger(app, actorOf(caller), {
      poolId: params.poolId,
      beforeId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(transferJson),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
    };
  },
});

export const verifyRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/ledger/verify',
  operationId: 'verifyLedger',
  summary: 'Recompute the pool’s balances and walk its hash chains against the checkpoints',
  tags: ['money'],
  auth: 'read',
  params: PoolParams,
  response: {
    status: 200,
    description: '`ok` is true when every balance, chain and checkpoint agrees.',
    schema: z.object({
      ok: z.boolean(),
      poolId: z.uuid().nullable(),
      accountsChecked: z.number().int(),
      balanceMismatches: z.array(z.object({ accountId: z.uuid() }).loose()),
      currencyImbalances: z.array(
        z.object({ currency: z.string(), postedMicros: z.string(), pendingMicros: z.string() }),
      ),
      violations: z.array(z.string()),
      chains: z.array(
        z.object({
          poolId: z.uuid(),
          lane: z.number().int(),
          transfersChecked: z.number().int(),
          lastSeq: z.string(),
          lastHash: z.string(),
          brokenAtSeq: z.string().nullable(),
          checkpointsChecked: z.number().int(),
          checkpointMismatches: z.array(z.string()),
        }),
      ),
    }),
  },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_BANNED'],
  async handler({ params, caller, app }) {
    const report = await verifyPoolLedger(app, actorOf(caller), params);
    return {
      ...report,
      balanceMismatches: report.balanceMismatches.map((m) => ({
        accountId: m.accountId,
        stored: Object.fromEntries(Object.entries(m.stored).map(([k, v]) => [k, v.toString()])),
        computed: Object.fromEntries(Object.entries(m.computed).map(([k, v]) => [k, v.toString()])),
      })),
    };
  },
});

export const holdRoutes = [balanceRoute, createHoldRoute, releaseHoldRoute, voidHoldRoute, ledgerRoute, verifyRoute];
