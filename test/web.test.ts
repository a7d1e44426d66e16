/**
 * The web companion over HTTP (React Router rendered by the API's Express app): sign-in by a bot's single-use link,
 * by Telegram Mini App initData and by Discord OAuth2 against a fake Discord; the session cookie; CSRF on forms;
 * the wallet, marketplace (a purchase that replays on a double submit) and GameBoost pages, in English and Russian.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createLoginLink } from '../core/web/web-auth.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BOT_TOKEN = '123456:TEST-telegram-token';
let db: TestDatabase;
let api: TestApi;
let discord: Server;
let discordUrl: string;
const discordCodes = new Map<string, { id: string; username: string; global_name: string }>();

before(async () => {
  db = await createTestDatabase();
  // A fake Discord: the token endpoint trades a known code (once) for a token; /users/@me names its owner.
  discord = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method === 'POST' && req.url === '/oauth2/token') {
        const form = new URLSearchParams(raw);
        const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        const user = discordCodes.get(form.get('code') ?? '');
        if (auth !== '424242424242:client-secret' || !user) return send(400, { error: 'invalid_grant' });
        discordCodes.delete(form.get('code') ?? '');
        return send(200, { access_token: `at-${user.id}`, token_type: 'Bearer' });
      }
      if (req.method === 'GET' && req.url === '/users/@me') {
        const id = (req.headers.authorization ?? '').replace(/^Bearer at-/, '');
        return send(200, { id, username: `user${id.slice(-3)}`, global_name: 'Dana Discord' });
      }
      send(404, {});
    });
  });
  await new Promise<void>((resolve) => discord.listen(0, '127.0.0.1', resolve));
  discordUrl = `http://127.0.0.1:${(discord.address() as AddressInfo).port}`;
  api = await startApi(db, {
    web: {
      telegramBotToken: BOT_TOKEN,
      discord: {
        clientId: '424242424242',
        clientSecret: 'client-secret',
        apiBase: discordUrl,
        redirectUri: 'http://web.test/auth/discord/callback',
      },
    },
  });
});
after(async () => {
  await api.close();
  await new Promise((resolve) => discord.close(resolve));
  await db.close();
});

/** A browser of sorts: keeps cookies, never follows redirects (the test looks at each). */
class Browser {
  cookies = new Map<string, string>();
  constructor(private readonly language = 'en-US') {}
  async fetch(path: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { accept: 'text/html,*/*;q=0.8', 'accept-language': this.language };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(`${api.url}${path}`, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      if (attributes.some((a) => /max-age=0/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1));
    }
    // React marks text boundaries with empty comments; the assertions read the text without them.
    const html = (await response.text()).replaceAll('<!-- -->', '');
    return { status: response.status, location: response.headers.get('location'), html };
  }
  /** The CSRF token rendered into the page's forms. */
  static csrf(html: string): string {
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(token, 'the page carries a CSRF token');
    return token;
  }
}

function initData(user: Record<string, unknown>, authDate: number, token = BOT_TOKEN): string {
  const params = new URLSearchParams({ auth_date: String(authDate), query_id: 'AAH', user: JSON.stringify(user) });
  const check = [...params.entries()]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  params.set('hash', createHmac('sha256', secret).update(check).digest('hex'));
  return params.toString();
}

test('a bot link signs in once; the wallet, marketplace and GameBoost pages show the pool; forms need CSRF', async () => {
  const owner = await api.user('web-owner');
  const seller = await api.user('web-seller');
  const pool = (
    await api.call<Body>('POST', '/api/v1/pools', { token: owner.token, body: { name: 'Web Realm', type: 'public' } })
  ).body.pool;
  await api.call('POST', `/api/v1/pools/${pool.id}/join`, { token: seller.token, body: {} });
  await fund(db, { poolId: pool.id, currency: pool.currency }, owner.userId, 25_000_000n);
  const offer = (
    await api.call<Body>('POST', `/api/v1/pools/${pool.id}/offers`, {
      token: seller.token,
      body: { kind: 'cosmetic', title: 'Golden frame', priceMicros: '2500000', quantity: 3 },
    })
  ).body.offer;

  const anonymous = new Browser();
  const home = await anonymous.fetch('/');
  assert.equal(home.status, 200);
  assert.match(home.html, /Send \/web to the Power Realms bot/);
  assert.match(home.html, /Sign in with Discord/);
  assert.equal((await anonymous.fetch(`/pools/${pool.id}`)).location, `/?next=%2Fpools%2F${pool.id}`);

  // What /web answers in a bot (tested through grammY in bots tests) comes from this: a link for one person.
  const ctx = appContext(db);
  const { token } = await createLoginLink(ctx, actor(owner.userId));
  const browser = new Browser();
  const landing = await browser.fetch(`/auth/link/${token}`);
  assert.equal(landing.status, 200);
  assert.match(landing.html, /Continue as web-owner\?/);
  // Looking at the link (a chat's preview does) did not use it: continuing signs in and lands on the pools.
  const signedIn = await browser.fetch(`/auth/link/${token}`, { form: {} });
  assert.equal(signedIn.status, 302);
  assert.equal(signedIn.location, '/');
  assert.ok(browser.cookies.get('pr_session'), 'a session cookie');
  const pools = await browser.fetch('/');
  assert.match(pools.html, /Hello, web-owner/);
  assert.match(pools.html, new RegExp(`data-testid="balance-${pool.id}"><strong>25</strong> ${pool.currency}`));

  // The link worked once: again, it is gone (410) for anyone.
  const stranger = new Browser();
  assert.equal((await stranger.fetch(`/auth/link/${token}`)).status, 410);
  const reused = await stranger.fetch(`/auth/link/${token}`, { form: {} });
  assert.match(reused.html, /used or expired/);
  assert.equal(stranger.cookies.get('pr_session'), undefined);
  assert.equal((await stranger.fetch('/auth/link/not-a-token')).status, 410);

  // The marketplace: buying needs the form's CSRF token; with it, a double submit buys once.
  const market = await browser.fetch(`/pools/${pool.id}/market`);
  assert.match(market.html, /Golden frame/);
  const csrf = Browser.csrf(market.html);
  const key = /name="key" value="([0-9a-f-]{36})"/.exec(market.html)?.[1] ?? '';
  const forged = await browser.fetch(`/pools/${pool.id}/market?index`, {
    form: { offerId: offer.id, quantity: '2', key, _csrf: 'forged' },
  });
  assert.equal(forged.status, 403);
  const form = { offerId: offer.id, quantity: '2', key, _csrf: csrf };
  const bought = await browser.fetch(`/pools/${pool.id}/market`, { form });
  assert.equal(bought.status, 200);
  assert.match(bought.html, /Reserved: Golden frame for 5 PRC/);
  await browser.fetch(`/pools/${pool.id}/market`, { form });
  const deals = await db.pool.query('select count(*)::int as n from deals where pool_id = $1', [pool.id]);
  assert.equal(deals.rows[0].n, 1, 'the same form key reserves once');
  const tooMany = await browser.fetch(`/pools/${pool.id}/market`, {
    form: { ...form, key: crypto.randomUUID(), quantity: '5' },
  });
  assert.equal(tooMany.status, 409);
  assert.match(tooMany.html, /data-testid="refused"/);

  // The wallet: 20 available, 5 on hold toward the seller, the deal open, the history with the deposit.
  const wallet = await browser.fetch(`/pools/${pool.id}`);
  assert.match(wallet.html, /data-testid="available"><span class="label">Available<\/span><strong>20 PRC/);
  assert.match(wallet.html, /data-testid="held"><span class="label">On hold<\/span><strong>5 PRC/);
  assert.match(wallet.html, /<td>Deal<\/td><td>web-seller<\/td><td class="num">5 PRC<\/td>/);
  assert.match(wallet.html, /Golden frame/);
  assert.match(wallet.html, /data-testid="history"/);
  assert.match(
    wallet.html,
    /<td class="what">Deposit<\/td><td class="party">Payments in and out<\/td>/,
    'system accounts by name, not kind',
  );

  // GameBoost lists no slots yet; a pool the viewer is not in is refused with the bots' sentence.
  assert.match((await browser.fetch(`/pools/${pool.id}/gameboost`)).html, /No GameBoost slots/);
  const other = (
    await api.call<Body>('POST', '/api/v1/pools', { token: seller.token, body: { name: 'Closed', type: 'public' } })
  ).body.pool;
  const refused = await browser.fetch(`/pools/${other.id}`);
  assert.equal(refused.status, 403);

  // Russian: the switch is remembered for the person (like /language) and the page speaks Russian.
  const switched = await browser.fetch('/language', { form: { locale: 'ru', back: `/pools/${pool.id}`, _csrf: csrf } });
  assert.equal(switched.location, `/pools/${pool.id}`);
  const russian = await browser.fetch(`/pools/${pool.id}`);
  assert.match(russian.html, /Доступно/);
  assert.match(russian.html, /<html lang="ru">/);
  const overrides = await db.pool.query('select locale_override from users where id = $1', [owner.userId]);
  assert.equal(overrides.rows[0].locale_override, 'ru');

  // Signing out needs the token too, and ends the session server-side.
  assert.equal((await browser.fetch('/signout', { form: { _csrf: 'nope' } })).status, 403);
  const cookie = browser.cookies.get('pr_session');
  assert.equal((await browser.fetch('/signout', { form: { _csrf: csrf } })).location, '/');
  const replayed = new Browser();
  replayed.cookies.set('pr_session', cookie ?? '');
  assert.match((await replayed.fetch('/')).html, /Send \/web/);

  const report = await verifyLedger(db.ctx, { poolId: pool.id });
  assert.equal(report.ok, true);
});

test("an unknown path is the web's 404 page for a browser and a problem+json 404 for a program", async () => {
  const page = await new Browser('ru-RU').fetch('/no/such/page');
  assert.equal(page.status, 404);
  assert.match(page.html, /<html lang="ru"/);
  const program = await fetch(`${api.url}/no/such/page`);
  assert.equal(program.status, 404);
  assert.equal(program.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  // A page that exists answers a program too (it is a page, not a missing resource).
  assert.equal((await fetch(`${api.url}/`)).headers.get('content-type'), 'text/html; charset=utf-8');
});

test('the Telegram Mini App signs in with initData signed by the bot token; forged or stale data is refused', async () => {
  const now = Math.floor(Date.now() / 1000);
  const user = { id: 777001, first_name: 'Tanya', last_name: 'Telegram', username: 'tanya', language_code: 'ru' };
  const browser = new Browser('ru-RU');
  const page = await browser.fetch('/auth/telegram');
  assert.equal(page.status, 200);
  assert.match(page.html, /Вход через Telegram/);

  const forged = await browser.fetch('/auth/telegram', { form: { initData: initData(user, now, '999:other-bot') } });
  assert.equal(forged.status, 401);
  assert.equal(browser.cookies.get('pr_session'), undefined);
  const stale = await browser.fetch('/auth/telegram', { form: { initData: initData(user, now - 2 * 86_400) } });
  assert.equal(stale.status, 401);
  const tampered = initData(user, now).replace('Tanya', 'Eve');
  assert.equal((await browser.fetch('/auth/telegram', { form: { initData: tampered } })).status, 401);

  const ok = await browser.fetch('/auth/telegram', { form: { initData: initData(user, now) } });
  assert.equal(ok.status, 302);
  assert.ok(browser.cookies.get('pr_session'));
  const home = await browser.fetch('/');
  assert.match(home.html, /Здравствуйте, Tanya Telegram/);
  const identity = await db.pool.query(
    "select u.locale from user_identities i join users u on u.id = i.user_id where i.platform = 'telegram' and i.external_id = '777001'",
  );
  assert.equal(identity.rows[0].locale, 'ru', 'the same user the Telegram bot knows, in their language');
});

test('Discord OAuth2: state must match the cookie, the code is exchanged once, the user is the Discord identity', async () => {
  const browser = new Browser();
  const start = await browser.fetch(`/auth/discord?next=${encodeURIComponent('/pools')}`);
  assert.equal(start.status, 302);
  const authorize = new URL(start.location ?? '');
  assert.equal(`${authorize.origin}${authorize.pathname}`, `${discordUrl}/oauth2/authorize`);
  assert.equal(authorize.searchParams.get('client_id'), '424242424242');
  assert.equal(authorize.searchParams.get('scope'), 'identify');
  const state = authorize.searchParams.get('state') ?? '';
  assert.equal(browser.cookies.get('pr_oauth_state'), state);

  discordCodes.set('good-code', { id: '880000000000000001', username: 'dana', global_name: 'Dana Discord' });
  // Another browser (no state cookie) cannot finish this sign-in: login CSRF.
  const attacker = new Browser();
  const crossed = await attacker.fetch(`/auth/discord/callback?code=good-code&state=${state}`);
  assert.match(crossed.html, /Sign-in was refused/);
  assert.equal(attacker.cookies.get('pr_session'), undefined);

  const done = await browser.fetch(`/auth/discord/callback?code=good-code&state=${encodeURIComponent(state)}`);
  assert.equal(done.status, 302);
  assert.equal(done.location, '/pools');
  assert.ok(browser.cookies.get('pr_session'));
  assert.equal(browser.cookies.get('pr_oauth_state'), undefined, 'the state is spent');
  assert.match((await browser.fetch('/')).html, /Hello, Dana Discord/);

  // The code is spent at Discord: replaying the callback signs no one in.
  const again = new Browser();
  again.cookies.set('pr_oauth_state', state);
  const replay = await again.fetch(`/auth/discord/callback?code=good-code&state=${encodeURIComponent(state)}`);
  assert.match(replay.html, /Sign-in was refused/);
  assert.equal(again.cookies.get('pr_session'), undefined);
});

test('live notifications: the session cookie opens the event stream; without it, 401', async () => {
  const member = await api.user('web-sse');
  const { token } = await createLoginLink(appContext(db), actor(member.userId));
  const browser = new Browser();
  await browser.fetch(`/auth/link/${token}`, { form: {} });
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const controller = new AbortController();
  const stream = await fetch(`${api.url}/api/v1/events`, { headers: { cookie }, signal: controller.signal });
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
  controller.abort();
  const anonymous = await fetch(`${api.url}/api/v1/events`);
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
});
