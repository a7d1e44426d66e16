/**
 * The host agent's first part against real PostgreSQL and Redis: join codes made by the bot's /machines add-code and
 * redeemed over REST (once, within 10 minutes, rate-limited), the agents' WebSocket refusing bad credentials, presence
 * shared through Redis by two API instances (online while beating, offline when the key expires), the agent dialling
 * again after the API restarts, and the real CLI (`bin/power-realms.js agent …`) joining, running, reporting a
 * benchmark and saying goodbye.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import WebSocket from 'ws';
import { AgentConnection } from '../agent/connection.ts';
import { RedisPresence } from '../core/agents/presence.ts';
import { createAccessToken } from '../core/auth/tokens.ts';
import { runCommand, type BotUser } from '../bots/command.ts';
import { machines } from '../bots/commands/machines.ts';
import { createLogger } from '../lib/logger.ts';
import { appContext } from './helpers/app.ts';
import { startApi, type CallResult, type TestApi } from './helpers/api.ts';
import { hasFfmpeg } from './helpers/host-tools.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
/* eslint-disable @typescript-eslint/no-unsafe-member-access */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = path.join(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'pr-agent-gw-'));
const prefix = `test-agent-${Math.random().toString(36).slice(2)}`;
const TTL_SECONDS = 2;

let db: TestDatabase;
const connectRedis = () => createClient({ url: REDIS_URL }).connect();
let redisA: Awaited<ReturnType<typeof connectRedis>>;
let redisB: Awaited<ReturnType<typeof connectRedis>>;
let apiA: TestApi;
let apiB: TestApi;
/** A third instance whose keys live a minute: offline within seconds there can only be a goodbye, not an expiry. */
let apiLong: TestApi;

before(async () => {
  db = await createTestDatabase();
  redisA = await connectRedis();
  redisB = await connectRedis();
  // Two API instances with their own gateways and Redis connections: only Redis is shared between them.
  apiA = await startApi(db, { presence: new RedisPresence(redisA, prefix), presenceTtlSeconds: TTL_SECONDS });
  apiB = await startApi(db, { presence: new RedisPresence(redisB, prefix), presenceTtlSeconds: TTL_SECONDS });
  apiLong = await startApi(db, { presence: new RedisPresence(redisB, prefix), presenceTtlSeconds: 60 });
});
after(async () => {
  await apiA.close();
  await apiB.close();
  await apiLong.close();
  await redisA.quit();
  await redisB.quit();
  await db.close();
});

async function until(check: () => Promise<boolean> | boolean, what: string, limitMs = 15_000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 50) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const botUser = (id: string): BotUser => ({
  platform: 'discord',
  externalId: id,
  displayName: `member ${id}`,
  username: null,
  languageTag: 'en',
});

/** Runs /machines as a Discord user in a private chat, the way both bots do. */
async function machinesCommand(user: BotUser, args: Record<string, string | undefined>) {
  return runCommand(machines, null, args, {
    app: appContext(db, { presence: new RedisPresence(redisA, prefix) }),
    user,
    chat: { platform: 'discord', chatId: null, isChatAdmin: false },
    idempotencyKey: `test-${Math.random()}`,
    publicUrl: 'http://127.0.0.1',
    resolveMember: async () => null,
    logger: createLogger('silent'),
  });
}

/** A member (known to the bot as a Discord user) with a pool of their own and an API token. */
async function member(discordId: string) {
  const user = botUser(discordId);
  await machinesCommand(user, {}); // creates the user behind the identity
  const { rows } = await db.pool.query<{ user_id: string }>(
    "select user_id from user_identities where platform = 'discord' and external_id = $1",
    [discordId],
  );
  const userId = rows[0]?.user_id ?? '';
  const { token } = await createAccessToken(db.orm.em.fork(), { userId, name: 'test', scopes: ['read', 'write'] });
  const pool = await apiA.call<Body>('POST', '/api/v1/pools', {
    token,
    body: { name: `Pool ${discordId}`, type: 'public' },
  });
  return { user, userId, token, poolId: pool.body.pool.id as string };
}

const hardware = { cpu: 'Test CPU 8000', cores: 8, ramGb: 32, gpu: 'Test GPU', vramGb: 12, os: 'Linux 6 (x64)' };
const joinBody = (code: string, name: string) => ({
  code,
  name,
  hardware,
  hwid: `hwid-${name}-${Math.random()}`,
  agentVersion: 'test',
});
const codeOf = (text: string) => /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/.exec(text)?.[1] ?? '';

async function joined(api: TestApi, poolId: string, token: string, name: string) {
  const code = (await api.call<Body>('POST', `/api/v1/pools/${poolId}/agent-codes`, { token })).body.code as string;
  const answer = await api.call<Body>('POST', '/api/v1/agent/join', { body: joinBody(code, name) });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body as { machineId: string; poolId: string; credential: string };
}

const status = (api: TestApi, credential: string) =>
  api.call<Body>('GET', '/api/v1/agent/status', { headers: { 'x-agent-credential': credential } });

test('/machines add-code answers privately with a one-time code; REST redeems it once, within its 10 minutes', async () => {
  const owner = await member('1001');
  const reply = await machinesCommand(owner.user, { action: 'add-code' });
  assert.equal(reply.private, true, 'the code goes to its member only');
  const code = codeOf(reply.text);
  assert.match(code, /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/, reply.text);
  assert.ok(reply.text.includes(`npx power-realms agent join ${code}`), reply.text);
  const stored = await db.pool.query<{ code_hash: string; expires_in: number }>(
    `select code_hash, extract(epoch from expires_at - now())::int as expires_in from agent_join_codes
      where user_id = $1 and used_at is null`,
    [owner.userId],
  );
  assert.equal(stored.rows.length, 1);
  assert.ok(!stored.rows[0]?.code_hash.includes(code.replace('-', '')), 'only a hash of the code is kept');
  assert.ok(Math.abs((stored.rows[0]?.expires_in ?? 0) - 600) <= 5, 'valid 10 minutes');

  // Typed in lower case without the dash, the code still works; the credential is shown once and kept as a hash.
  const redeemed = await apiA.call<Body>('POST', '/api/v1/agent/join', {
    body: joinBody(code.toLowerCase().replace('-', ''), 'rig-a'),
  });
  assert.equal(redeemed.status, 201, JSON.stringify(redeemed.body));
  assert.equal(redeemed.body.poolId, owner.poolId);
  const secret = String(redeemed.body.credential).split('.')[1] ?? '';
  const credentials = await db.pool.query<{ secret_hash: string }>(
    'select secret_hash from machine_credentials where machine_id = $1',
    [redeemed.body.machineId],
  );
  assert.ok(secret.length >= 40 && !credentials.rows[0]?.secret_hash.includes(secret));

  const reused = await apiB.call<Body>('POST', '/api/v1/agent/join', { body: joinBody(code, 'rig-b') });
  assert.equal(reused.problem?.code, 'AGENT_CODE_INVALID');
  const wrong = await apiA.call<Body>('POST', '/api/v1/agent/join', { body: joinBody('ABCD-EFGH', 'rig-c') });
  assert.equal(wrong.problem?.code, 'AGENT_CODE_INVALID');

  // A newer code replaces the member's unused one; an expired code is refused.
  const first = codeOf((await machinesCommand(owner.user, { action: 'add-code' })).text);
  const second = codeOf((await machinesCommand(owner.user, { action: 'add-code' })).text);
  const replaced = await apiA.call<Body>('POST', '/api/v1/agent/join', { body: joinBody(first, 'rig-d') });
  assert.equal(replaced.problem?.code, 'AGENT_CODE_INVALID');
  await db.pool.query(
    "update agent_join_codes set expires_at = now() - interval '1 second' where user_id = $1 and used_at is null",
    [owner.userId],
  );
  const expired = await apiA.call<Body>('POST', '/api/v1/agent/join', { body: joinBody(second, 'rig-e') });
  assert.equal(expired.problem?.code, 'AGENT_CODE_INVALID');
  const count = await db.pool.query('select 1 from machines where user_id = $1', [owner.userId]);
  assert.equal(count.rows.length, 1, 'refused codes register nothing');

  // The listing shows the machine, offline until its agent connects.
  const list = await machinesCommand(owner.user, {});
  assert.match(list.text, /⚪ rig-a — Test CPU 8000, Test GPU, 32 GB/);
});

test('the WebSocket refuses a missing, forged or revoked credential before the upgrade, with a reason', async () => {
  const owner = await member('1002');
  const machine = await joined(apiA, owner.poolId, owner.token, 'rig-ws');
  const refusal = async (credential: string | null) => {
    const ws = new WebSocket(`${apiA.url.replace('http', 'ws')}/api/v1/agent/ws`, {
      headers: credential === null ? {} : { authorization: `Bearer ${credential}` },
    });
    ws.on('error', () => undefined);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, import('node:http').IncomingMessage];
    let text = '';
    for await (const chunk of res) text += String(chunk);
    ws.terminate();
    return { status: res.statusCode, text };
  };
  assert.deepEqual(await refusal(null), { status: 401, text: 'unknown or revoked machine credential' });
  assert.equal((await refusal(`${machine.machineId}.${'A'.repeat(43)}`)).status, 401);
  assert.equal((await refusal('not-a-credential')).status, 401);
  assert.equal((await status(apiA, `${machine.machineId}.${'A'.repeat(43)}`)).problem?.code, 'UNAUTHENTICATED');

  // A removed machine's credential stops working.
  await db.pool.query('update machines set removed_at = now() where id = $1', [machine.machineId]);
  assert.equal((await refusal(machine.credential)).status, 401);
  assert.equal((await status(apiA, machine.credential)).problem?.code, 'UNAUTHENTICATED');
});

test('presence is shared through Redis: online on the other API while beating, offline when the key expires', async () => {
  const owner = await member('1003');
  const machine = await joined(apiA, owner.poolId, owner.token, 'rig-shared');
  assert.equal((await status(apiB, machine.credential)).body.online, false);
  assert.equal((await status(apiB, machine.credential)).body.lastSeenAt, null);

  const acks: string[] = [];
  const agent = new AgentConnection(apiA.url, machine.credential, { onAck: (of) => acks.push(of) });
  agent.start();
  await until(async () => (await status(apiB, machine.credential)).body.online === true, 'online, seen by B');
  // Heartbeats come every TTL/3 and carry the agent's figures, kept with the presence key.
  await until(() => acks.filter((a) => a === 'heartbeat').length >= 2, 'two acknowledged heartbeats');
  const seen = (await status(apiB, machine.credential)).body;
  assert.equal(typeof seen.metrics?.cpuLoad, 'number');
  assert.equal(typeof seen.metrics?.memUsedPercent, 'number');
  assert.ok((seen.metrics?.uptimeSeconds ?? 0) > 0);
  assert.ok(seen.lastSeenAt, 'last_seen_at is recorded');
  const ttl = await redisB.ttl(`${prefix}:presence:${machine.machineId}`);
  assert.ok(ttl > 0 && ttl <= TTL_SECONDS, `the key lives ${TTL_SECONDS} s past a heartbeat (ttl ${ttl})`);

  // The bot's listing (any process) shows it online.
  assert.match((await machinesCommand(owner.user, {})).text, /🟢 rig-shared/);

  // A line that drops without a goodbye stays online until the key expires, then is offline everywhere.
  (agent as unknown as { ws: WebSocket }).ws.terminate();
  await agent.stop();
  await until(async () => (await status(apiB, machine.credential)).body.online === false, 'the key to expire');
  assert.equal((await status(apiA, machine.credential)).body.online, false);

  // A clean stop says goodbye: offline at once, though this instance's key would live a minute.
  const again = new AgentConnection(apiLong.url, machine.credential);
  again.start();
  await until(async () => (await status(apiA, machine.credential)).body.online === true, 'online again, long key');
  assert.ok((await redisA.ttl(`${prefix}:presence:${machine.machineId}`)) > 10);
  await again.stop();
  await until(async () => (await status(apiA, machine.credential)).body.online === false, 'the goodbye');
});

test('the agent dials again after the API restarts, with backoff, and is online on the new instance', async () => {
  const owner = await member('1004');
  const presence = new RedisPresence(redisA, `${prefix}-restart`);
  let api = await startApi(db, { presence, presenceTtlSeconds: TTL_SECONDS });
  const machine = await joined(api, owner.poolId, owner.token, 'rig-restart');
  // A fixed address in front of the API, so the restarted instance (on a new port) is reached at the same URL.
  let targetPort = Number(new URL(api.url).port);
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;

  const states: string[] = [];
  const agent = new AgentConnection(proxyUrl, machine.credential, {
    onState: (s, d) => states.push(`${s} ${d ?? ''}`),
  });
  agent.start();
  await until(() => states.some((s) => s.startsWith('online')), 'the first welcome');

  await api.close();
  await until(() => states.some((s) => s.includes('connection lost; retrying in')), 'the agent to notice');
  await presence.forget(machine.machineId);
  api = await startApi(db, { presence, presenceTtlSeconds: TTL_SECONDS });
  targetPort = Number(new URL(api.url).port);
  await until(async () => (await presence.online([machine.machineId])).size === 1, 'online on the new instance');
  assert.ok(states.filter((s) => s.startsWith('online')).length >= 2, states.join('\n'));

  await agent.stop();
  await api.close();
  proxy.close();
});

/** The real command line, as a host runs it: `node bin/power-realms.js agent …`. */
function cli(args: string[]) {
  const child = spawn(process.execPath, ['bin/power-realms.js', 'agent', ...args], {
    cwd: root,
    env: { ...process.env, AGENT_CONFIG: '', DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, out }));
  return { child, exited, output: () => out };
}

test('the real CLI joins with a code, runs, reports its benchmark, shows its status and says goodbye', async (t) => {
  const owner = await member('1005');
  const file = path.join(dir, 'cli', 'agent.json');
  const wrong = await cli(['join', 'ZZZZ-ZZZZ', '--api', apiA.url, '--config', file]).exited;
  assert.equal(wrong.code, 1);
  assert.match(wrong.out, /wrong, expired or already used.*\(AGENT_CODE_INVALID\)/);

  const code = codeOf((await machinesCommand(owner.user, { action: 'add-code' })).text);
  const join = await cli(['join', code, '--api', apiLong.url, '--name', 'cli-rig', '--config', file]).exited;
  assert.equal(join.code, 0, join.out);
  assert.match(join.out, /Joined as “cli-rig” \(.+ cores, \d+ GB/);
  const config = JSON.parse(readFileSync(file, 'utf8')) as { credential: string; machineId: string };
  const again = await cli(['join', code, '--api', apiA.url, '--config', file]).exited;
  assert.equal(again.code, 1);
  assert.match(again.out, /already holds a joined machine/, 'a second join does not overwrite the credential');

  const before = await cli(['status', '--config', file]).exited;
  assert.equal(before.code, 0, before.out);
  assert.match(before.out, /machine +cli-rig/);
  assert.match(before.out, /online +no/);
  assert.ok(!before.out.includes(config.credential), 'status never prints the credential');

  const run = cli(['run', '--config', file, '--source', 'test']);
  t.after(() => run.child.kill('SIGKILL'));
  await until(async () => (await status(apiB, config.credential)).body.online === true, 'the running agent online');
  // The API marks the machine online before its welcome reaches the agent, which then logs it.
  await until(() => /heartbeats every \d+ s/.test(run.output()), 'the welcome logged');

  const bench = await cli(['bench', '--config', file, '--json']).exited;
  assert.equal(bench.code, 0, bench.out);
  const figures = JSON.parse(bench.out.trim().split('\n').at(-1) ?? '{}') as {
    cpuScore: number;
    encodeFps: number | null;
    gpuEncodeFps: number | null;
    reported: boolean;
  };
  assert.ok(figures.cpuScore > 0 && figures.reported, bench.out);
  // ffmpeg encodes the 720p stream in software here (.ci/run installs it); no GPU encoder runs on this machine.
  assert.ok(!hasFfmpeg || (figures.encodeFps ?? 0) > 0, bench.out);
  const shown = await cli(['status', '--config', file]).exited;
  assert.match(shown.out, /online +yes/);
  assert.match(shown.out, new RegExp(`benchmark CPU ${figures.cpuScore}`));
  if (figures.encodeFps !== null) assert.match(shown.out, new RegExp(`encodes 720p at ${figures.encodeFps} fps`));
  assert.equal((await status(apiB, config.credential)).body.online, true, 'bench over REST leaves `run` connected');
  assert.match((await machinesCommand(owner.user, {})).text, /🟢 cli-rig .*CPU score \d+(, encodes 720p at \d+ fps)?/);

  run.child.kill('SIGTERM');
  const ran = await run.exited;
  assert.equal(ran.code, 0, ran.out);
  // Its key would live a minute (apiLong): offline now means the agent said goodbye.
  await until(async () => (await status(apiA, config.credential)).body.online === false, 'the goodbye');
});

test('wrong codes from one address are rate-limited, then refused before the code is looked at', async () => {
  const owner = await member('1006');
  const code = (await apiB.call<Body>('POST', `/api/v1/pools/${owner.poolId}/agent-codes`, { token: owner.token })).body
    .code as string;
  let limited: CallResult<Body> | null = null;
  for (let attempt = 0; attempt < 20 && !limited; attempt += 1) {
    const answer = await apiB.call<Body>('POST', '/api/v1/agent/join', { body: joinBody('WXYZ-2345', 'guess') });
    if (answer.problem?.code === 'RATE_LIMITED') limited = answer;
    else assert.equal(answer.problem?.code, 'AGENT_CODE_INVALID');
  }
  assert.ok(limited, 'guessing is limited');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  const right = await apiB.call<Body>('POST', '/api/v1/agent/join', { body: joinBody(code, 'late') });
  assert.equal(right.problem?.code, 'RATE_LIMITED', 'a blocked address cannot keep guessing');
});
