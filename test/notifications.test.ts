import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { createClient } from 'redis';
import { applyMembershipChange, audienceOf } from '../api/notifications/audience.ts';
import type { BusEvent } from '../events/bus.ts';
import { RedisStreamsEventBus } from '../events/redis-bus.ts';
import { createLogger } from '../lib/logger.ts';
import { fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { openSse } from './helpers/sse.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const event = (type: string, poolId: string | null, payload: Record<string, unknown>): BusEvent => ({
  id: '1',
  type,
  poolId,
  payload,
  createdAt: new Date().toISOString(),
});

describe('who receives what', () => {
  const me = { userId: 'me', poolIds: new Set(['p1']) };
  test('ledger movements only to the people they touch', () => {
    assert.deepEqual(audienceOf(event('HoldCreated', 'p1', { debitUserId: 'me', creditUserId: 'x' }), me), {
      mine: true,
    });
    assert.equal(audienceOf(event('HoldCreated', 'p1', { debitUserId: 'y', creditUserId: 'x' }), me), null);
    assert.deepEqual(audienceOf(event('TransferPosted', 'p9', { creditUserId: 'me' }), me), { mine: true });
  });
  test("other events of the user's pools, and platform events that name them", () => {
    assert.deepEqual(audienceOf(event('MemberJoined', 'p1', { userId: 'x' }), me), { mine: false });
    assert.equal(audienceOf(event('MemberJoined', 'p2', { userId: 'x' }), me), null);
    assert.deepEqual(audienceOf(event('IdentityLinked', null, { userId: 'me' }), me), { mine: true });
    assert.equal(audienceOf(event('PlatformSettingsChanged', null, { byUserId: 'admin' }), me), null);
  });
  test('membership events keep the pool list current', () => {
    const sub = { userId: 'me', poolIds: new Set<string>() };
    applyMembershipChange(event('MemberJoined', 'p3', { userId: 'me' }), sub);
    assert.ok(sub.poolIds.has('p3'));
    applyMembershipChange(event('MemberStatusChanged', 'p3', { userId: 'me', status: 'banned' }), sub);
    assert.ok(!sub.poolIds.has('p3'));
  });
});

async function poolWithMembers(api: TestApi, db: TestDatabase, tag: string) {
  const [owner, alice, bob, carol, outsider] = await Promise.all(
    ['owner', 'alice', 'bob', 'carol', 'outsider'].map((name) => api.user(`${name}-${tag}`)),
  );
  assert.ok(owner && alice && bob && carol && outsider);
  const created = await api.call<{ pool: { id: string } }>('POST', '/api/v1/pools', {
    token: owner.token,
    body: { name: `Events ${tag}`, type: 'public' },
  });
  const poolId = created.body.pool.id;
  for (const who of [alice, bob, carol])
    assert.equal((await api.call('POST', `/api/v1/pools/${poolId}/join`, { token: who.token, body: {} })).status, 200);
  await fund(db, { poolId, currency: 'PRC' }, alice.userId, 5_000_000n);
  await fund(db, { poolId, currency: 'PRC' }, carol.userId, 5_000_000n);
  return { poolId, owner, alice, bob, carol, outsider };
}

describe('server-sent events, one process', () => {
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

  test("a member gets their holds and their pool's news, not other people's trades; outsiders get nothing", async () => {
    const { poolId, alice, bob, carol, outsider } = await poolWithMembers(api, db, 'a');
    const aliceStream = await openSse(`${api.url}/api/v1/events`, { authorization: `Bearer ${alice.token}` });
    const outsiderStream = await openSse(`${api.url}/api/v1/events`, { authorization: `Bearer ${outsider.token}` });
    assert.equal(aliceStream.status, 200);
    const dave = await api.user('dave-a');
    await api.call('POST', `/api/v1/pools/${poolId}/join`, { token: dave.token, body: {} });
    const joined = await aliceStream.waitFor(
      (f) => f.event === 'MemberJoined' && f.data.payload.userId === dave.userId,
    );
    assert.equal(joined.data.mine, false);
    await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
      token: carol.token,
      key: 'carol-hold',
      body: { amountMicros: '1000', payeeUserId: bob.userId },
    });
    const mine = await api.call<{ hold: { id: string } }>('POST', `/api/v1/pools/${poolId}/holds`, {
      token: alice.token,
      key: 'alice-hold',
      body: { amountMicros: '2000', payeeUserId: bob.userId },
    });
    const hold = await aliceStream.waitFor((f) => f.event === 'HoldCreated');
    assert.equal(hold.data.mine, true);
    assert.equal(hold.data.payload.transferId, mine.body.hold.id);
    await sleep(300);
    assert.equal(
      aliceStream.frames.filter((f) => f.event === 'HoldCreated').length,
      1,
      "carol's hold is not alice's business",
    );
    assert.equal(outsiderStream.frames.length, 0);
    aliceStream.close();
    outsiderStream.close();
  });

  test('Last-Event-ID replays what a reconnecting client missed, once', async () => {
    const { poolId, alice, bob } = await poolWithMembers(api, db, 'b');
    const first = await openSse(`${api.url}/api/v1/events`, { authorization: `Bearer ${alice.token}` });
    await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
      token: alice.token,
      key: 'r-1',
      body: { amountMicros: '1000', payeeUserId: bob.userId },
    });
    const seen = await first.waitFor((f) => f.event === 'HoldCreated');
    first.close();
    for (const key of ['r-2', 'r-3'])
      await api.call('POST', `/api/v1/pools/${poolId}/holds`, {
        token: alice.token,
        key,
        body: { amountMicros: '1000', payeeUserId: bob.userId },
      });
    const again = await openSse(`${api.url}/api/v1/events`, {
      authorization: `Bearer ${alice.token}`,
      'last-event-id': seen.id ?? '',
    });
    await again.waitFor(() => again.frames.filter((f) => f.event === 'HoldCreated').length >= 2);
    await sleep(300);
    const ids = again.frames.filter((f) => f.event === 'HoldCreated').map((f) => f.id);
    assert.equal(ids.length, 2);
    assert.equal(new Set(ids).size, 2);
    assert.ok(!ids.includes(seen.id));
    again.close();
  });

  test('401 without a token; at most five streams per person', async () => {
    const anonymous = await openSse(`${api.url}/api/v1/events`, {});
    assert.equal(anonymous.status, 401);
    const someone = await api.user('five-streams');
    const streams = [];
    for (let i = 0; i < 5; i += 1)
      streams.push(await openSse(`${api.url}/api/v1/events`, { authorization: `Bearer ${someone.token}` }));
    assert.ok(streams.every((s) => s.status === 200));
    const sixth = await openSse(`${api.url}/api/v1/events`, { authorization: `Bearer ${someone.token}` });
    assert.equal(sixth.status, 429);
    for (const stream of streams) stream.close();
  });
});

describe('server-sent events through Redis, two API instances', () => {
  test('an event caused through one instance reaches a subscriber of the other exactly once', async () => {
    const db = await createTestDatabase();
    const prefix = `test-sse-${Math.random().toString(36).slice(2)}`;
    const clients = [createClient({ url: REDIS_URL }), createClient({ url: REDIS_URL })];
    await Promise.all(clients.map((c) => c.connect()));
    const logger = createLogger('silent');
    const buses = clients.map(
      (client) =>
        new RedisStreamsEventBus(client as never, {
          logger,
          onHandlerError: () => undefined,
          prefix: `${prefix}:events`,
        }),
    );
    const [one, two] = [await startApi(db, { bus: buses[0], prefix }), await startApi(db, { bus: buses[1], prefix })];
    try {
      const { poolId, alice, bob } = await poolWithMembers(one, db, 'r');
      const stream = await openSse(`${two.url}/api/v1/events`, { authorization: `Bearer ${bob.token}` });
      await sleep(200);
      await one.call('POST', `/api/v1/pools/${poolId}/holds`, {
        token: alice.token,
        key: 'redis-hold',
        body: { amountMicros: '1000', payeeUserId: bob.userId },
      });
      const hold = await stream.waitFor((f) => f.event === 'HoldCreated');
      assert.equal(hold.data.mine, true);
      await sleep(500);
      assert.equal(stream.frames.filter((f) => f.event === 'HoldCreated').length, 1);
      stream.close();
    } finally {
      await one.close();
      await two.close();
      await Promise.all(buses.map((bus) => bus.close()));
      for (const client of clients) {
        for await (const keys of client.scanIterator({ MATCH: `${prefix}:*` })) if (keys.length) await client.del(keys);
        await client.close();
      }
      await db.close();
    }
  });
});
