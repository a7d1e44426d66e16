/**
 * Property test of every REST v1 operation: requests that are wrong in some way — malformed bodies, wrong types, huge,
 * negative and fractional amounts, unknown fields, bad ids, missing headers — always get a 4xx problem+json answer,
 * never a 5xx, and change nothing: the ledger, pools and memberships are the same afterwards and verify clean.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import type { AnyRoute } from '../api/rest/route.ts';
import { v1Routes } from '../api/v1/index.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
let api: TestApi;
let ids: Record<string, string>;
let token: string;

before(async () => {
  db = await createTestDatabase();
  api = await startApi(db);
  const owner = await api.user('fuzz-owner', ['read', 'write', 'admin']);
  const member = await api.user('fuzz-member');
  token = owner.token;
  const created = await api.call<{ pool: { id: string } }>('POST', '/api/v1/pools', {
    token,
    body: { name: 'Fuzz', type: 'public' },
  });
  const poolId = created.body.pool.id;
  await api.call('POST', `/api/v1/pools/${poolId}/join`, { token: member.token, body: {} });
  await fund(db, { poolId, currency: 'PRC' }, owner.userId, 10_000_000n);
  const hold = await api.call<{ hold: { id: string } }>('POST', `/api/v1/pools/${poolId}/holds`, {
    token,
    key: 'fuzz-setup',
    body: { amountMicros: '1000', payeeUserId: member.userId },
  });
  ids = {
    poolId,
    holdId: hold.body.hold.id,
    userId: member.userId,
    machineId: '01900000-0000-7000-8000-000000000001',
    tokenId: '01900000-0000-7000-8000-000000000002',
    platform: 'telegram',
    code: 'ABCDEFGH',
  };
});
after(async () => {
  await api.close();
  await db.close();
});

/** What must not change, read in one go. */
async function snapshot(): Promise<string> {
  const tables = ['ledger_transfers', 'ledger_accounts', 'pools', 'pool_members', 'machines', 'referral_codes'];
  const parts = await Promise.all(
    tables.map(async (table) => {
      const { rows } = await db.pool.query(`select * from ${table} order by 1`);
      return `${table}:${JSON.stringify(rows)}`;
    }),
  );
  return parts.join('\n');
}

/** Values that are wrong for almost any field, with the amount-shaped ones people actually send. */
const junk = fc.oneof(
  fc.constantFrom('-1', '0', '1.5', '1e6', ' 1', '01', '0x10', '99999999999999999999', '9223372036854775808', '', '١٢'),
  fc.constantFrom(-1, 0, 1.5, 1e30, Number.MAX_SAFE_INTEGER, -0, 2 ** 63),
  fc.constantFrom(null, true, false, [], {}, [1], { nested: { deep: 1 } }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

const pathOf = (route: AnyRoute, params: Record<string, string>) =>
  `/api/v1${route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''))}`;

const validParams = (route: AnyRoute): Record<string, string> => {
  const params: Record<string, string> = {};
  for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
    const name = match[1] ?? '';
    params[name] = ids[name] ?? '';
  }
  return params;
};

/** A request that is wrong by construction (checked against the route's own schemas), or lacks a header it needs. */
function badRequest(route: AnyRoute) {
  const shape = route.body instanceof z.ZodObject ? Object.keys(route.body.shape) : [];
  const bodies = fc
    .oneof(
      // One field of an otherwise plausible body replaced by junk, or an unknown field added.
      fc
        .record({ key: fc.constantFrom(...(shape.length ? shape : ['x']), '__unknown'), value: junk })
        .map(({ key, value }) => ({ [key]: value })),
      // Anything at all as the body.
      fc.jsonValue({ maxDepth: 3 }),
      junk,
    )
    .filter((body) => route.body === undefined || !route.body.safeParse(body).success);
  const params = fc.oneof(
    fc.constant(validParams(route)),
    fc
      .record({
        name: fc.constantFrom(...Object.keys(validParams(route)), 'none'),
        value: fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.constantFrom('00000000-0000-0000-0000-00000000000g', '%00', '..', 'null'),
        ),
      })
      .map(({ name, value }) => ({ ...validParams(route), [name]: value }))
      .filter((p) => route.params === undefined || !route.params.safeParse(p).success),
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.constantFrom(
      '?limit=0',
      '?limit=101',
      '?limit=abc',
      '?cursor=%%%',
      '?cursor=djE6bm90LWEtdXVpZA',
      '?limit=1&limit=2',
      '?userId=x',
    ),
  );
  const headers = fc.record({
    auth: fc.constantFrom('token', 'none', 'garbage'),
    key: fc.constantFrom('fresh', 'none', 'bad'),
    raw: fc.boolean(),
  });
  return fc.record({ body: bodies, params, query, headers }).filter(({ params: p, query: q, headers: h, body }) => {
    // Keep only requests that are certainly wrong: no credential, a bad key, bad params or query, or a bad body.
    const badParams = route.params !== undefined && !route.params.safeParse(p).success;
    const badQuery = q !== '' && route.query !== undefined;
    const noKey = route.idempotency === 'required' && h.key !== 'fresh';
    const badBody = route.body !== undefined && !route.body.safeParse(body).success;
    const badKey = route.idempotency !== undefined && h.key === 'bad';
    return h.auth !== 'token' || badKey || badParams || badQuery || noKey || badBody;
  });
}

const routes = v1Routes.filter((route) => route.auth !== 'none');

test('every operation answers wrong requests with a 4xx problem and changes nothing', async () => {
  const before = await snapshot();
  let requests = 0;
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(badRequest(route), async ({ body, params, query, headers }) => {
        const path = `${pathOf(route, params)}${route.method === 'get' ? query : ''}`;
        const sent: Record<string, string> = {};
        if (headers.auth === 'token') sent.authorization = `Bearer ${token}`;
        if (headers.auth === 'garbage') sent.authorization = 'Bearer pr_garbage';
        if (headers.key === 'fresh') sent['idempotency-key'] = `fuzz-${requests}`;
        if (headers.key === 'bad') sent['idempotency-key'] = 'has spaces in it';
        const hasBody = route.method !== 'get' && route.method !== 'delete';
        const answer = await fetch(`${api.url}${path}`, {
          method: route.method.toUpperCase(),
          headers: { ...sent, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
          body: hasBody ? (headers.raw && typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
        });
        requests += 1;
        const text = await answer.text();
        assert.ok(answer.status >= 400 && answer.status < 500, `${route.method} ${path} → ${answer.status} ${text}`);
        assert.equal(answer.headers.get('content-type')?.split(';')[0], 'application/problem+json', text);
        const problem = JSON.parse(text) as { code?: unknown; status?: unknown };
        assert.equal(typeof problem.code, 'string');
        assert.equal(problem.status, answer.status);
      }),
      { numRuns: 25, seed: 20261123 },
    );
  }
  assert.ok(requests >= routes.length * 25);
  assert.equal(await snapshot(), before, 'a refused request changed stored state');
  const report = await verifyLedger(db.ctx, {});
  assert.equal(report.ok, true);
});
