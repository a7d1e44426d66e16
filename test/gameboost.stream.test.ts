/**
 * A GameBoost stream end to end without a browser: the agent (its own StreamHub, node-datachannel, ffmpeg's moving
 * test pattern as H.264 over RTP) and a viewer peer (node-datachannel standing in for the browser) negotiate WebRTC
 * through the API's signaling WebSocket with the session's viewer token. Video packets arrive, the viewer reports the
 * first frame, keyboard, mouse and gamepad input reach the agent over the data channel, held keys and pads are
 * released when the viewer drops, and the session settles. Another test puts the agent and the viewer on two API
 * processes joined by Redis, and one streams a real X display (Xvfb) that the viewer's mouse moves through xdotool.
 * Skipped where ffmpeg (or Xvfb and xdotool) is not installed (.ci/run installs them).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import nodeDataChannel from 'node-datachannel';
import { createClient } from 'redis';
import WebSocket from 'ws';
import type { AgentConnection } from '../agent/connection.ts';
import { DEFAULT_STREAM, type InputEvent, type Source, type StreamSettings } from '../agent/stream.ts';
import { createInjector } from '../agent/inject.ts';
import { MemoryPresence } from '../core/agents/presence.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { InMemoryEventBus } from '../events/bus.ts';
import { appContext } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { hasFfmpeg, streamingNode as startStreamingNode } from './helpers/gameboost.ts';
import { installed, startXvfb } from './helpers/host-tools.ts';

const debug = (line: string) => process.env.E2E_DEBUG && process.stderr.write(`${line}\n`);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Half the product's frame rate and bitrate: the suite shares two cores with the database and Chromium.
const LIGHT_STREAM = { ...DEFAULT_STREAM, fps: 30, bitrateKbps: 3000 };

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
let api: TestApi;
const presence = new MemoryPresence();
// Every API here shares one event stream, as Redis Streams gives all processes in production: any process's outbox
// relay may be the one that publishes an event.
const bus = new InMemoryEventBus(() => undefined);
before(async () => {
  db = await createTestDatabase();
  api = await startApi(db, { presence, presenceTtlSeconds: 10, bus });
});
/** Agents still running when a test failed half-way: stopped so the file ends (and reports) instead of hanging. */
const running: { stopAll(): void }[] = [];
const agents: AgentConnection[] = [];
after(async () => {
  for (const hub of running) hub.stopAll();
  for (const agent of agents) await agent.stop();
  await api.close();
  await db.close();
  // node-datachannel's native threads keep the process alive, and its cleanup() can crash after a failed
  // negotiation (SIGSEGV seen under load): once the runner has reported, the file's process just exits.
  setTimeout(() => process.exit(), 1000).unref();
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A pool with a node whose agent (connected to `agentApi`) streams the test pattern, an offer, a funded seeker. */
const streamingNode = (
  agentApi: TestApi,
  name: string,
  settings: StreamSettings = LIGHT_STREAM,
  more: { source?: Source; onInput?(sessionId: string, event: InputEvent): void } = {},
) =>
  startStreamingNode(agentApi, db, presence, name, {
    ...more,
    settings,
    log: (line) => debug(`agent ${name}: ${line}`),
    onAgent: (hub, agent) => {
      running.push(hub);
      agents.push(agent);
    },
  });

/** Rents the offer through `via` and connects a viewer to that API's signaling socket, video flowing. */
async function rentAndWatch(via: TestApi, token: string, offerId: string, options: { vp8Only?: boolean } = {}) {
  const rented = (
    await via.call<Body>('POST', '/api/v1/gameboost/sessions', {
      token,
      body: { offerId, minutes: 10 },
      key: `watch-${offerId}`,
    })
  ).body;
  const sessionId = rented.session.id as string;
  const viewer = await streamingViewer(
    `${via.url.replace('http', 'ws')}/api/v1/gameboost/signal?session=${sessionId}&token=${encodeURIComponent(rented.viewerToken)}`,
    options,
  );
  return { sessionId, viewer };
}

/** An answer as a browser without H.264 would give it: the video section keeps VP8 (payload type 97) only. */
function withoutH264(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !/^a=(rtpmap|fmtp|rtcp-fb):96[ \s]/.test(line))
    .map((line) => (line.startsWith('m=video ') ? line.replace(/ 96(?= |$)/g, '') : line))
    .join('\r\n');
}

/**
 * A viewer whose video is flowing. As the player does, a negotiation that brings nothing within a few seconds starts
 * over with a new peer (the agent begins a new stream on every hello).
 */
async function streamingViewer(url: string, options: { vp8Only?: boolean } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const viewer = await viewerPeer(url, options);
    try {
      await until(() => viewer.state.packets > 30, 'video packets from the agent', 8000);
      return viewer;
    } catch (error) {
      viewer.close();
      if (attempt === 3) throw error;
      debug(`viewer: no video on attempt ${attempt}, starting over`);
    }
  }
}

/** A node-datachannel peer standing in for the browser, signaling through `url` (the viewer socket). */
async function viewerPeer(url: string, options: { vp8Only?: boolean } = {}) {
  const ws = new WebSocket(url);
  await new Promise((resolve) => ws.on('open', resolve));
  const peer = new nodeDataChannel.PeerConnection('viewer', { iceServers: [] });
  const state = { packets: 0, payloadTypes: new Set<number>(), input: null as nodeDataChannel.DataChannel | null };
  const tracks: nodeDataChannel.Track[] = [];
  peer.onLocalDescription((sdp, type) =>
    ws.send(JSON.stringify({ type: type.toLowerCase(), sdp: options.vp8Only ? withoutH264(sdp) : sdp })),
  );
  peer.onLocalCandidate((candidate, mid) => ws.send(JSON.stringify({ type: 'candidate', candidate, mid })));
  peer.onTrack((track) => {
    tracks.push(track);
    track.onMessage((packet) => {
      // RTP only (RTCP's packet types 200-206 read as 72-78 here).
      const payloadType = (packet[1] ?? 0) & 0x7f;
      if (payloadType < 72 || payloadType > 78) state.payloadTypes.add(payloadType);
      state.packets += 1;
    });
  });
  peer.onDataChannel((channel) => {
    if (channel.getLabel() === 'input') state.input = channel;
  });
  peer.onStateChange((s) => debug(`viewer: ${s}`));
  ws.on('message', (raw: Buffer) => {
    debug(`viewer <- ${raw.toString().slice(0, 60)}`);
    const message = JSON.parse(raw.toString()) as { type: string; sdp?: string; candidate?: string; mid?: string };
    if (message.type === 'offer' && message.sdp) peer.setRemoteDescription(message.sdp, 'offer');
    if (message.type === 'candidate' && message.candidate)
      peer.addRemoteCandidate(message.candidate, message.mid ?? '0');
  });
  ws.send(JSON.stringify({ type: 'hello' }));
  return {
    state,
    close() {
      state.input?.close();
      for (const track of tracks) track.close();
      peer.close();
      ws.close();
    },
  };
}

test(
  'WebRTC through the API: video arrives, input reaches the agent, keys are released on drop',
  { skip: !hasFfmpeg && 'ffmpeg is not installed' },
  async () => {
    const { pool, seeker, offer, hub, inputs, agent } = await streamingNode(api, 'stream');
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

    const viewer = await streamingViewer(`${signalUrl}&token=${encodeURIComponent(rented.viewerToken)}`);
    assert.deepEqual([...viewer.state.payloadTypes], [96], 'H.264, the first codec offered');
    const started = await api.call<Body>('POST', `/api/v1/gameboost/sessions/${sessionId}/started`, {
      token: seeker.token,
    });
    assert.equal(started.body.session.status, 'live');
    await until(() => viewer.state.input?.isOpen() === true, 'the input channel');
    const channel = viewer.state.input as unknown as nodeDataChannel.DataChannel;
    channel.sendMessage(JSON.stringify({ kind: 'key', code: 'KeyW', down: true }));
    channel.sendMessage(JSON.stringify({ kind: 'mouse', x: 640, y: 360, buttons: 1 }));
    channel.sendMessage(JSON.stringify({ kind: 'pad', index: 1, buttons: [1], axes: [0, -1] }));
    await until(() => inputs.length >= 3, 'input at the agent');
    assert.deepEqual(inputs.slice(0, 3), [
      { kind: 'key', code: 'KeyW', down: true },
      { kind: 'mouse', x: 640, y: 360, buttons: 1 },
      { kind: 'pad', index: 1, buttons: [1], axes: [0, -1] },
    ]);
    assert.ok((hub.get(sessionId)?.packetsSent ?? 0) > 30);

    // The viewer drops while W and a gamepad's A are held: the agent releases both (the pad reads as resting).
    viewer.close();
    await until(() => inputs.some((e) => e.kind === 'key' && e.code === 'KeyW' && !e.down), 'the key release');
    await until(
      () => inputs.some((e) => e.kind === 'pad' && e.index === 1 && e.buttons.length === 0 && e.axes.length === 0),
      'the gamepad release',
    );

    await db.pool.query(
      "update gameboost_sessions set started_at = now() - interval '2 minutes 30 seconds' where id = $1",
      [sessionId],
    );
    const ended = (await api.call<Body>('POST', `/api/v1/gameboost/sessions/${sessionId}/end`, { token: seeker.token }))
      .body.session;
    assert.equal(ended.usedMinutes, 3);
    assert.equal(ended.chargedMicros, '300000');
    hub.stopAll();
    await agent.stop();
    const report = await verifyLedger(appContext(db).ledger, { poolId: pool.id });
    assert.ok(report.ok);
  },
);

test(
  'the agent on one API process, the browser on another: signaling crosses through Redis pub/sub',
  { skip: !hasFfmpeg && 'ffmpeg is not installed' },
  async () => {
    const prefix = `xproc-${Math.random().toString(36).slice(2)}`;
    const redisA = await createClient({ url: REDIS_URL }).connect();
    const redisB = await createClient({ url: REDIS_URL }).connect();
    const apiA = await startApi(db, { presence, presenceTtlSeconds: 10, redis: redisA, prefix, bus });
    const apiB = await startApi(db, { presence, presenceTtlSeconds: 10, redis: redisB, prefix, bus });
    try {
      const { seeker, offer, hub, inputs, agent } = await streamingNode(apiA, 'xproc');
      const { sessionId, viewer } = await rentAndWatch(apiB, seeker.token, offer.id);
      await until(() => viewer.state.input?.isOpen() === true, 'the input channel');
      viewer.state.input?.sendMessage(JSON.stringify({ kind: 'key', code: 'Space', down: true }));
      await until(() => inputs.some((e) => e.kind === 'key' && e.code === 'Space'), 'input across processes');
      // Ending on B reaches the agent on A: its stream stops.
      await apiB.call('POST', `/api/v1/gameboost/sessions/${sessionId}/end`, { token: seeker.token });
      await until(() => hub.get(sessionId) === undefined, 'the agent to stop the stream');
      viewer.close();
      await agent.stop();
    } finally {
      await apiA.close();
      await apiB.close();
      await redisA.quit();
      await redisB.quit();
    }
  },
);

test('a viewer without H.264 gets VP8', { skip: !hasFfmpeg && 'ffmpeg is not installed' }, async () => {
  const { seeker, offer, hub, agent } = await streamingNode(api, 'vp8');
  const { viewer } = await rentAndWatch(api, seeker.token, offer.id, { vp8Only: true });
  assert.deepEqual([...viewer.state.payloadTypes], [97]);
  viewer.close();
  hub.stopAll();
  await agent.stop();
});

test(
  'with --audio, sound goes along in Opus on its own track',
  { skip: !hasFfmpeg && 'ffmpeg is not installed' },
  async () => {
    const { seeker, offer, hub, agent } = await streamingNode(api, 'sound', { ...LIGHT_STREAM, audio: true });
    const { viewer } = await rentAndWatch(api, seeker.token, offer.id);
    await until(() => viewer.state.payloadTypes.has(111), 'Opus packets');
    assert.deepEqual([...viewer.state.payloadTypes].sort(), [111, 96].sort());
    viewer.close();
    hub.stopAll();
    await agent.stop();
  },
);

test(
  "a real X display: the agent captures Xvfb (x11grab) and the viewer's mouse moves its pointer (xdotool)",
  { skip: !(hasFfmpeg && installed('Xvfb') && installed('xdotool')) && 'ffmpeg, Xvfb or xdotool is not installed' },
  async () => {
    const { display, pointer, close } = await startXvfb(70);
    const before = process.env.DISPLAY;
    const injector = createInjector(display, (line) => debug(`injector: ${line}`));
    try {
      process.env.DISPLAY = display;
      const { seeker, offer, hub, agent } = await streamingNode(api, 'x11', LIGHT_STREAM, {
        source: 'x11',
        onInput: (sessionId, event) => injector.inject(sessionId, event),
      });
      const { viewer } = await rentAndWatch(api, seeker.token, offer.id);
      await until(() => viewer.state.input?.isOpen() === true, 'the input channel');
      viewer.state.input?.sendMessage(JSON.stringify({ kind: 'mouse', x: 200, y: 100, buttons: 0 }));
      await until(() => pointer()?.x === 200 && pointer()?.y === 100, 'the pointer to move on the captured display');
      viewer.close();
      hub.stopAll();
      await agent.stop();
    } finally {
      if (before === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = before;
      injector.close();
      close();
    }
  },
);
