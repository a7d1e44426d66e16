/**
 * The REST v1 contract end to end: real HTTP against the Express app, a real PostgreSQL and Redis-free defaults.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
let api: TestApi;
before(async () => {
  db = await createTestDatabase();
  api = await startApi(db);
});
after(async () => {
  await api.close();
  await db.close();
});

interface PoolJson {
  pool: { id: string; currency: string; type: string; memberCount: number; settings: { holdTimeoutSeconds: number } };
}
interface HoldJson {
  hold: { id: string; amountMicros: string; kind: string; timeoutAt: string };
}

describe('pools, membership and money over HTTP', () => {
  test('create a pool, join it, hold, replay, release in part, page the ledger and verify', async () => {
    const owner = await api.user('owner-1');
    const alice = await api.user('alice-1');
    const bob = await api.user('bob-1');
    const created = await api.call<PoolJson>('POST', '/api/v1/pools', {
      token: owner.token,
      body: { name: 'GPU Guild', type: 'public' },
    });
    assert.equal(created.status, 201);
    const poolId = created.body.pool.id;
    for (const member of [alice, bob]) {
      const joined = await api.call('POST', `/api/v1/pools/${poolId}/join`, { token: member.token, body: {} });
      assert.equal(joined.status, 200, JSON.stringify(joined.body));
    }
    await fund(db, { poolId, currency: created.body.pool.currency }, alice.userId, 10_000_000n);

    const holdBody = { amountMicros: '4000000', payeeUserId: bob.userId, memo: 'render job', timeoutSeconds: 600 };
    const hold = await api.call<HoldJson>('POST', `/api/v1/pools/${poolId}/holds`, {
      token: alice.token,
      body: holdBody,
      key: 'hold-1',
    });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    assert.equal(hold.body.hold.kind, 'pending');
    assert.equal(hold.body.hold.amountMicros, '4000000');
    const replay = await api.call<HoldJson>('POST', `/api/v1/pools/${poolId}/holds`, {
      token: alice.token,
      body: holdBody,
      key: 'hold-1',
    });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, hold.body);
    const reused = await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
      token: alice.token,
      body: { ...holdBody, amountMicros: '5000000' },
      key: 'hold-1',
    });
    assert.equal(reused.status, 409);
    assert.equal(reused.problem?.code, 'IDEMPOTENCY_KEY_REUSED');

    const balance = await api.call<{ availableMicros: string; pendingMicros: string }>(
      'GET',
      `/api/v1/pools/${poolId}/balance`,
      { token: alice.token },
    );
    assert.deepEqual(balance.body, { postedMicros: '10000000', pendingMicros: '4000000', availableMicros: '6000000' });

    // Bob is the payee: he may not release; Alice (the payer) may, in part.
    const notYours = await api.call('POST', `/api/v1/holds/${hold.body.hold.id}/release`, {
      token: bob.token,
      body: {},
      key: 'rel-bob',
    });
    assert.equal(notYours.problem?.code, 'NOT_HOLD_PARTY');
    const release = await api.call<{
      posted: { amountMicros: string };
      fee: { amountMicros: string };
      returnedMicros: string;
    }>('POST', `/api/v1/holds/${hold.body.hold.id}/release`, {
      token: alice.token,
      body: { amountMicros: '3000000' },
      key: 'rel-1',
    });
    assert.equal(release.status, 200, JSON.stringify(release.body));
    assert.equal(release.body.posted.amountMicros, '2700000');
    assert.equal(release.body.fee.amountMicros, '300000');
    assert.equal(release.body.returnedMicros, '1000000');
    const again = await api.call('POST', `/api/v1/holds/${hold.body.hold.id}/void`, {
      token: bob.token,
      body: {},
      key: 'void-1',
    });
    assert.equal(again.problem?.code, 'HOLD_ALREADY_POSTED');
    const bobBalance = await api.call('GET', `/api/v1/pools/${poolId}/balance`, { token: bob.token });
    assert.deepEqual(bobBalance.body, { postedMicros: '2700000', pendingMicros: '0', availableMicros: '2700000' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/v1/pools/${poolId}/ledger?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.call<{ items: { id: string }[]; nextCursor: string | null }>('GET', path, {
        token: bob.token,
      });
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    // The deposit's two legs (outside world → custodial wallet → Alice), hold, post, fee: newest first, each once.
    assert.equal(seen.length, 5);
    assert.deepEqual([...seen].sort().reverse(), seen);
    const verify = await api.call<{ ok: boolean }>('GET', `/api/v1/pools/${poolId}/ledger/verify`, {
      token: bob.token,
    });
    assert.equal(verify.body.ok, true);

    const me = await api.call<{ pools: { poolId: string; role: string }[] }>('GET', '/api/v1/me', {
      token: owner.token,
    });
    assert.deepEqual(
      me.body.pools.map((p) => [p.poolId, p.role]),
      [[poolId, 'owner']],
    );
  });

  test('refusals are problem+json with stable codes and change nothing', async () => {
    const owner = await api.user('owner-2');
    const outsider = await api.user('outsider-2');
    const reader = await api.user('reader-2', ['read']);
    const { body } = await api.call<PoolJson>('POST', '/api/v1/pools', {
      token: owner.token,
      body: { name: 'Strict', type: 'private', password: 'members only' },
    });
    const poolId = body.pool.id;
    const cases: [string, Awaited<ReturnType<TestApi['call']>>, number, string][] = [
      ['no token', await api.call('GET', `/api/v1/pools/${poolId}/balance`, {}), 401, 'UNAUTHENTICATED'],
      [
        'read-only token writes',
        await api.call('POST', `/api/v1/pools/${poolId}/join`, { token: reader.token, body: {} }),
        403,
        'INSUFFICIENT_SCOPE',
      ],
      [
        'outsider reads the ledger',
        await api.call('GET', `/api/v1/pools/${poolId}/ledger`, { token: outsider.token }),
        403,
        'NOT_A_MEMBER',
      ],
      [
        'wrong password',
        await api.call('POST', `/api/v1/pools/${poolId}/join`, {
          token: outsider.token,
          body: { password: 'letmein!!' },
        }),
        403,
        'WRONG_POOL_PASSWORD',
      ],
      [
        'hold without a key',
        await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
          token: owner.token,
          body: { amountMicros: '1', payeeUserId: outsider.userId },
        }),
        400,
        'IDEMPOTENCY_KEY_REQUIRED',
      ],
      [
        'fractional amount',
        await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
          token: owner.token,
          key: 'k1',
          body: { amountMicros: '1.5', payeeUserId: outsider.userId },
        }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'number instead of string',
        await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
          token: owner.token,
          key: 'k2',
          body: { amountMicros: 5, payeeUserId: outsider.userId },
        }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'unknown field',
        await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
          token: owner.token,
          key: 'k3',
          body: { amountMicros: '5', payeeUserId: outsider.userId, extra: 1 },
        }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'payee not a member',
        await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
          token: owner.token,
          key: 'k4',
          body: { amountMicros: '5', payeeUserId: outsider.userId },
        }),
        404,
        'MEMBER_NOT_FOUND',
      ],
      [
        'unknown pool',
        await api.call('GET', '/api/v1/pools/01900000-0000-7000-8000-00000000abcd', { token: owner.token }),
        404,
        'POOL_NOT_FOUND',
      ],
      ['bad uuid', await api.call('GET', '/api/v1/pools/not-a-uuid', { token: owner.token }), 400, 'VALIDATION_FAILED'],
      [
        'officer changes the platform fee',
        await api.call('PATCH', '/api/v1/platform/settings', { token: owner.token, body: { platformFeeBps: 1 } }),
        403,
        'INSUFFICIENT_SCOPE',
      ],
    ];
    for (const [name, response, status, code] of cases) {
      assert.equal(response.status, status, `${name}: ${JSON.stringify(response.body)}`);
      assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/problem+json', name);
      assert.equal(response.problem?.code, code, name);
    }
    const report = await verifyLedger(db.ctx, {});
    assert.equal(report.ok, true);
  });

  test('the OpenAPI document lists the v1 contract and the docs page renders', async () => {
    const doc = await api.call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/openapi.json',
      {},
    );
    assert.equal(doc.status, 200);
    assert.match(doc.body.openapi, /^3\.1\./);
    const expected: [string, string][] = [
      ['get', '/api/v1/me'],
      ['post', '/api/v1/pools'],
      ['get', '/api/v1/pools/{poolId}'],
      ['post', '/api/v1/pools/{poolId}/join'],
      ['get', '/api/v1/pools/{poolId}/balance'],
      ['post', '/api/v1/pools/{poolId}/holds'],
      ['post', '/api/v1/holds/{holdId}/release'],
      ['post', '/api/v1/holds/{holdId}/void'],
      ['get', '/api/v1/pools/{poolId}/ledger'],
      ['get', '/api/v1/pools/{poolId}/ledger/verify'],
      ['get', '/api/v1/pools/{poolId}/members'],
      ['post', '/api/v1/pools/{poolId}/machines'],
      ['get', '/api/v1/pools/{poolId}/machines'],
      ['post', '/api/v1/pools/{poolId}/referral-codes'],
    ];
    for (const [method, path] of expected) assert.ok(doc.body.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
    const docs = await fetch(`${api.url}/api/docs`);
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
    const html = await docs.text();
    assert.match(html, /\/api\/v1\/pools\/\{poolId\}\/holds/);
    assert.match(html, /INSUFFICIENT_FUNDS/);
  });
});
