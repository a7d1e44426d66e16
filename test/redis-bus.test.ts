import './helpers/no-console-error.ts';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { createClient } from 'redis';
import type { BusEvent, EventHandler } from '../events/bus.ts';
import {
  PARKED_CONSUMER,
  RedisStreamsEventBus,
  deadLetterStream,
  decodeEvent,
  encodeEvent,
  streamFor,
  type RedisBusClient,
  type RedisStreamsEventBusOptions,
} from '../events/redis-bus.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function event(n: number, type = 'HoldCreated', poolId: string | null = 'pool-1'): BusEvent {
  return {
    id: String(n),
    type,
    poolId,
    payload: { n, amount: String(n * 1_000_000), nested: { ok: true, list: [1, 'two', null] } },
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, n % 60)).toISOString(),
  };
}

function events(from: number, count: number, type?: string): BusEvent[] {
  return Array.from({ length: count }, (_, index) => event(from + index, type));
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

interface Harness {
  prefix: string;
  ledger: string;
  other: string;
  dead: string;
  logs: LogLine[];
  handlerErrors: Array<{ error: unknown; event: BusEvent; group: string }>;
  bus(options?: Partial<RedisStreamsEventBusOptions>): RedisStreamsEventBus;
  pending(stream: string, group: string): Promise<number>;
}

let client: RedisBusClient;

before(async () => {
  client = createClient({
    url: REDIS_URL,
    socket: {
      connectTimeout: 3000,
      reconnectStrategy: (retries: number) => (retries > 20 ? new Error(`Redis at ${REDIS_URL} unreachable`) : 100),
    },
  });
  client.on('error', () => undefined);
  await client.connect();
});

after(async () => {
  await client.close();
});

/** A unique stream prefix for one test, its buses (closed after the test) and its keys (deleted after the test). */
function harness(t: TestContext): Harness {
  const prefix = `test:pr:events:${randomUUID()}`;
  const logs: LogLine[] = [];
  const handlerErrors: Harness['handlerErrors'] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const buses: RedisStreamsEventBus[] = [];
  const keys = [streamFor('HoldCreated', prefix), streamFor('Other', prefix), deadLetterStream(prefix)];
  t.after(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await client.del(keys);
    // Loop failures and lost connections are not part of any scenario here.
    const trouble = logs.filter((line) => /read loop failed|hand-over at close failed|connection lost/.test(line.msg));
    assert.deepEqual(trouble, []);
  });
  return {
    prefix,
    ledger: keys[0]!,
    other: keys[1]!,
    dead: keys[2]!,
    logs,
    handlerErrors,
    bus(options = {}) {
      const bus = new RedisStreamsEventBus(client, {
        logger,
        onHandlerError: (error, failed, group) => handlerErrors.push({ error, event: failed, group }),
        prefix,
        blockMs: 200,
        ...options,
      });
      buses.push(bus);
      return bus;
    },
    async pending(stream, group) {
      return Number((await client.xPending(stream, group)).pending);
    },
  };
}

/** A handler that records every event it gets, and the per-id delivery counts. */
function recorder(work?: (event: BusEvent) => Promise<void>) {
  const received: BusEvent[] = [];
  const counts = new Map<string, number>();
  const handler: EventHandler = async (incoming) => {
    received.push(incoming);
    counts.set(incoming.id, (counts.get(incoming.id) ?? 0) + 1);
    if (work) await work(incoming);
  };
  return { received, counts, handler };
}

function byId(list: BusEvent[]): BusEvent[] {
  return [...list].sort((a, b) => Number(a.id) - Number(b.id));
}

describe('RedisStreamsEventBus', () => {
  test('streamFor maps event families to streams; encoding round-trips', () => {
    assert.equal(streamFor('HoldCreated'), 'pr:events:ledger');
    assert.equal(streamFor('HoldReleased'), 'pr:events:ledger');
    assert.equal(streamFor('TransferPosted'), 'pr:events:ledger');
    assert.equal(streamFor('LedgerCheckpointSealed'), 'pr:events:ledger');
    assert.equal(streamFor('SessionStarted'), 'pr:events:other');
    assert.equal(streamFor('WithdrawalRequested'), 'pr:events:other');
    assert.equal(streamFor('HoldCreated', 'x'), 'x:ledger');
    assert.equal(deadLetterStream(), 'pr:events:dead');
    for (const original of [event(1), event(2, 'DisputeOpened', null)]) {
      const fields = encodeEvent(original);
      for (const value of Object.values(fields)) assert.equal(typeof value, 'string');
      assert.deepEqual(decodeEvent(fields), original);
    }
    assert.throws(() => decodeEvent({ id: '1', type: 'X' }), /lacks/);
    assert.throws(() => decodeEvent({ ...encodeEvent(event(1)), payload: '[1]' }), /not a JSON object/);
  });

  test('publish / subscribe round trip, across both family streams', async (t) => {
    const h = harness(t);
    const bus = h.bus();
    const { received, handler } = recorder();
    bus.subscribe('audit', handler);
    const published = [
      event(1, 'HoldCreated'),
      event(2, 'SessionStarted', null),
      event(3, 'TransferPosted'),
      event(4, 'LedgerCheckpointSealed', null),
      event(5, 'WithdrawalRequested'),
    ];
    await bus.publish(published);
    await waitFor('5 events', () => received.length >= 5);
    assert.deepEqual(byId(received), published);
    // In order within one family stream.
    assert.deepEqual(
      received.filter((e) => streamFor(e.type) === 'pr:events:ledger').map((e) => e.id),
      ['1', '3', '4'],
    );
    assert.equal(Number(await client.xLen(h.ledger)), 3);
    assert.equal(Number(await client.xLen(h.other)), 2);
    await waitFor('all acknowledged', async () => (await h.pending(h.ledger, 'audit')) === 0);
    assert.equal(await h.pending(h.other, 'audit'), 0);
    assert.deepEqual(h.handlerErrors, []);
  });

  test('two groups each get every event exactly once', async (t) => {
    const h = harness(t);
    const bus = h.bus({ readCount: 7 });
    const a = recorder();
    const b = recorder();
    bus.subscribe('group-a', a.handler);
    bus.subscribe('group-b', b.handler);
    const published = [...events(1, 30), ...events(31, 30, 'SessionEnded')];
    await bus.publish(published.slice(0, 25));
    await bus.publish(published.slice(25));
    await waitFor('both groups to see 60 events', () => a.counts.size === 60 && b.counts.size === 60);
    for (const stream of [h.ledger, h.other]) {
      for (const group of ['group-a', 'group-b']) {
        await waitFor(`${group} acks on ${stream}`, async () => (await h.pending(stream, group)) === 0);
      }
    }
    for (const r of [a, b]) {
      assert.equal(r.received.length, 60);
      assert.ok([...r.counts.values()].every((count) => count === 1));
      assert.deepEqual(byId(r.received), published);
    }
  });

  test('two processes in one group share the events, each delivered once in total', async (t) => {
    const h = harness(t);
    const first = h.bus({ readCount: 5 });
    const second = h.bus({ readCount: 5 });
    const counts = new Map<string, number>();
    const perConsumer = [0, 0];
    const handlerFor = (index: number): EventHandler => {
      return async (incoming) => {
        counts.set(incoming.id, (counts.get(incoming.id) ?? 0) + 1);
        perConsumer[index]! += 1;
        await sleep(2);
      };
    };
    first.subscribe('billing', handlerFor(0));
    second.subscribe('billing', handlerFor(1));
    await Promise.all([first.ready(), second.ready()]);
    await first.publish(events(1, 100));
    await waitFor('100 events', () => counts.size === 100);
    await waitFor('all acknowledged', async () => (await h.pending(h.ledger, 'billing')) === 0);
    assert.equal(perConsumer[0]! + perConsumer[1]!, 100, `split ${perConsumer.join('/')}`);
    assert.ok([...counts.values()].every((count) => count === 1));
    assert.ok(perConsumer[0]! > 0 && perConsumer[1]! > 0, `both consumers got work: ${perConsumer.join('/')}`);
  });

  test('a crashed consumer’s pending entries are reclaimed by another and handled once', async (t) => {
    const h = harness(t);
    const group = 'notifier';
    for (const stream of [h.ledger, h.other]) await client.xGroupCreate(stream, group, '$', { MKSTREAM: true });
    const publisher = h.bus();
    await publisher.publish([event(1), event(2, 'SessionStarted'), event(3)]);
    // The "process" reads the entries and dies before acknowledging any.
    const crashed = client.duplicate();
    crashed.on('error', () => undefined);
    await crashed.connect();
    const read = await crashed.xReadGroup(
      group,
      'crashed-consumer',
      [
        { key: h.ledger, id: '>' },
        { key: h.other, id: '>' },
      ],
      { COUNT: 10 },
    );
    assert.equal(
      read?.reduce((sum, stream) => sum + (stream.messages as unknown[]).length, 0),
      3,
    );
    crashed.destroy();
    assert.equal((await h.pending(h.ledger, group)) + (await h.pending(h.other, group)), 3);

    const survivor = h.bus({ minIdleMs: 200, reclaimIntervalMs: 100 });
    const { counts, handler } = recorder();
    survivor.subscribe(group, handler);
    await survivor.publish([event(4)]);
    await waitFor('4 events', () => counts.size === 4);
    await waitFor(
      'nothing pending',
      async () => (await h.pending(h.ledger, group)) + (await h.pending(h.other, group)) === 0,
    );
    assert.deepEqual([...counts.entries()].sort(), [
      ['1', 1],
      ['2', 1],
      ['3', 1],
      ['4', 1],
    ]);
  });

  test('a bus closed with a handler stuck mid-event: its entries are reclaimed after minIdleMs, once each', async (t) => {
    const h = harness(t);
    const group = 'projector';
    const stuck = h.bus({ closeTimeoutMs: 100 });
    const seenByStuck: string[] = [];
    stuck.subscribe(group, async (incoming) => {
      seenByStuck.push(incoming.id);
      await new Promise<void>(() => undefined);
    });
    await stuck.publish(events(1, 3));
    await waitFor('the stuck handler to start', () => seenByStuck.length === 1);
    await stuck.close();
    assert.ok(h.logs.some((line) => line.level === 40 && /still running at close/.test(line.msg)));
    assert.equal(await h.pending(h.ledger, group), 3);

    const survivor = h.bus({ minIdleMs: 200, reclaimIntervalMs: 100 });
    const { counts, handler } = recorder();
    survivor.subscribe(group, handler);
    await waitFor('3 reclaimed events', () => counts.size === 3);
    await waitFor('nothing pending', async () => (await h.pending(h.ledger, group)) === 0);
    assert.deepEqual([...counts.values()], [1, 1, 1]);
    assert.deepEqual(seenByStuck, ['1']);
  });

  test('a cleanly closed consumer hands its pending entries over at once and leaves the group', async (t) => {
    const h = harness(t);
    const group = 'mailer';
    const failing = h.bus({ minIdleMs: 60_000 });
    const failingConsumers = new Set<string>();
    failing.subscribe(group, async (incoming) => {
      throw new Error(`cannot handle ${incoming.id}`);
    });
    await failing.publish(events(1, 3));
    await waitFor('3 failures', () => h.handlerErrors.length === 3);
    for (const consumer of await client.xInfoConsumers(h.ledger, group)) failingConsumers.add(String(consumer.name));
    assert.equal(failingConsumers.size, 1);
    await failing.close();
    const left = (await client.xInfoConsumers(h.ledger, group)).map((consumer) => String(consumer.name));
    assert.deepEqual(left, [PARKED_CONSUMER]);

    // minIdleMs is a minute: only the hand-over makes these reclaimable within the deadline.
    const successor = h.bus({ minIdleMs: 60_000, reclaimIntervalMs: 100 });
    const { counts, handler } = recorder();
    successor.subscribe(group, handler);
    await waitFor('3 handed-over events', () => counts.size === 3);
    await waitFor('nothing pending', async () => (await h.pending(h.ledger, group)) === 0);
    assert.deepEqual([...counts.values()], [1, 1, 1]);
    assert.ok(h.handlerErrors.every((failure) => failure.group === group && failure.error instanceof Error));
  });

  test('a handler that always throws: the event goes to the dead-letter stream after maxDeliveries', async (t) => {
    const h = harness(t);
    const group = 'fragile';
    const bus = h.bus({ minIdleMs: 200, reclaimIntervalMs: 100 });
    const { counts, handler } = recorder(async (incoming) => {
      if (incoming.id === '1') throw new Error('poison');
    });
    bus.subscribe(group, handler);
    const poison = event(1, 'TransferPosted', null);
    await bus.publish([poison, event(2)]);
    await waitFor('a dead letter', async () => Number(await client.xLen(h.dead)) === 1, 15_000);
    await waitFor('nothing pending', async () => (await h.pending(h.ledger, group)) === 0);

    assert.equal(counts.get('1'), 5, 'handled maxDeliveries (5) times');
    assert.equal(counts.get('2'), 1);
    assert.equal(h.handlerErrors.length, 5);
    assert.ok(h.handlerErrors.every((failure) => failure.event.id === '1' && failure.group === group));
    const [dead] = (await client.xRange(h.dead, '-', '+')) ?? [];
    assert.ok(dead);
    const fields = dead.message;
    assert.deepEqual(decodeEvent(fields), poison);
    assert.equal(fields.sourceStream, h.ledger);
    assert.equal(fields.group, group);
    assert.equal(fields.deliveries, '6');
    assert.match(fields.entryId ?? '', /^\d+-\d+$/);
    const logged = h.logs.find((line) => line.msg === 'event moved to the dead-letter stream');
    assert.equal(logged?.level, 50);
    assert.equal(logged?.eventId, '1');
  });

  test('an entry that is not an event is dead-lettered without reaching the handler', async (t) => {
    const h = harness(t);
    const bus = h.bus();
    const { received, handler } = recorder();
    bus.subscribe('strict', handler);
    await bus.ready();
    await client.xAdd(h.other, '*', { garbage: 'yes' });
    await bus.publish([event(7, 'SessionEnded')]);
    await waitFor('the good event', () => received.length === 1);
    await waitFor('a dead letter', async () => Number(await client.xLen(h.dead)) === 1);
    const [dead] = (await client.xRange(h.dead, '-', '+')) ?? [];
    const fields = dead?.message ?? {};
    assert.equal(fields.garbage, 'yes');
    assert.match(fields.reason ?? '', /^undecodable/);
    assert.equal(received[0]?.id, '7');
    await waitFor('nothing pending', async () => (await h.pending(h.other, 'strict')) === 0);
  });

  test('MAXLEN ~ keeps a stream bounded', async (t) => {
    const h = harness(t);
    const maxLen = 50;
    const bus = h.bus({ maxLen });
    for (let batch = 0; batch < 20; batch += 1) await bus.publish(events(batch * 100 + 1, 100));
    const config = await client.configGet('stream-node-max-entries');
    const nodeSize = Number(config['stream-node-max-entries'] ?? 100);
    const length = Number(await client.xLen(h.ledger));
    // Approximate trimming removes whole radix-tree nodes: at most one node's worth above the bound.
    assert.ok(length >= maxLen && length <= maxLen + nodeSize, `length ${length}`);
    const [newest] = (await client.xRevRange(h.ledger, '+', '-', { COUNT: 1 })) ?? [];
    assert.equal(newest?.message.id, '2000');
  });

  test('unsubscribe stops the loop and leaves the group; later events wait for the group’s next consumer', async (t) => {
    const h = harness(t);
    const bus = h.bus();
    const first = recorder();
    const unsubscribe = bus.subscribe('indexer', first.handler);
    await bus.publish([event(1)]);
    await waitFor('the first event', () => first.received.length === 1);
    unsubscribe();
    await waitFor('the consumer to leave', async () => (await client.xInfoConsumers(h.ledger, 'indexer')).length === 0);
    await bus.publish([event(2)]);
    const next = recorder();
    bus.subscribe('indexer', next.handler);
    await waitFor('the second event', () => next.received.length === 1);
    assert.equal(next.received[0]?.id, '2');
    assert.deepEqual(
      first.received.map((e) => e.id),
      ['1'],
    );
    // Closing right after subscribing (connection not yet up) is clean too.
    const quick = h.bus();
    quick.subscribe('indexer', async () => undefined);
    await quick.close();
  });

  test('constructor rejects a BLOCK above 1000 ms; publish and subscribe after close reject', async (t) => {
    const h = harness(t);
    assert.throws(() => h.bus({ blockMs: 5000 }), RangeError);
    const bus = h.bus();
    await bus.close();
    await assert.rejects(bus.publish([event(1)]), /closed/);
    assert.throws(() => bus.subscribe('late', async () => undefined), /closed/);
  });
});
