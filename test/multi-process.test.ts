/**
 * Two real API processes on one PostgreSQL and one Redis, and consumer processes in two groups. Events caused
 * through process A reach an SSE subscriber of process B exactly once; both processes relay the outbox, yet each
 * event enters the stream once; and each consumer group applies each event once, even after one of its consumers is
 * killed with SIGKILL in the middle of handling.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { createAccessToken } from '../core/auth/tokens.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { createPool } from '../core/pools/create-pool.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createTestDatabase, createUser, type TestDatabase } from './helpers/db.ts';
import { openSse } from './helpers/sse.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOLDS = 12;

interface Proc {
  child: ChildProcess;
  lines: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

function start(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return {
    child,
    lines,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of lines) {
            const match = pattern.exec(line);
            if (match) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(match);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

async function stop(proc: Proc | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  await once(proc.child, 'exit');
}

let db: TestDatabase;
const redis = createClient({ url: REDIS_URL });
const keyPrefix = `test-mp-${Math.random().toString(36).slice(2)}`;
const busPrefix = `${keyPrefix}:events`;
const procs: Proc[] = [];

before(async () => {
  db = await createTestDatabase();
  await redis.connect();
});
after(async () => {
  await Promise.all(procs.map((p) => stop(p)));
  for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}:*` })) if (keys.length) await redis.del(keys);
  await redis.close();
  await db.close();
});

test('two API processes, two consumer groups, one consumer killed mid-stream', async () => {
  const consumer = (group: string, delayMs: number) =>
    start(['--import', 'tsx', 'test/fixtures/group-consumer.ts'], {
      REDIS_URL,
      PREFIX: busPrefix,
      GROUP: group,
      HANDLER_DELAY_MS: String(delayMs),
    });
  const [victim, survivor, mailer] = [consumer('audit', 300), consumer('audit', 300), consumer('mailer', 0)];
  procs.push(victim, survivor, mailer);
  await Promise.all([victim, survivor, mailer].map((p) => p.waitFor(/^ready$/)));

  const api = (name: string) =>
    start(['bin/power-realms.js', 'api'], {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: keyPrefix,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      SERVICE_TOKEN: '',
      INSTANCE: name,
    });
  const [a, b] = [api('a'), api('b')];
  procs.push(a, b);
  const [urlA, urlB] = await Promise.all(
    [a, b].map(async (p) => (await p.waitFor(/listening on (http:\/\/\S+)/))[1] as string),
  );

  const ctx = appContext(db);
  const owner = await createUser(db);
  const [alice, bob] = [await createUser(db), await createUser(db)];
  const { pool } = await createPool(ctx, actor(owner), { name: 'Across processes', type: 'public' });
  for (const who of [alice, bob]) await joinPool(ctx, actor(who), { poolId: pool.id });
  await fund(db, { poolId: pool.id, currency: 'PRC' }, alice, 100_000_000n);
  const tokenOf = async (userId: string) =>
    (await createAccessToken(db.orm.em.fork(), { userId, name: 'mp', scopes: ['read', 'write'] })).token;
  const [aliceToken, bobToken] = [await tokenOf(alice), await tokenOf(bob)];

  const stream = await openSse(`${urlB}/api/v1/events`, { authorization: `Bearer ${bobToken}` });
  assert.equal(stream.status, 200);
  await sleep(300);

  // Kill one audit consumer the moment it is inside a handler: its entry stays pending until the survivor reclaims it.
  let killed = false;
  victim.child.stdout?.on('data', (chunk: string) => {
    if (killed || !String(chunk).includes('received ')) return;
    killed = true;
    victim.child.kill('SIGKILL');
  });
  const holdIds: string[] = [];
  // At least HOLDS holds, and more (up to 40) until the group has handed the victim one.
  for (let i = 0; i < 40 && (i < HOLDS || !killed); i += 1) {
    const response = await fetch(`${urlA}/api/v1/pools/${pool.id}/holds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${aliceToken}`,
        'idempotency-key': `mp-${i}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ amountMicros: String(1000 + i), payeeUserId: bob }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    holdIds.push(((await response.json()) as { hold: { id: string } }).hold.id);
    await sleep(50);
  }
  assert.ok(killed, 'the victim received an event and was killed inside its handler');

  // (b) the subscriber on process B sees every hold once.
  await stream.waitFor(() => stream.frames.filter((f) => f.event === 'HoldCreated').length >= holdIds.length, 20_000);
  await sleep(500);
  const seen = stream.frames.filter((f) => f.event === 'HoldCreated').map((f) => f.data.payload.transferId as string);
  assert.deepEqual([...seen].sort(), [...holdIds].sort());
  stream.close();

  // (c) every group applies every event exactly once, the killed consumer's in-flight entry included.
  const effects = async (group: string) => redis.hGetAll(`${busPrefix}:effects:${group}`);
  for (let waited = 0; waited < 30_000; waited += 200) {
    if (
      Object.keys(await effects('audit')).length >= holdIds.length &&
      Object.keys(await effects('mailer')).length >= holdIds.length
    )
      break;
    await sleep(200);
  }
  const holdEvents = (
    await db.pool.query<{ id: string }>("select id::text from outbox_events where type = 'HoldCreated'")
  ).rows.map((r) => r.id);
  assert.equal(holdEvents.length, holdIds.length);
  for (const group of ['audit', 'mailer']) {
    const applied = await effects(group);
    assert.deepEqual(Object.keys(applied).sort(), [...holdEvents].sort(), `group ${group}`);
  }
  const auditAppliers = new Set(Object.values(await effects('audit')));
  assert.ok(auditAppliers.has(String(survivor.child.pid)), 'the survivor took over');
  // Whatever the victim had received but not finished was delivered again and handled by the survivor.
  const victimReceived = victim.lines.filter((l) => l.startsWith('received ')).map((l) => l.split(' ')[1]);
  const victimHandled = new Set(victim.lines.filter((l) => l.startsWith('handled ')).map((l) => l.split(' ')[1]));
  const interrupted = victimReceived.filter((id) => !victimHandled.has(id));
  assert.ok(interrupted.length >= 1, 'the victim was killed inside a handler');
  for (const id of interrupted) assert.ok(survivor.lines.includes(`handled ${id} first`), `event ${id} reclaimed`);
  for (const stream of ['ledger', 'other']) {
    const pending = await redis.xPending(`${busPrefix}:${stream}`, 'audit');
    assert.equal(Number(pending.pending), 0, `nothing left pending on ${stream}`);
  }

  // (a) both processes relay the outbox, yet each event entered the stream once.
  const entries = (await redis.xRange(`${busPrefix}:ledger`, '-', '+')) as { message: Record<string, string> }[];
  const perEvent = new Map<string, number>();
  for (const entry of entries) perEvent.set(entry.message.id ?? '', (perEvent.get(entry.message.id ?? '') ?? 0) + 1);
  for (const id of holdEvents) assert.equal(perEvent.get(id), 1, `event ${id} published once`);
});
