import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';
import { AgentConnection } from '../../agent/connection.ts';
import { StreamHub, type InputEvent, type Source, type StreamSettings } from '../../agent/stream.ts';
import type { Presence } from '../../core/agents/presence.ts';
import { fund } from './app.ts';
import type { TestApi } from './api.ts';
import type { TestDatabase } from './db.ts';
import { hasFfmpeg } from './host-tools.ts';

/** Debian's Chromium (package chromium), driven by playwright-core in the GameBoost tests and the stream benchmark. */
export const CHROMIUM = '/usr/bin/chromium';

export { hasFfmpeg };

/** Why a browser stream cannot run here (Chromium or ffmpeg missing), or null when it can. */
export function browserStreamMissing(): string | null {
  if (!existsSync(CHROMIUM)) return 'Debian chromium is not installed (apt-get install chromium)';
  return hasFfmpeg ? null : 'ffmpeg is not installed (apt-get install ffmpeg)';
}

/** Headless Chromium as the GameBoost tests and benchmark need it: autoplay, and ICE host candidates as addresses. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      ...extraArgs,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      // Host candidates as addresses, not mDNS names (which the agent's ICE cannot resolve).
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
}

/**
 * A public pool (“GB `name`”) with an owner, a node and a seeker funded with `fundMicros`; the node's machine
 * joined with a code from the pool, as `agent join` does it.
 */
export async function poolWithMachine(
  api: TestApi,
  db: TestDatabase,
  name: string,
  options: { fundMicros: bigint; hardware?: Record<string, unknown> },
) {
  const owner = await api.user(`${name}-owner`);
  const node = await api.user(`${name}-node`);
  const seeker = await api.user(`${name}-seeker`);
  const pool = (
    await api.call<{ pool: { id: string; name: string; currency: string } }>('POST', '/api/v1/pools', {
      token: owner.token,
      body: { name: `GB ${name}`, type: 'public' },
    })
  ).body.pool;
  for (const who of [node, seeker])
    await api.call('POST', `/api/v1/pools/${pool.id}/join`, { token: who.token, body: {} });
  await fund(db, { poolId: pool.id, currency: pool.currency }, seeker.userId, options.fundMicros);
  const { code } = (
    await api.call<{ code: string }>('POST', `/api/v1/pools/${pool.id}/agent-codes`, { token: node.token })
  ).body;
  const joined = await api.call<{ machineId: string; credential: string }>('POST', '/api/v1/agent/join', {
    body: {
      code,
      name: `${name}-rig`,
      hardware: options.hardware ?? { cpu: 'test', ramGb: 8, os: 'Linux' },
      hwid: `hwid-${name}`,
    },
  });
  if (joined.status !== 201) throw new Error(`agent join refused: ${JSON.stringify(joined.body)}`);
  return { pool, owner, node, seeker, machineId: joined.body.machineId, credential: joined.body.credential };
}

/** The node's GameBoost slot on its machine, at 6 per hour. */
export async function offerSlot(api: TestApi, token: string, poolId: string, machineId: string, title: string) {
  const offered = await api.call<{ offer: { id: string } }>('POST', `/api/v1/pools/${poolId}/offers`, {
    token,
    body: { kind: 'gameboost_slot', title, priceMicros: '6000000', machineId },
  });
  if (offered.status !== 201) throw new Error(`offer refused: ${JSON.stringify(offered.body)}`);
  return offered.body.offer;
}

/**
 * `poolWithMachine` whose machine runs a real agent in this process (StreamHub over an AgentConnection, the test
 * pattern at `settings`), online, with a GameBoost offer; the input the agent receives is collected in `inputs`.
 * `onAgent` hears of the agent as soon as it starts, so a test can stop it even if it never comes online.
 */
export async function streamingNode(
  api: TestApi,
  db: TestDatabase,
  presence: Presence,
  name: string,
  options: {
    settings: StreamSettings;
    /** What the agent streams: the test pattern unless told (x11 captures $DISPLAY). */
    source?: Source;
    log?(line: string): void;
    onAgent?(hub: StreamHub, agent: AgentConnection): void;
    /** Where input goes besides `inputs` (an injector, for a test on a real display). */
    onInput?(sessionId: string, event: InputEvent): void;
  },
) {
  const setup = await poolWithMachine(api, db, name, { fundMicros: 10_000_000n });
  const inputs: InputEvent[] = [];
  let connection: AgentConnection | null = null;
  const hub = new StreamHub({
    source: options.source ?? 'test',
    settings: options.settings,
    send: (m) => connection?.send(m),
    onInput: (sessionId, e) => {
      inputs.push(e);
      options.onInput?.(sessionId, e);
    },
    log: (line) => options.log?.(line),
  });
  const agent = new AgentConnection(api.url, setup.credential, {
    onSession: (m) => hub.onSession(m),
    onSignal: (sessionId, data) => hub.onSignal(sessionId, data),
  });
  connection = agent;
  agent.start();
  options.onAgent?.(hub, agent);
  for (let waited = 0; (await presence.online([setup.machineId])).size === 0; waited += 50) {
    if (waited >= 15_000) throw new Error('timed out waiting for the agent to come online');
    await sleep(50);
  }
  const offer = await offerSlot(api, setup.node.token, setup.pool.id, setup.machineId, 'Test pattern');
  return { ...setup, offer, hub, inputs, agent };
}
