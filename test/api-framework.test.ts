/**
 * The HTTP layer itself: authentication, scopes, the bots' service credential, idempotency, rate limits and the
 * problem answers for malformed requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { revokeAccessToken } from '../core/auth/tokens.ts';
import { fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVICE_TOKEN = 'service-token-for-tests-0123456789abcdef';

let db: TestDatabase;
let api: TestApi;
before(async () => {
  db = await createTestDatabase();
  api = await startApi(db, { serviceToken: SERVICE_TOKEN });
});
after(async () => {
  await api.close();
  await db.close();
});

async function pool(tag: string) {
  const owner = await api.user(`owner-${tag}`);
  const member = await api.user(`member-${tag}`);
  const created = await api.call<{ pool: { id: string } }>('POST', '/api/v1/pools', {
    token: owner.token,
    body: { name: `Pool ${tag}`, type: 'public' },
  });
  const poolId = created.body.pool.id;
  await api.call('POST', `/api/v1/pools/${poolId}/join`, { token: member.token, body: {} });
  await fund(db, { poolId, currency: 'PRC' }, member.userId, 10_000_000n);
  return { poolId, owner, member };
}

describe('authentication', () => {
  test('tokens: unknown, malformed and revoked ones are 401 with WWW-Authenticate', async () => {
    const someone = await api.user('auth-1');
    assert.equal((await api.call('GET', '/api/v1/me', { token: someone.token })).status, 200);
    for (const header of ['Bearer pr_nope', 'Basic abc', 'Bearer', `Bearer ${someone.token} extra`]) {
      const answer = await api.call('GET', '/api/v1/me', { headers: { authorization: header } });
      assert.equal(answer.status, 401, header);
      assert.equal(answer.problem?.code, 'UNAUTHENTICATED');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    const tokens = await api.call<{ items: { tokenId: string }[] }>('GET', '/api/v1/me/tokens', {
      token: someone.token,
    });
    const tokenId = tokens.body.items[0]?.tokenId;
    assert.ok(tokenId);
    assert.equal(await revokeAccessToken(db.orm.em.fork(), someone.userId, tokenId), true);
    assert.equal((await api.call('GET', '/api/v1/me', { token: someone.token })).problem?.code, 'UNAUTHENTICATED');
  });

  test('a new token cannot carry more scopes than the one that made it', async () => {
    const writer = await api.user('auth-2');
    const made = await api.call<{ token: string }>('POST', '/api/v1/me/tokens', {
      token: writer.token,
      body: { name: 'ci', scopes: ['read'] },
    });
    assert.equal(made.status, 201);
    assert.equal((await api.call('GET', '/api/v1/me', { token: made.body.token })).status, 200);
    const escalate = await api.call('POST', '/api/v1/me/tokens', {
      token: writer.token,
      body: { name: 'x', scopes: ['admin'] },
    });
    assert.equal(escalate.problem?.code, 'INSUFFICIENT_SCOPE');
  });

  test('the service credential acts for the user or chat identity it names, and for nobody otherwise', async () => {
    const person = await api.user('service-target');
    await db.pool.query(
      "insert into user_identities (platform, external_id, user_id) values ('telegram', '424242', $1)",
      [person.userId],
    );
    const service = { authorization: `Bearer ${SERVICE_TOKEN}` };
    const byId = await api.call<{ userId: string }>('GET', '/api/v1/me', {
      headers: { ...service, 'x-acting-user': person.userId },
    });
    assert.equal(byId.body.userId, person.userId);
    const byIdentity = await api.call<{ userId: string }>('GET', '/api/v1/me', {
      headers: { ...service, 'x-acting-identity': 'telegram:424242' },
    });
    assert.equal(byIdentity.body.userId, person.userId);
    for (const headers of [
      service,
      { ...service, 'x-acting-identity': 'telegram:1' },
      { ...service, 'x-acting-user': 'not-a-uuid' },
      { authorization: `Bearer ${SERVICE_TOKEN.slice(0, -1)}x`, 'x-acting-user': person.userId },
    ]) {
      const refused = await api.call('GET', '/api/v1/me', { headers });
      assert.equal(refused.status, 401, JSON.stringify(headers));
    }
  });
});

describe('idempotency', () => {
  test('concurrent requests with one key run once; the rest replay or are told to retry', async () => {
    const { poolId, owner, member } = await pool('idem-1');
    const body = { amountMicros: '1000', payeeUserId: owner.userId };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        api.call<{ hold: { id: string } }>('POST', `/api/v1/pools/${poolId}/holds`, {
          token: member.token,
          key: 'same',
          body,
        }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    assert.ok(created.length >= 1);
    assert.equal(new Set(created.map((a) => a.body.hold.id)).size, 1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      assert.equal(a.problem?.code, 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
      assert.equal(a.headers.get('retry-after'), '1');
    }
    const { rows } = await db.pool.query<{ n: number }>(
      "select count(*)::int as n from ledger_transfers where pool_id = $1 and kind = 'pending'",
      [poolId],
    );
    assert.equal(rows[0]?.n, 1);
  });

  test('a refused request keeps no record: the same key works once the cause is fixed', async () => {
    const { poolId, owner, member } = await pool('idem-2');
    const body = { amountMicros: '20000000', payeeUserId: owner.userId };
    const poor = await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
      token: member.token,
      key: 'retry-me',
      body,
    });
    assert.equal(poor.problem?.code, 'INSUFFICIENT_FUNDS');
    await fund(db, { poolId, currency: 'PRC' }, member.userId, 20_000_000n, 'top-up');
    const later = await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
      token: member.token,
      key: 'retry-me',
      body,
    });
    assert.equal(later.status, 201);
    // Keys belong to their user: someone else's same key is a different operation.
    const other = await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
      token: owner.token,
      key: 'retry-me',
      body: { amountMicros: '1', payeeUserId: member.userId },
    });
    assert.equal(other.problem?.code, 'INSUFFICIENT_FUNDS');
  });
});

describe('malformed requests', () => {
  test('bad JSON, big bodies, other media types, wrong methods and unknown paths', async () => {
    const { poolId, member } = await pool('bad-1');
    const path = `/api/v1/pools/${poolId}/holds`;
    const cases: [string, Awaited<ReturnType<TestApi['call']>>, number, string][] = [
      [
        'malformed JSON',
        await api.call('POST', path, { token: member.token, key: 'm1', body: '{"amountMicros": ' }),
        400,
        'MALFORMED_JSON',
      ],
      [
        '64 kB+',
        await api.call('POST', path, {
          token: member.token,
          key: 'm2',
          body: JSON.stringify({ memo: 'x'.repeat(70_000) }),
        }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        'text/plain',
        await api.call('POST', path, {
          token: member.token,
          key: 'm3',
          body: 'amount=1',
          headers: { 'content-type': 'text/plain' },
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['no body', await api.call('POST', path, { token: member.token, key: 'm4' }), 400, 'VALIDATION_FAILED'],
      ['wrong method', await api.call('PUT', path, { token: member.token, body: {} }), 405, 'METHOD_NOT_ALLOWED'],
      ['unknown path', await api.call('GET', '/api/v1/nothing-here', { token: member.token }), 404, 'NOT_FOUND'],
      ['bad key', await api.call('POST', path, { token: member.token, key: 'é', body: {} }), 400, 'VALIDATION_FAILED'],
      [
        'bad cursor',
        await api.call('GET', `/api/v1/pools/${poolId}/ledger?cursor=zzz`, { token: member.token }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'limit too big',
        await api.call('GET', `/api/v1/pools/${poolId}/ledger?limit=1000`, { token: member.token }),
        400,
        'VALIDATION_FAILED',
      ],
    ];
    for (const [name, answer, status, code] of cases) {
      assert.equal(answer.status, status, `${name}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.problem?.code, code, name);
    }
    const wrongMethod = cases[4]?.[1];
    assert.equal(wrongMethod?.headers.get('allow'), 'POST');
  });

  test('validation errors say where', async () => {
    const { poolId, member } = await pool('bad-2');
    const answer = await api.call<{ errors: { path: string }[] }>('POST', `/api/v1/pools/${poolId}/holds`, {
      token: member.token,
      key: 'v1',
      body: { amountMicros: '-5', payeeUserId: 'x', surprise: true },
    });
    assert.equal(answer.status, 400);
    const paths = answer.body.errors.map((e) => e.path).sort();
    assert.deepEqual(paths, ['body.amountMicros', 'body.payeeUserId', 'body.surprise']);
  });
});

describe('rate limits', () => {
  test('every answer carries RateLimit headers; past the budget, 429 with Retry-After', async () => {
    const tight = await startApi(db, { perMinute: 3 });
    try {
      const someone = await tight.user('rl-1');
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await tight.call('GET', '/api/v1/me', { token: someone.token }));
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 429],
      );
      assert.equal(answers[0]?.headers.get('ratelimit-policy'), '3;w=60');
      assert.deepEqual(
        answers.map((a) => a.headers.get('ratelimit-remaining')),
        ['2', '1', '0', '0'],
      );
      assert.equal(answers[3]?.problem?.code, 'RATE_LIMITED');
      assert.ok(Number(answers[3]?.headers.get('retry-after')) >= 1);
    } finally {
      await tight.close();
    }
  });

  test('on Redis the budget is shared by every process', async () => {
    const clients = [createClient({ url: REDIS_URL }), createClient({ url: REDIS_URL })];
    await Promise.all(clients.map((c) => c.connect()));
    const prefix = `test-rl-${Math.random().toString(36).slice(2)}`;
    const [one, two] = [
      await startApi(db, { redis: clients[0] as never, prefix, perMinute: 4 }),
      await startApi(db, { redis: clients[1] as never, prefix, perMinute: 4 }),
    ];
    try {
      const someone = await one.user('rl-2');
      const statuses = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push((await one.call('GET', '/api/v1/me', { token: someone.token })).status);
        statuses.push((await two.call('GET', '/api/v1/me', { token: someone.token })).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    } finally {
      await one.close();
      await two.close();
      for (const client of clients) {
        for await (const keys of client.scanIterator({ MATCH: `${prefix}:*` })) if (keys.length) await client.del(keys);
        await client.close();
      }
    }
  });
});
