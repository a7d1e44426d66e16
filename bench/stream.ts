/**
 * GameBoost streaming on loopback, measured the way a player sees it.
 *
 *   npm run bench -- stream [--json] [--seconds N] [--fps N] [--size WxH] [--bitrate KBPS]
 *
 * 1. Setup: the real API over a fresh database; a pool with a node and a funded seeker; the node's machine joins
 *    with a code, and the real host agent (`power-realms agent run --source test`, its own process) streams ffmpeg's
 *    moving test pattern, which carries the wall clock in a strip of blocks (agent/stream.ts, STAMP_*).
 * 2. The seeker rents the slot over REST and opens the product's player (/play) in headless Debian Chromium; the
 *    WebRTC negotiation goes through the API's signaling socket as in production.
 * 3. After a warm-up, for N seconds: every frame the browser presents (requestVideoFrameCallback) is drawn to a
 *    canvas, the stamp read back and compared with the presentation time: glass-to-glass latency (capture to
 *    display, the same clock on one machine). getStats gives decoded frames, drops and freezes; /proc gives the CPU
 *    time of the agent (node + ffmpeg), of Chromium, and of the whole machine.
 * 4. The session is ended and the agent stopped.
 *
 * Targets (issue 7): ≥ 55 decoded fps and glass-to-glass p50 ≤ 80 ms at 1280×720, 60 fps.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { STAMP_BITS, STAMP_BLOCK } from '../agent/stream.ts';
import { MemoryPresence } from '../core/agents/presence.ts';
import { startApi, type TestApi } from '../test/helpers/api.ts';
import { createTestDatabase, type TestDatabase } from '../test/helpers/db.ts';
import { browserStreamMissing, launchChromium, offerSlot, poolWithMachine } from '../test/helpers/gameboost.ts';
import { fmt, percentile, positiveInt, round, table, verdict } from './lib.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The page-side probe (a plain browser script): reads each presented frame's stamp, keeps the player's peer. */
const PROBE = path.join(ROOT, 'bench', 'stream-probe.js');
const WARMUP_SECONDS = 4;
const TARGET_FPS = 55;
const TARGET_P50_MS = 80;

interface Options {
  json: boolean;
  seconds: number;
  fps: number;
  size: string;
  bitrate: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      seconds: { type: 'string' },
      fps: { type: 'string' },
      size: { type: 'string' },
      bitrate: { type: 'string' },
    },
  });
  const size = values.size ?? '1280x720';
  if (!/^\d+x\d+$/.test(size)) throw new Error(`--size must be WIDTHxHEIGHT, got "${size}"`);
  return {
    json: values.json,
    seconds: positiveInt('seconds', values.seconds, 20),
    fps: positiveInt('fps', values.fps, 60),
    size,
    bitrate: positiveInt('bitrate', values.bitrate, 6000),
  };
}

/** What the page's probe collected: glass-to-glass per presented frame, and its parts where Chromium tells them. */
interface Probe {
  latencies: number[];
  toReceive: number[];
  unreadable: number;
  presented: number;
}

/** The player's inbound video as getStats reports it. */
interface Inbound {
  framesDecoded: number;
  framesDropped: number;
  framesReceived: number;
  freezeCount: number;
  totalFreezesDuration: number;
  frameWidth: number;
  frameHeight: number;
  bytesReceived: number;
  packetsLost: number;
  packetsReceived: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  totalDecodeTime: number;
}

interface CpuTicks {
  agent: number;
  ffmpeg: number;
  chromium: number;
  machineBusy: number;
  machineTotal: number;
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const missing = browserStreamMissing();
  if (missing) throw new Error(missing);
  console.log(
    `GameBoost stream benchmark — ${options.size} at ${options.fps} fps, ${options.bitrate} kb/s, H.264 over loopback, ` +
      `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'})`,
  );

  const dir = mkdtempSync(path.join(tmpdir(), 'pr-bench-stream-'));
  const presence = new MemoryPresence();
  let db: TestDatabase | null = null;
  let api: TestApi | null = null;
  let agent: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    db = await createTestDatabase();
    api = await startApi(db, { presence, presenceTtlSeconds: 30 });
    const { pool, node, seeker, machineId, credential } = await poolWithMachine(api, db, 'bench', {
      fundMicros: 100_000_000n,
      hardware: { cpu: cpus()[0]?.model ?? 'cpu', cores: cpus().length, ramGb: 8, os: 'Linux' },
    });
    const config = {
      apiUrl: api.url,
      machineId,
      poolId: pool.id,
      name: 'bench-rig',
      credential,
      joinedAt: new Date().toISOString(),
    };
    writeFileSync(path.join(dir, 'agent.json'), JSON.stringify(config));
    agent = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'power-realms.js'),
        'agent',
        'run',
        '--source',
        'test',
        '--fps',
        String(options.fps),
        '--size',
        options.size,
        '--bitrate',
        String(options.bitrate),
        '--config',
        path.join(dir, 'agent.json'),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await until(async () => (await presence.online([machineId])).size === 1, 'the agent to come online', 30_000);
    const offerId = (await offerSlot(api, node.token, pool.id, machineId, 'Bench')).id;

    const rented = await api.call<{ session: { id: string }; viewerToken: string; iceServers: unknown[] }>(
      'POST',
      '/api/v1/gameboost/sessions',
      { token: seeker.token, body: { offerId, minutes: 30 }, key: 'bench-stream' },
    );
    if (rented.status !== 201) throw new Error(`rent refused: ${JSON.stringify(rented.body)}`);
    const sessionId = rented.body.session.id;

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(
      `window.__stampProbe = ${JSON.stringify({ bits: STAMP_BITS, block: STAMP_BLOCK })};\n${readFileSync(PROBE, 'utf8')}`,
    );
    const fragment = new URLSearchParams({
      session: sessionId,
      token: rented.body.viewerToken,
      ice: JSON.stringify(rented.body.iceServers),
      lang: 'en',
    });
    await page.goto(`${api.url}/play#${fragment.toString()}`);
    await until(async () => (await inbound(page))?.framesDecoded !== undefined, 'the first decoded frame', 30_000);
    await sleep(WARMUP_SECONDS * 1000);

    const agentPid = agent.pid ?? 0;
    await page.evaluate('window.__probe.reset()');
    const statsBefore = await inbound(page);
    const cpuBefore = cpuTicks(agentPid);
    const started = performance.now();
    await sleep(options.seconds * 1000);
    const statsAfter = await inbound(page);
    const cpuAfter = cpuTicks(agentPid);
    const elapsed = (performance.now() - started) / 1000;
    const probe = await page.evaluate<Probe>('window.__probe.read()');
    if (!statsBefore || !statsAfter) throw new Error('the player reported no inbound video');

    await api.call('POST', `/api/v1/gameboost/sessions/${sessionId}/end`, { token: seeker.token });
    report(options, elapsed, statsBefore, statsAfter, cpuBefore, cpuAfter, probe);
  } finally {
    await browser?.close();
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await Promise.race([new Promise((resolve) => agent?.once('exit', resolve)), sleep(5000)]);
      agent.kill('SIGKILL');
    }
    await api?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inbound(page: Page): Promise<Inbound | null> {
  return page.evaluate<Inbound | null>('window.__probe.inbound()');
}

/** CPU clock ticks (utime + stime) of a process and its descendants, from /proc. */
function treeTicks(pid: number): number {
  let total = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11]) + Number(fields[12]);
    for (const task of readdirSync(`/proc/${pid}/task`))
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/))
        if (child) total += treeTicks(Number(child));
  } catch {
    // the process ended
  }
  return total;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/))
        if (child) children.push(Number(child));
    } catch {
      // the thread ended
    }
  }
  return children;
}

function cpuTicks(agentPid: number): CpuTicks {
  const ffmpegPids = childrenOf(agentPid).filter((pid) => commandOf(pid) === 'ffmpeg');
  const ffmpeg = ffmpegPids.reduce((sum, pid) => sum + treeTicks(pid), 0);
  const chromiumPids = childrenOf(process.pid).filter((pid) => commandOf(pid).startsWith('chrom'));
  const [, ...machine] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
  const idle = (machine[3] ?? 0) + (machine[4] ?? 0);
  const machineTotal = machine.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return {
    agent: treeTicks(agentPid) - ffmpeg,
    ffmpeg,
    chromium: chromiumPids.reduce((sum, pid) => sum + treeTicks(pid), 0),
    machineBusy: machineTotal - idle,
    machineTotal,
  };
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function report(
  options: Options,
  seconds: number,
  before: Inbound,
  after: Inbound,
  cpuBefore: CpuTicks,
  cpuAfter: CpuTicks,
  probe: Probe,
): void {
  const decodedFps = (after.framesDecoded - before.framesDecoded) / seconds;
  const presentedFps = probe.presented / seconds;
  const dropped = after.framesDropped - before.framesDropped;
  const freezes = after.freezeCount - before.freezeCount;
  const bitrateKbps = ((after.bytesReceived - before.bytesReceived) * 8) / seconds / 1000;
  const lost = after.packetsLost - before.packetsLost;
  const emitted = after.jitterBufferEmittedCount - before.jitterBufferEmittedCount;
  const jitterBufferMs = emitted > 0 ? ((after.jitterBufferDelay - before.jitterBufferDelay) / emitted) * 1000 : NaN;
  const decoded = after.framesDecoded - before.framesDecoded;
  const decodeMs = decoded > 0 ? ((after.totalDecodeTime - before.totalDecodeTime) / decoded) * 1000 : NaN;
  const sorted = Float64Array.from(probe.latencies).sort();
  const toReceive = Float64Array.from(probe.toReceive).sort();
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const cpu = (key: keyof CpuTicks) => ((cpuAfter[key] - cpuBefore[key]) / CLOCK_TICKS / seconds) * 100;
  const machinePercent =
    ((cpuAfter.machineBusy - cpuBefore.machineBusy) / (cpuAfter.machineTotal - cpuBefore.machineTotal)) * 100;
  const resolution = `${after.frameWidth}x${after.frameHeight}`;

  console.log(
    `\nmeasured ${fmt(seconds, 1)} s after a ${WARMUP_SECONDS} s warm-up; ${probe.latencies.length} stamped frames read` +
      (probe.unreadable ? `, ${probe.unreadable} unreadable` : ''),
  );
  console.log(
    table(
      ['figure', 'value', 'target'],
      [
        ['resolution decoded', resolution, options.size],
        ['decoded fps', fmt(decodedFps, 1), `≥ ${TARGET_FPS} ${verdict(decodedFps >= TARGET_FPS)}`],
        ['presented fps (rVFC)', fmt(presentedFps, 1), ''],
        [
          'glass-to-glass p50 ms',
          fmt(p50, 1),
          `≤ ${TARGET_P50_MS} ${verdict(sorted.length ? p50 <= TARGET_P50_MS : null)}`,
        ],
        ['glass-to-glass p95 ms', fmt(p95, 1), ''],
        ['glass-to-glass max ms', fmt(sorted.at(-1) ?? NaN, 1), ''],
        ['  capture → received p50 ms', fmt(percentile(toReceive, 50), 1), ''],
        ['  jitter buffer mean ms', fmt(jitterBufferMs, 1), ''],
        ['  decode mean ms', fmt(decodeMs, 2), ''],
        ['frames dropped', String(dropped), ''],
        ['freezes', String(freezes), ''],
        ['bitrate kb/s', fmt(bitrateKbps, 0), `≤ ${options.bitrate}`],
        ['packets lost', String(lost), ''],
        ['agent CPU % (node)', fmt(cpu('agent'), 1), ''],
        ['agent CPU % (ffmpeg)', fmt(cpu('ffmpeg'), 1), ''],
        ['Chromium CPU %', fmt(cpu('chromium'), 1), ''],
        ['machine CPU % (all cores)', fmt(machinePercent, 1), ''],
      ],
    ),
  );
  console.log('CPU % is of one core; the machine figure is of all cores together.');
  if (options.json)
    console.log(
      JSON.stringify({
        resolution,
        fps: options.fps,
        bitrateKbpsTarget: options.bitrate,
        seconds: round(seconds, 1),
        decodedFps: round(decodedFps, 1),
        presentedFps: round(presentedFps, 1),
        glassToGlassMsP50: round(p50, 1),
        glassToGlassMsP95: round(p95, 1),
        glassToGlassMsMax: round(sorted.at(-1) ?? NaN, 1),
        captureToReceiveMsP50: round(percentile(toReceive, 50), 1),
        jitterBufferMsMean: round(jitterBufferMs, 1),
        decodeMsMean: round(decodeMs, 2),
        stampedFrames: probe.latencies.length,
        unreadableStamps: probe.unreadable,
        framesDropped: dropped,
        freezes,
        bitrateKbps: round(bitrateKbps, 0),
        packetsLost: lost,
        agentCpuPercent: round(cpu('agent'), 1),
        ffmpegCpuPercent: round(cpu('ffmpeg'), 1),
        chromiumCpuPercent: round(cpu('chromium'), 1),
        machineCpuPercent: round(machinePercent, 1),
        fpsTargetMet: decodedFps >= TARGET_FPS,
        latencyTargetMet: p50 <= TARGET_P50_MS,
      }),
    );
}

async function until(check: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  for (let waited = 0; waited < ms; waited += 100) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
