/**
 * The host agent and GameBoost sessions end to end against the real API over HTTP and WebSocket, real PostgreSQL:
 * a join code from the API is redeemed by the agent's own CLI code (systeminformation for the hardware), the agent
 * connects with its credential and is present while it beats, a wrong credential is refused, a session is rented,
 * started by the agent, measured by the browser, ended and settled for the minutes used less the SLA refund; an agent
 * that vanishes mid-session ends it, charged only up to when it was last seen, and so does a player closed without
 * ending it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { agentMain } from '../agent/cli.ts';
import { encodeBenchmark, gpuEncoderCandidates } from '../agent/bench.ts';
import { readConfig, writeConfig } from '../agent/config.ts';
import { ffmpegArgs } from '../agent/stream.ts';
import { AgentConnection } from '../agent/connection.ts';
import { MemoryPresence } from '../core/agents/presence.ts';
import { sweepSessions } from '../core/gameboost/sweep-sessions.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { appContext, fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
let api: TestApi;
const presence = new MemoryPresence();
const dir = mkdtempSync(path.join(tmpdir(), 'pr-agent-'));

before(async () => {
  db = await createTestDatabase();
  api = await startApi(db, { presence, presenceTtlSeconds: 2 });
});
after(async () => {
  await api.close();
  await db.close();
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; waited < 8000; waited += 50) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function joinedAgent(poolId: string, token: string, name: string) {
  const code = (await api.call<Body>('POST', `/api/v1/pools/${poolId}/agent-codes`, { token })).body.code as string;
  const file = path.join(dir, `${name}.json`);
  const lines: string[] = [];
  const exit = await agentMain(['join', code, '--api', api.url, '--name', name, '--config', file], (l) =>
    lines.push(l),
  );
  assert.equal(exit, 0, lines.join('\n'));
  const config = readConfig(file);
  assert.ok(config);
  return { code, file, config, lines };
}

test('join with a code, connect, beat, be refused with a wrong credential, go offline', async () => {
  const owner = await api.user('ag-owner');
  const pool = (
    await api.call<Body>('POST', '/api/v1/pools', { token: owner.token, body: { name: 'Agents', type: 'public' } })
  ).body.pool;
  const { code, file, config, lines } = await joinedAgent(pool.id, owner.token, 'rig-one');
  assert.match(lines[0] ?? '', /^Joined as “rig-one” \(/);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the credential is readable by its owner only');
  const again: string[] = [];
  assert.equal(
    await agentMain(['join', code, '--api', api.url, '--name', 'x', '--config', path.join(dir, 'x.json')], (l) =>
      again.push(l),
    ),
    1,
  );
  assert.match(again[0] ?? '', /AGENT_CODE_INVALID/);
  const machine = await db.pool.query<{ hardware: { cpu: string; ramGb: number }; agent_version: string }>(
    'select hardware, agent_version from machines where id = $1',
    [config.machineId],
  );
  assert.ok((machine.rows[0]?.hardware.ramGb ?? 0) >= 1);
  assert.equal(machine.rows[0]?.agent_version, '0.1.0');

  const states: string[] = [];
  const connection = new AgentConnection(api.url, config.credential, {
    onState: (s, d) => states.push(d ? `${s}: ${d}` : s),
  });
  connection.start();
  await until(async () => (await presence.online([config.machineId])).has(config.machineId), 'the agent to be online');
  await connection.stop();
  // The server hears the goodbye a moment after the agent does (test/agent.gateway.test.ts checks it beats the TTL).
  await until(async () => (await presence.online([config.machineId])).size === 0, 'a clean stop to be offline');

  const forged = new AgentConnection(api.url, `${config.machineId}.${'x'.repeat(43)}`, {
    onState: (s, d) => states.push(d ? `${s}: ${d}` : s),
  });
  forged.start();
  await until(async () => states.some((s) => s.includes('refused this machine’s credential')), 'the refusal');
  await forged.stop();

  // A dropped line is online until its presence key expires (2 s here).
  const dropped = new AgentConnection(api.url, config.credential);
  dropped.start();
  await until(async () => (await presence.online([config.machineId])).has(config.machineId), 'online again');
  (dropped as unknown as { ws: { terminate(): void } }).ws.terminate();
  await dropped.stop();
  await until(async () => (await presence.online([config.machineId])).size === 0, 'the key to expire');
});

test('rent a slot, the agent starts it, the browser measures it, the end settles minutes used less the SLA refund', async () => {
  const owner = await api.user('gb-owner');
  const node = await api.user('gb-node');
  const seeker = await api.user('gb-seeker');
  const pool = (
    await api.call<Body>('POST', '/api/v1/pools', { token: owner.token, body: { name: 'GameBoost', type: 'public' } })
  ).body.pool;
  for (const who of [node, seeker])
    await api.call('POST', `/api/v1/pools/${pool.id}/join`, { token: who.token, body: {} });
  await fund(db, { poolId: pool.id, currency: pool.currency }, seeker.userId, 20_000_000n);
  const { config } = await joinedAgent(pool.id, node.token, 'gaming-rig');
  const offer = (
    await api.call<Body>('POST', `/api/v1/pools/${pool.id}/offers`, {
      token: node.token,
      body: { kind: 'gameboost_slot', title: 'RTX 4090', priceMicros: '6000000', machineId: config.machineId },
    })
  ).body.offer;

  const offline = await api.call<Body>('POST', '/api/v1/gameboost/sessions', {
    token: seeker.token,
    body: { offerId: offer.id, minutes: 30 },
    key: 's0',
  });
  assert.equal(offline.problem?.code, 'MACHINE_OFFLINE');

  const sessions: Record<string, unknown>[] = [];
  const agent = new AgentConnection(api.url, config.credential, { onSession: (m) => sessions.push(m) });
  agent.start();
  await until(async () => (await presence.online([config.machineId])).has(config.machineId), 'the agent');
  const rented = await api.call<Body>('POST', '/api/v1/gameboost/sessions', {
    token: seeker.token,
    body: { offerId: offer.id, minutes: 30 },
    key: 's1',
  });
  assert.equal(rented.status, 201, JSON.stringify(rented.body));
  const session = rented.body.session;
  assert.equal(session.holdMicros, '3000000');
  assert.equal(typeof rented.body.viewerToken, 'string');
  const busy = await api.call<Body>('POST', '/api/v1/gameboost/sessions', {
    token: seeker.token,
    body: { offerId: offer.id, minutes: 5 },
    key: 's2',
  });
  assert.equal(busy.problem?.code, 'OFFER_NOT_AVAILABLE');

  await until(
    async () => sessions.some((m) => m.type === 'session' && m.sessionId === session.id),
    'the agent to hear of the session',
  );
  agent.send({ type: 'session-started', sessionId: session.id });
  await until(
    async () =>
      (await api.call<Body>('GET', `/api/v1/gameboost/sessions/${session.id}`, { token: seeker.token })).body.session
        .status === 'live',
    'the session to go live',
  );
  // The agent's own figures are kept as evidence; another machine's agent cannot write into this session.
  const otherCode = (await api.call<Body>('POST', `/api/v1/pools/${pool.id}/agent-codes`, { token: node.token })).body
    .code as string;
  const otherRig = (
    await api.call<Body>('POST', '/api/v1/agent/join', {
      body: { code: otherCode, name: 'other', hardware: { cpu: 'x', ramGb: 4, os: 'Linux' }, hwid: 'hwid-other-rig' },
    })
  ).body;
  const strangerLine = new AgentConnection(api.url, otherRig.credential as string);
  strangerLine.start();
  await until(async () => (await presence.online([otherRig.machineId as string])).size === 1, 'the other agent');
  strangerLine.send({ type: 'metrics', sessionId: session.id, sample: { fps: 1, bitrateKbps: 1 } });
  agent.send({ type: 'metrics', sessionId: session.id, sample: { fps: 60, bitrateKbps: 5900, packetLoss: 0 } });
  const agentSamples = async () =>
    (
      await db.pool.query<{ fps: number }>(
        "select fps from session_metrics where session_id = $1 and source = 'agent'",
        [session.id],
      )
    ).rows.map((r) => Number(r.fps));
  await until(async () => (await agentSamples()).length > 0, 'the agent sample');
  await sleep(200);
  assert.deepEqual(await agentSamples(), [60]);
  await strangerLine.stop();

  // 10 minutes of play: 8 good samples and 2 below the pool's 30 FPS.
  await db.pool.query(
    "update gameboost_sessions set started_at = now() - interval '9 minutes 30 seconds' where id = $1",
    [session.id],
  );
  for (const fps of [60, 60, 59, 61, 60, 12, 60, 60, 15, 60])
    await api.call('POST', `/api/v1/gameboost/sessions/${session.id}/metrics`, {
      token: seeker.token,
      body: { fps, rttMs: 25 },
    });
  const stranger = await api.call<Body>('POST', `/api/v1/gameboost/sessions/${session.id}/end`, { token: owner.token });
  assert.equal(stranger.problem?.code, 'SESSION_NOT_FOUND');
  const ended = (await api.call<Body>('POST', `/api/v1/gameboost/sessions/${session.id}/end`, { token: seeker.token }))
    .body.session;
  assert.equal(ended.status, 'ended');
  assert.equal(ended.usedMinutes, 10);
  // 10 minutes at 6/h = 1; 2 of 10 samples missed the SLA: 0.2 back; the node gets 0.8 less the 10% fee.
  assert.equal(ended.slaRefundMicros, '200000');
  assert.equal(ended.chargedMicros, '800000');
  assert.deepEqual({ samples: ended.sla.samples, bad: ended.sla.badSamples }, { samples: 10, bad: 2 });
  const balances = async () => {
    const { rows } = await db.pool.query<{ user_id: string; posted: string; pending: string }>(
      `select user_id, (credits_posted - debits_posted)::text as posted, debits_pending::text as pending
         from ledger_accounts where pool_id = $1 and kind = 'member'`,
      [pool.id],
    );
    return Object.fromEntries(rows.map((r) => [r.user_id, `${r.posted}/${r.pending}`]));
  };
  const after1 = await balances();
  assert.equal(after1[seeker.userId], '19200000/0');
  assert.equal(after1[node.userId], '720000/0');
  await until(async () => sessions.some((m) => m.type === 'session-ended'), 'the agent to hear the end');
  // The missed SLA weighs on the node's rating; the agent's benchmark shows on its offer.
  const standing = await api.call<Body>('GET', `/api/v1/pools/${pool.id}/members/${node.userId}/standing`, {
    token: seeker.token,
  });
  assert.equal(standing.body.rating, 33);
  agent.send({ type: 'benchmark', cpuScore: 4321, encodeFps: 240, gpuEncoder: 'h264_nvenc', gpuEncodeFps: 900 });
  await until(
    async () =>
      (await api.call<Body>('GET', `/api/v1/offers/${offer.id}`, { token: seeker.token })).body.offer.cpuScore === 4321,
    'the benchmark on the offer',
  );
  const benched = (await api.call<Body>('GET', `/api/v1/offers/${offer.id}`, { token: seeker.token })).body.offer;
  assert.deepEqual([benched.encodeFps, benched.gpuEncodeFps], [240, 900], 'the encode rates, software and GPU');

  // The agent dies mid-session: when it has been gone past the grace period, the session ends, charged to last seen.
  const second = (
    await api.call<Body>('POST', '/api/v1/gameboost/sessions', {
      token: seeker.token,
      body: { offerId: offer.id, minutes: 60 },
      key: 's3',
    })
  ).body.session;
  agent.send({ type: 'session-started', sessionId: second.id });
  await until(
    async () =>
      (await api.call<Body>('GET', `/api/v1/gameboost/sessions/${second.id}`, { token: seeker.token })).body.session
        .status === 'live',
    'live',
  );
  (agent as unknown as { ws: { terminate(): void } }).ws.terminate();
  await agent.stop();
  await until(async () => (await presence.online([config.machineId])).size === 0, 'the agent to be gone');
  await db.pool.query("update machines set last_seen_at = now() - interval '15 minutes' where id = $1", [
    config.machineId,
  ]);
  await db.pool.query(
    "update gameboost_sessions set started_at = (select last_seen_at from machines where id = $2) - interval '5 minutes' where id = $1",
    [second.id, config.machineId],
  );
  const swept = await sweepSessions(appContext(db, { presence }));
  assert.equal(swept.ended, 1);
  const lost = (await api.call<Body>('GET', `/api/v1/gameboost/sessions/${second.id}`, { token: seeker.token })).body
    .session;
  assert.equal(lost.endReason, 'agent_lost');
  assert.equal(lost.usedMinutes, 5, 'charged for the 5 minutes until the agent was last seen');
  assert.equal(lost.chargedMicros, '500000');
  assert.equal((await balances())[seeker.userId], '18700000/0');
  const report = await verifyLedger(appContext(db).ledger, { poolId: pool.id });
  assert.ok(report.ok);
});

test('agent run refuses bad stream settings before connecting; the test pattern is clock-stamped at the asked size', async () => {
  const file = path.join(dir, 'settings.json');
  writeConfig(file, {
    apiUrl: api.url,
    machineId: randomUUID(),
    poolId: randomUUID(),
    name: 'settings',
    credential: 'c'.repeat(40),
    joinedAt: new Date().toISOString(),
  });
  for (const [flag, value, message] of [
    ['--fps', '0', /--fps must be a whole number from 1 to 120, not "0"/],
    ['--size', '1281x720', /--size must be WIDTHxHEIGHT in even pixels/],
    ['--bitrate', 'fast', /--bitrate must be kb\/s from 500 to 50000, not "fast"/],
    ['--source', 'wayland', /--source is one of test, x11, kms, not "wayland"/],
  ] as const) {
    const lines: string[] = [];
    assert.equal(await agentMain(['run', flag, value, '--config', file], (l) => lines.push(l)), 2);
    assert.match(lines[0] ?? '', message);
  }
  const missing: string[] = [];
  const device = path.join(dir, 'no-such-card');
  assert.equal(
    await agentMain(['run', '--source', 'kms', '--device', device, '--config', file], (l) => missing.push(l)),
    1,
  );
  assert.equal(missing[0], `agent: no DRM device at ${device} to capture (--device)`);
  // A KMS plane: kmsgrab of the device, brought down from the GPU for the encoder.
  const kms = ffmpegArgs(
    'kms',
    { rtp: 5004, rtcp: 5005 },
    { fps: 30, width: 1280, height: 720, bitrateKbps: 6000, kmsDevice: '/dev/dri/card1' },
  );
  assert.deepEqual(kms.slice(kms.indexOf('-device'), kms.indexOf('-device') + 8), [
    '-device',
    '/dev/dri/card1',
    '-f',
    'kmsgrab',
    '-framerate',
    '30',
    '-i',
    '-',
  ]);
  assert.equal(kms[kms.indexOf('-vf') + 1], 'hwdownload,format=bgr0');
  const args = ffmpegArgs('test', { rtp: 5004, rtcp: 5005 }, { fps: 60, width: 1920, height: 1080, bitrateKbps: 8000 });
  assert.ok(args.includes('testsrc2=size=1920x1080:rate=60'));
  assert.match(args[args.indexOf('-vf') + 1] ?? '', /setpts=RTCTIME.*geq=.*overlay=0:0/);
  assert.deepEqual(args.slice(args.indexOf('-b:v'), args.indexOf('-b:v') + 4), ['-b:v', '8000k', '-maxrate', '8000k']);
  assert.equal(args.at(-1), 'rtp://127.0.0.1:5004?pkt_size=1200&rtcpport=5005');
  // With sound: a tone beside the pattern, Opus to its own ports; VP8 when the viewer asked for it.
  const sound = ffmpegArgs(
    'test',
    { rtp: 5004, rtcp: 5005, audioRtp: 5006, audioRtcp: 5007 },
    { fps: 60, width: 1280, height: 720, bitrateKbps: 6000, audio: true },
    'vp8',
  );
  assert.ok(sound.includes('sine=frequency=440:sample_rate=48000') && sound.includes('libopus'));
  assert.ok(sound.includes('libvpx') && !sound.includes('libx264'));
  assert.equal(sound.at(-1), 'rtp://127.0.0.1:5006?pkt_size=1200&rtcpport=5007');
  assert.equal(
    await agentMain(['run', '--audio', '--fps', '500', '--config', file], () => undefined),
    2,
    '--audio is a known flag; the bad --fps still stops it',
  );
});

test('a player closed without "end" stops being charged: after 90 s of silence the session ends at its last report', async (t) => {
  const owner = await api.user('quiet-owner');
  const node = await api.user('quiet-node');
  const seeker = await api.user('quiet-seeker');
  const pool = (
    await api.call<Body>('POST', '/api/v1/pools', { token: owner.token, body: { name: 'Quiet', type: 'public' } })
  ).body.pool;
  for (const who of [node, seeker])
    await api.call('POST', `/api/v1/pools/${pool.id}/join`, { token: who.token, body: {} });
  await fund(db, { poolId: pool.id, currency: pool.currency }, seeker.userId, 20_000_000n);
  const { config } = await joinedAgent(pool.id, node.token, 'quiet-rig');
  const agent = new AgentConnection(api.url, config.credential);
  t.after(() => agent.stop());
  agent.start();
  await until(async () => (await presence.online([config.machineId])).has(config.machineId), 'the agent');
  const offer = (
    await api.call<Body>('POST', `/api/v1/pools/${pool.id}/offers`, {
      token: node.token,
      body: { kind: 'gameboost_slot', title: 'Quiet slot', priceMicros: '6000000', machineId: config.machineId },
    })
  ).body.offer;
  const sample = (id: string) =>
    api.call('POST', `/api/v1/gameboost/sessions/${id}/metrics`, { token: seeker.token, body: { fps: 60, rttMs: 20 } });
  /** A session started 10 minutes ago whose player last reported 7 minutes ago. */
  const rentQuiet = async (key: string) => {
    const rented = await api.call<Body>('POST', '/api/v1/gameboost/sessions', {
      token: seeker.token,
      body: { offerId: offer.id, minutes: 60 },
      key,
    });
    assert.equal(rented.status, 201, JSON.stringify(rented.body));
    const id = rented.body.session.id as string;
    await api.call('POST', `/api/v1/gameboost/sessions/${id}/started`, { token: seeker.token });
    await sample(id);
    await db.pool.query(
      `update gameboost_sessions set started_at = now() - interval '10 minutes',
         viewer_seen_at = now() - interval '7 minutes' where id = $1`,
      [id],
    );
    return id;
  };
  const view = async (id: string): Promise<Body> =>
    (await api.call<Body>('GET', `/api/v1/gameboost/sessions/${id}`, { token: seeker.token })).body.session as Body;

  const closed = await rentQuiet('q1');
  assert.equal((await sweepSessions(appContext(db, { presence }))).ended, 1);
  const ended = await view(closed);
  assert.equal(ended.endReason, 'viewer_lost');
  assert.equal(ended.usedMinutes, 3, 'charged for the 3 minutes until the player last reported');
  assert.equal(ended.chargedMicros, '300000');

  // A player that reports again (a reload, a phone back from the background) keeps its session — even past the
  // cap on kept samples (20,000), where its samples are no longer stored.
  const playing = await rentQuiet('q2');
  await db.pool.query('update gameboost_sessions set metric_samples = 20000 where id = $1', [playing]);
  const kept = async () =>
    Number(
      (await db.pool.query('select count(*) from session_metrics where session_id = $1', [playing])).rows[0]?.count,
    );
  const before = await kept();
  await sample(playing);
  assert.equal(await kept(), before, 'past the cap, a sample is not stored');
  assert.equal((await sweepSessions(appContext(db, { presence }))).ended, 0);
  assert.equal((await view(playing)).status, 'live');
  await api.call('POST', `/api/v1/gameboost/sessions/${playing}/end`, { token: seeker.token });

  // Closing the tab is the buyer's doing: both sessions count as good ones for the node (50 before any).
  const standing = await api.call<Body>('GET', `/api/v1/pools/${pool.id}/members/${node.userId}/standing`, {
    token: seeker.token,
  });
  assert.equal(standing.body.rating, 75);
  assert.ok((await verifyLedger(appContext(db).ledger, { poolId: pool.id })).ok);
});

test('the encode benchmark tries NVENC where an NVIDIA device is, VA-API where a render node is, else none', async () => {
  assert.deepEqual(
    gpuEncoderCandidates(() => false).map((c) => c.name),
    [],
  );
  assert.deepEqual(
    gpuEncoderCandidates((file) => file === '/dev/nvidia0' || file === '/dev/dri/renderD128').map((c) => c.name),
    ['h264_nvenc', 'h264_vaapi'],
  );
  const vaapi = gpuEncoderCandidates((file) => file === '/dev/dri/renderD128')[0];
  assert.deepEqual(vaapi?.before, ['-vaapi_device', '/dev/dri/renderD128']);
  // An encoder that cannot run here gives no figure rather than a wrong one.
  assert.equal(await encodeBenchmark({ after: ['-c:v', 'h264_nvenc'] }, 30), null);
});
