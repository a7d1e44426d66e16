/**
 * A GameBoost stream end to end without a browser: the agent (its own StreamHub, node-datachannel, ffmpeg's moving
 * test pattern as H.264 over RTP) and a viewer peer (node-datachannel standing in for the browser) negotiate WebRTC
 * through the API's signaling WebSocket with the session's viewer token. Video packets arrive, the viewer reports the
 * first frame, keyboard and mouse input reach the agent over the data channel, held keys are released when the viewer
 * drops, and the session settles. Skipped where ffmpeg is not installed (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import nodeDataChannel from 'node-datachannel';
import WebSocket from 'ws';
import { AgentConnection } from '../agent/connection.ts';
import { StreamHub, type InputEvent } from '../agent/stream.ts';
import { MemoryPresence } from '../core/agents/presence.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { appContext, fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let db: TestDatabase;
let api: TestApi;
const presence = new MemoryPresence();
before(async () => {
  db = await createTestDatabase();
  api = await startApi(db, { presence, presenceTtlSeconds: 10 });
});
after(async () => {
  await api.close();
  await db.close();
  // node-datachannel's native threads keep the process alive until cleaned up.
  nodeDataChannel.cleanup();
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test(
  'WebRTC through the API: video arrives, input reaches the agent, keys are released on drop',
  { skip: !hasFfmpeg && 'ffmpeg is not installed' },
  async () => {
    const owner = await api.user('st-owner');
    const node = await api.user('st-node');
    const seeker = await api.user('st-seeker');
    const pool = (
      await api.call<Body>('POST', '/api/v1/pools', { token: owner.token, body: { name: 'Stream', type: 'public' } })
    ).body.pool;
    for (const who of [node, seeker])
      await api.call('POST', `/api/v1/pools/${pool.id}/join`, { token: who.token, body: {} });
    await fund(db, { poolId: pool.id, currency: pool.currency }, seeker.userId, 10_000_000n);
    const code = (await api.call<Body>('POST', `/api/v1/pools/${pool.id}/agent-codes`, { token: node.token })).body
      .code;
    const joined = (
      await api.call<Body>('POST', '/api/v1/agent/join', {
        body: { code, name: 'streamer', hardware: { cpu: 'test', ramGb: 8, os: 'Linux' }, hwid: 'hwid-streamer-1' },
      })
    ).body;

    const inputs: InputEvent[] = [];
    let connection: AgentConnection | null = null;
    const hub = new StreamHub({
      source: 'test',
      send: (m) => connection?.send(m),
      onInput: (_s, e) => void inputs.push(e),
    });
    connection = new AgentConnection(api.url, joined.credential, {
      onSession: (m) => hub.onSession(m),
      onSignal: (sessionId, data) => hub.onSignal(sessionId, data),
    });
    connection.start();
    await until(async () => (await presence.online([joined.machineId])).size === 1, 'the agent');
    const offer = (
      await api.call<Body>('POST', `/api/v1/pools/${pool.id}/offers`, {
        token: node.token,
        body: { kind: 'gameboost_slot', title: 'Test pattern', priceMicros: '6000000', machineId: joined.machineId },
      })
    ).body.offer;
    const rented = (
      await api.call<Body>('POST', '/api/v1/gameboost/sessions', {
        token: seeker.token,
        body: { offerId: offer.id, minutes: 10 },
        key: 'r1',
      })
    ).body;
    const sessionId = rented.session.id as string;
    const signalUrl = `${api.url.replace('http', 'ws')}/api/v1/gameboost/signal?session=${sessionId}`;

    // A wrong viewer token is refused before the upgrade.
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${signalUrl}&token=wrong`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(refused, 401);

    const viewerWs = new WebSocket(`${signalUrl}&token=${encodeURIComponent(rented.viewerToken)}`);
    await new Promise((resolve) => viewerWs.on('open', resolve));
    const viewer = new nodeDataChannel.PeerConnection('viewer', { iceServers: [] });
    let packets = 0;
    let input: nodeDataChannel.DataChannel | null = null;
    viewer.onLocalDescription((sdp, type) => viewerWs.send(JSON.stringify({ type: type.toLowerCase(), sdp })));
    viewer.onLocalCandidate((candidate, mid) => viewerWs.send(JSON.stringify({ type: 'candidate', candidate, mid })));
    viewer.onTrack((track) => track.onMessage(() => (packets += 1)));
    viewer.onDataChannel((channel) => {
      if (channel.getLabel() === 'input') input = channel;
    });
    viewerWs.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as { type: string; sdp?: string; candidate?: string; mid?: string };
      if (message.type === 'offer' && message.sdp) viewer.setRemoteDescription(message.sdp, 'offer');
      if (message.type === 'candidate' && message.candidate)
        viewer.addRemoteCandidate(message.candidate, message.mid ?? '0');
    });
    viewerWs.send(JSON.stringify({ type: 'hello' }));

    await until(() => packets > 30, 'video packets from the agent');
    const started = await api.call<Body>('POST', `/api/v1/gameboost/sessions/${sessionId}/started`, {
      token: seeker.token,
    });
    assert.equal(started.body.session.status, 'live');
    await until(() => input?.isOpen() === true, 'the input channel');
    const channel = input as unknown as nodeDataChannel.DataChannel;
    channel.sendMessage(JSON.stringify({ kind: 'key', code: 'KeyW', down: true }));
    channel.sendMessage(JSON.stringify({ kind: 'mouse', x: 640, y: 360, buttons: 1 }));
    await until(() => inputs.length >= 2, 'input at the agent');
    assert.deepEqual(inputs.slice(0, 2), [
      { kind: 'key', code: 'KeyW', down: true },
      { kind: 'mouse', x: 640, y: 360, buttons: 1 },
    ]);
    assert.ok((hub.get(sessionId)?.packetsSent ?? 0) > 30);

    // The viewer drops while W is held: the agent releases it.
    viewer.close();
    viewerWs.close();
    await until(() => inputs.some((e) => e.kind === 'key' && e.code === 'KeyW' && !e.down), 'the key release');

    await db.pool.query(
      "update gameboost_sessions set started_at = now() - interval '2 minutes 30 seconds' where id = $1",
      [sessionId],
    );
    const ended = (await api.call<Body>('POST', `/api/v1/gameboost/sessions/${sessionId}/end`, { token: seeker.token }))
      .body.session;
    assert.equal(ended.usedMinutes, 3);
    assert.equal(ended.chargedMicros, '300000');
    hub.stopAll();
    await connection.stop();
    const report = await verifyLedger(appContext(db).ledger, { poolId: pool.id });
    assert.ok(report.ok);
  },
);
