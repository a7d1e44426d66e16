/**
 * GameBoost end to end in a real browser: headless Chromium (Debian's, driven by playwright-core) follows the bot's
 * sign-in link to the web companion, picks the node on the GameBoost page and rents a slot; the player negotiates
 * WebRTC with a real host agent (node-datachannel, ffmpeg's test pattern) through the API's signaling socket,
 * decodes frames (the overlay shows FPS), sends keyboard and mouse input that reaches the agent, reports quality for
 * the SLA, and ends; the session page and the ledger show the capture for the minutes used, the SLA refund and the
 * fee. A second test kills the agent mid-stream: the session ends and is charged only up to when the agent was seen.
 * Needs Debian's chromium and ffmpeg (.ci/run installs both); without them the tests are skipped and say so.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_STREAM, type StreamSettings } from '../agent/stream.ts';
import { MemoryPresence } from '../core/agents/presence.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { splitFee } from '../core/money/allocate.ts';
import { sweepSessions } from '../core/gameboost/sweep-sessions.ts';
import { createLoginLink } from '../core/web/web-auth.ts';
import { actor, appContext } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { browserStreamMissing, launchChromium, streamingNode as startStreamingNode } from './helpers/gameboost.ts';

// Half the product's frame rate and bitrate: the suite shares two cores with the database and Chromium.
const LIGHT_STREAM = { ...DEFAULT_STREAM, fps: 30, bitrateKbps: 3000 };

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const missing = browserStreamMissing();
const debug = (line: string) => process.env.E2E_DEBUG && process.stderr.write(`${line}\n`);

let db: TestDatabase;
let api: TestApi;
let browser: Browser | null = null;
const presence = new MemoryPresence();
before(async () => {
  db = await createTestDatabase();
  api = await startApi(db, { presence, presenceTtlSeconds: 10, web: {} });
  if (!missing) browser = await launchChromium(['--disable-gpu', '--disable-quic']);
});
after(async () => {
  await browser?.close();
  await api.close();
  await db.close();
  // node-datachannel's native threads keep the process alive, and its cleanup() can crash after a failed
  // negotiation: once the runner has reported, the file's process just exits.
  setTimeout(() => process.exit(), 1000).unref();
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 100) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A pool with a node whose real agent streams the test pattern, a GameBoost offer on it, and a funded seeker. */
const streamingNode = (name: string, settings: StreamSettings = LIGHT_STREAM) =>
  startStreamingNode(api, db, presence, name, { settings, log: (line) => debug(`agent: ${line}`) });

/** The seeker's browser: signs in with the bot's link, opens the pool's GameBoost page, rents the node, plays. */
async function rentInBrowser(seekerId: string, poolName: string, locale: 'en-US' | 'ru-RU'): Promise<Page> {
  if (!browser) throw new Error('no browser');
  // The person's language comes from their chat client (Telegram's language_code, Discord's locale).
  await db.pool.query('update users set locale = $1 where id = $2', [locale.slice(0, 2), seekerId]);
  const page = await browser.newPage({ locale, viewport: { width: 1280, height: 760 } });
  page.on('console', (m) => debug(`page: ${m.text()}`));
  const { token } = await createLoginLink(appContext(db), actor(seekerId));
  await page.goto(`${api.url}/auth/link/${token}`);
  await page.click('[data-testid="continue"]');
  await page.waitForURL(`${api.url}/`);
  await page.click(`text=${poolName}`);
  await page.click('a[href$="/gameboost"]');
  await page.waitForSelector('.node.online');
  await page.selectOption('.node.online select[name="minutes"]', '15');
  await page.click('.node.online [data-testid="rent"]');
  await page.waitForURL(/\/play#session=/);
  return page;
}

interface SessionView {
  status: string;
  endReason: string | null;
  usedMinutes: number;
  holdMicros: string;
  chargedMicros: string;
  slaRefundMicros: string;
  sla: { samples: number; badSamples: number; source: string };
}

const sessionOf = async (token: string, id: string): Promise<SessionView> =>
  (await api.call<{ session: SessionView }>('GET', `/api/v1/gameboost/sessions/${id}`, { token })).body.session;

test(
  'a gamer signs in from the bot link, rents on the web, plays in Chromium with input, ends; the ledger settles',
  { skip: missing ?? false },
  async () => {
    const { pool, node, seeker, offer, hub, inputs, agent } = await streamingNode('play', {
      ...LIGHT_STREAM,
      audio: true,
    });
    const page = await rentInBrowser(seeker.userId, pool.name, 'ru-RU');
    const sessionId = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('session') ?? '';

    await until(
      async () => Number(await page.getAttribute('#overlay', 'data-frames-decoded')) > 10,
      'frames decoded in the browser',
    );
    const decodedEarly = Number(await page.getAttribute('#overlay', 'data-frames-decoded'));
    await until(
      async () => Number(await page.getAttribute('#overlay', 'data-frames-decoded')) > decodedEarly + 10,
      'framesDecoded to grow',
    );
    await until(async () => Number(await page.getAttribute('#overlay', 'data-fps')) > 0, 'the overlay to show FPS');
    assert.match(
      ((await page.textContent('#overlay')) ?? '').replace(/\s+/g, ' '),
      /FPS \d+ · RTT .+ · битрейт \d+ kb\/s · потери [\d.]+% · фризы \d+/,
    );
    assert.equal(await page.textContent('#end'), 'Завершить сеанс');
    // The stream has sound: it starts muted, and the viewer's click turns it on.
    await page.waitForSelector('#sound:not([hidden])');
    assert.equal(await page.textContent('#sound'), 'Включить звук');
    await page.click('#sound');
    assert.equal(await page.textContent('#sound'), 'Выключить звук');
    assert.equal(await page.evaluate('document.getElementById("video").muted'), false);
    await until(async () => (await sessionOf(seeker.token, sessionId)).status === 'live', 'the session to go live');

    // Keyboard and mouse reach the agent over the input data channel.
    await until(async () => (await page.getAttribute('#overlay', 'data-input')) === 'open', 'the input channel');
    await page.keyboard.down('KeyW');
    await page.mouse.move(640, 360);
    await page.mouse.down();
    await until(() => inputs.some((e) => e.kind === 'key' && e.code === 'KeyW' && e.down), 'the key at the agent');
    await until(() => inputs.some((e) => e.kind === 'mouse' && e.buttons === 1), 'the click at the agent');
    await page.keyboard.up('KeyW');
    await page.mouse.up();
    await until(() => inputs.some((e) => e.kind === 'key' && e.code === 'KeyW' && !e.down), 'the key released');
    const mouse = inputs.find((e) => e.kind === 'mouse');
    assert.ok(mouse && mouse.kind === 'mouse' && mouse.x > 0 && mouse.x <= 1280 && mouse.y > 0 && mouse.y <= 720);

    // Four and a half minutes in, with one frozen second among the browser's samples: the SLA was missed once.
    await db.pool.query(
      "update gameboost_sessions set started_at = now() - interval '4 minutes 30 seconds' where id = $1",
      [sessionId],
    );
    await db.pool.query(
      "insert into session_metrics (session_id, source, fps, rtt_ms, freezes) values ($1, 'browser', 2, 900, 1)",
      [sessionId],
    );
    await page.click('#end');
    // The player goes back to the web companion's page of the session, which shows the bill.
    await page.waitForURL(`${api.url}/sessions/${sessionId}`);
    assert.equal(await page.textContent('[data-testid="session-status"]'), 'завершён');
    const ended = await sessionOf(seeker.token, sessionId);
    assert.equal(ended.endReason, 'buyer');
    assert.equal(ended.usedMinutes, 5);
    const gross = 500_000n; // 5 minutes at 6 per hour
    assert.ok(ended.sla.samples > 1 && ended.sla.badSamples >= 1 && ended.sla.source === 'browser');
    assert.equal(BigInt(ended.slaRefundMicros), (gross * BigInt(ended.sla.badSamples)) / BigInt(ended.sla.samples));
    assert.ok(BigInt(ended.slaRefundMicros) > 0n, 'a refund for the missed SLA');
    assert.equal(BigInt(ended.chargedMicros) + BigInt(ended.slaRefundMicros), gross);
    // The bill in the reader's language and the pool's currency; what went back is the hold less the charge.
    assert.match((await page.textContent('[data-testid="charged"]')) ?? '', new RegExp(`^0,\\d+ ${pool.currency}$`));
    assert.equal(
      await page.textContent('[data-testid="returned"]'),
      `${String((Number(ended.holdMicros) - Number(ended.chargedMicros)) / 1e6).replace('.', ',')} ${pool.currency}`,
    );

    // The ledger: the seeker paid what was charged, the node got it less the 10% platform fee, nothing is held.
    const fees = await db.pool.query<{ amount: string }>(
      `select t.amount::text from ledger_transfers t join ledger_accounts a on a.id = t.credit_account_id
        where t.pool_id = $1 and a.kind = 'platform_fee'`,
      [pool.id],
    );
    const { feeMicros } = splitFee(BigInt(ended.chargedMicros), 1000);
    assert.deepEqual(
      fees.rows.map((r) => r.amount),
      [String(feeMicros)],
    );
    const balanceOf = async (token: string) =>
      (await api.call<Body>('GET', `/api/v1/pools/${pool.id}/balance`, { token })).body;
    const seekerBalance = await balanceOf(seeker.token);
    assert.equal(seekerBalance.postedMicros, String(10_000_000n - BigInt(ended.chargedMicros)));
    assert.equal(seekerBalance.pendingMicros, '0');
    assert.equal((await balanceOf(node.token)).postedMicros, String(BigInt(ended.chargedMicros) - feeMicros));
    assert.ok(offer.id);

    // The wallet page shows the payment in its history.
    await page.goto(`${api.url}/pools/${pool.id}`);
    assert.match((await page.textContent('[data-testid="history"]')) ?? '', /GameBoost/);
    // On a phone the amounts stay in view (columns a phone can do without are the ones that go).
    await page.setViewportSize({ width: 390, height: 844 });
    const amount = await page.locator('[data-testid="history"] td.num').first().boundingBox();
    assert.ok(amount && amount.width > 0 && amount.x + amount.width <= 390, `amount at ${JSON.stringify(amount)}`);
    await page.close();
    hub.stopAll();
    await agent.stop();
    assert.ok((await verifyLedger(appContext(db).ledger, { poolId: pool.id })).ok);
  },
);

test(
  'the agent dies mid-stream: the player says so, the session ends and is charged only until the agent was seen',
  { skip: missing ?? false },
  async () => {
    const { pool, seeker, machineId, hub, agent } = await streamingNode('lost');
    const page = await rentInBrowser(seeker.userId, pool.name, 'en-US');
    const sessionId = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('session') ?? '';
    await until(
      async () => Number(await page.getAttribute('#overlay', 'data-frames-decoded')) > 10,
      'frames decoded in the browser',
    );
    await until(async () => (await sessionOf(seeker.token, sessionId)).status === 'live', 'the session to go live');

    // The host process dies: its stream and its line to the API go at once.
    hub.stopAll();
    (agent as unknown as { ws: { terminate(): void } | null }).ws?.terminate();
    await agent.stop();
    await until(async () => (await page.textContent('#status')) === 'Connection lost', 'the player to notice');
    await until(async () => (await presence.online([machineId])).size === 0, 'the agent to be offline');

    // Past the grace period (the clock is moved, not waited for), the sweep ends it, charged up to last seen.
    await db.pool.query("update machines set last_seen_at = now() - interval '2 minutes' where id = $1", [machineId]);
    await db.pool.query(
      `update gameboost_sessions set started_at = (select last_seen_at from machines where id = $2) - interval '3 minutes'
        where id = $1`,
      [sessionId, machineId],
    );
    assert.equal((await sweepSessions(appContext(db, { presence }))).ended, 1);
    const lost = await sessionOf(seeker.token, sessionId);
    assert.equal(lost.endReason, 'agent_lost');
    assert.equal(lost.usedMinutes, 3, 'the 3 minutes until the agent was last seen, not the 15 rented');
    assert.equal(BigInt(lost.chargedMicros) + BigInt(lost.slaRefundMicros), 300_000n);
    const balance = (await api.call<Body>('GET', `/api/v1/pools/${pool.id}/balance`, { token: seeker.token })).body;
    assert.equal(balance.postedMicros, String(10_000_000n - BigInt(lost.chargedMicros)));
    assert.equal(balance.pendingMicros, '0', 'the rest of the 15-minute hold went back');

    await page.goto(`${api.url}/sessions/${sessionId}`);
    assert.equal(await page.textContent('[data-testid="session-status"]'), 'ended');
    assert.match((await page.textContent('main')) ?? '', /the node went offline/);
    await page.close();
    assert.ok((await verifyLedger(appContext(db).ledger, { poolId: pool.id })).ok);
  },
);
