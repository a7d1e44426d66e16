/**
 * Top-ups at the edges, over HTTP against real PostgreSQL with the real `stripe` package and our NOWPayments client
 * pointed at local fakes: provider ids that are not ours, a NOWPayments quote in USDT that differs from the USD price,
 * a partial payment completed later, a redelivery after a crash between storing the event and crediting, concurrent
 * deliveries of the same payment, and a top-up the admin rejected — with the ledger verifying clean after each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestApi } from './helpers/api.ts';
import type { TestDatabase } from './helpers/db.ts';
import type { FakePayment } from './helpers/fake-payments.ts';
import { startPaymentsApi, type PaymentsApi } from './helpers/payments-api.ts';

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WEBHOOK_SECRET = 'whsec_edge_secret';
const IPN_SECRET = 'ipn-edge-secret';

let env: PaymentsApi;
let db: TestDatabase;
let api: TestApi;
let stripeFake: PaymentsApi['stripeFake'];

before(async () => {
  env = await startPaymentsApi({ webhook: WEBHOOK_SECRET, ipn: IPN_SECRET });
  ({ db, api, stripeFake } = env);
});
after(() => env.close());

/** A member of a pool of their own who starts top-ups (each must be accepted). */
async function member(name: string) {
  const user = await env.member(name);
  const start = async (key: string, provider: 'stripe' | 'nowpayments', amountMicros: string) => {
    const started = await api.call<Body>('POST', `/api/v1/pools/${user.poolId}/topups`, {
      token: user.token,
      body: { amountMicros, provider },
      key,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    return started.body.topup as Body;
  };
  return { ...user, start };
}

const balance = (who: { token: string; poolId: string }) => env.balance(who);
const status = async (who: { token: string }, topupId: string) =>
  (await api.call<Body>('GET', `/api/v1/topups/${topupId}`, { token: who.token })).body.topup.status as string;
const verified = (poolId: string) => env.verified(poolId);
const stripeEvent = (id: string, type: string, session: Record<string, unknown>) => env.stripeEvent(id, type, session);
const ipn = (payment: FakePayment) => env.ipn(payment);

const usdtPayment = (orderId: string, paymentId: number, over: Partial<FakePayment> = {}): FakePayment => ({
  payment_id: paymentId,
  payment_status: 'waiting',
  order_id: orderId,
  pay_amount: '10',
  actually_paid: '0',
  pay_currency: 'usdttrc20',
  price_amount: 10,
  price_currency: 'usd',
  ...over,
});

describe('names that are not ours', () => {
  test('a signed event naming something that is not a top-up id is refused as unknown, not a server error', async () => {
    const stripe = await stripeEvent('evt_foreign', 'checkout.session.completed', {
      id: 'cs_foreign',
      object: 'checkout.session',
      status: 'complete',
      payment_status: 'paid',
      amount_total: 500,
      currency: 'usd',
      client_reference_id: 'order-42',
      metadata: {},
    });
    assert.equal(stripe.status, 404, JSON.stringify(stripe.body));
    assert.equal(stripe.problem?.code, 'TOPUP_NOT_FOUND');
    const np = await ipn(usdtPayment('shop-order-7', 990001, { payment_status: 'finished', actually_paid: '10' }));
    assert.equal(np.status, 404, JSON.stringify(np.body));
    assert.equal(np.problem?.code, 'TOPUP_NOT_FOUND');
    const { rows } = await db.pool.query('select count(*)::int as n from provider_events');
    assert.equal(rows[0].n, 0, 'nothing is stored for an event that names no top-up of ours');
  });
});

describe('NOWPayments amounts', () => {
  test('paid in full in USDT at NOWPayments’ own quote: credited what was paid, at the recorded rate', async () => {
    const ann = await member('edge-ann');
    const topup = await ann.start('a-1', 'nowpayments', '10000000');
    // The invoice is priced in USD; NOWPayments quotes 9.998 USDT for it and the member pays exactly that.
    const quoted = usdtPayment(topup.id, 991001, { pay_amount: '9.998' });
    await ipn({ ...quoted, payment_status: 'confirming' });
    const done = await ipn({ ...quoted, payment_status: 'finished', actually_paid: '9.998' });
    assert.deepEqual(done.body, { received: true, result: 'applied' });
    assert.equal(await status(ann, topup.id), 'credited');
    assert.equal(await balance(ann), '9998000');
    await verified(ann.poolId);
  });

  test('a partial payment waits for review, and is credited in full when NOWPayments later reports it finished', async () => {
    const ben = await member('edge-ben');
    const topup = await ben.start('b-1', 'nowpayments', '10000000');
    const payment = usdtPayment(topup.id, 992001);
    await ipn({ ...payment, payment_status: 'partially_paid', actually_paid: '4' });
    assert.equal(await status(ben, topup.id), 'review');
    // The member sends more: a second partial with a larger amount is a new event, and the review sees the new amount.
    const more = await ipn({ ...payment, payment_status: 'partially_paid', actually_paid: '7' });
    assert.equal(more.body.result, 'applied');
    const { rows } = await db.pool.query<{ paid_amount: string }>('select paid_amount from topups where id = $1', [
      topup.id,
    ]);
    assert.equal(rows[0]?.paid_amount, '7');
    assert.equal(await balance(ben), '0');
    const finished = await ipn({ ...payment, payment_status: 'finished', actually_paid: '10' });
    assert.equal(finished.body.result, 'applied');
    assert.equal(await status(ben, topup.id), 'credited');
    assert.equal(await balance(ben), '10000000');
    assert.equal((await ipn({ ...payment, payment_status: 'finished', actually_paid: '10' })).body.result, 'duplicate');
    assert.equal(await balance(ben), '10000000');
    await verified(ben.poolId);
  });

  test('a top-up the Global Admin rejected is never credited by a later event', async () => {
    const cid = await member('edge-cid');
    const topup = await cid.start('c-1', 'nowpayments', '10000000');
    const payment = usdtPayment(topup.id, 993001);
    await ipn({ ...payment, payment_status: 'partially_paid', actually_paid: '2' });
    const { rows } = await db.pool.query<{ display_name: string }>(
      'select display_name from users where is_global_admin',
    );
    const admin = await api.user(rows[0]?.display_name ?? '', ['read', 'write', 'admin']);
    const rejected = await api.call<Body>('POST', `/api/v1/admin/topups/${topup.id}/resolve`, {
      token: admin.token,
      body: { decision: 'reject' },
    });
    assert.equal(rejected.body.topup.status, 'failed');
    const late = await ipn({ ...payment, payment_status: 'finished', actually_paid: '10' });
    assert.equal(late.body.result, 'ignored');
    assert.equal(await balance(cid), '0');
    await verified(cid.poolId);
  });
});

describe('exactly once under failure and concurrency', () => {
  test('a redelivery after a crash between storing the event and crediting credits the payment', async () => {
    const dee = await member('edge-dee');
    const topup = await dee.start('d-1', 'stripe', '3000000');
    const session = [...stripeFake.sessions.values()].find((s) => s.client_reference_id === topup.id);
    assert.ok(session);
    const paid = { ...session, status: 'complete', payment_status: 'paid' };
    // The process stored the event and died before the ledger: only the provider_events row exists.
    await db.pool.query(
      `insert into provider_events (provider, event_id, topup_id, type, payload)
       values ('stripe', 'evt_crash', $1, 'checkout.session.completed', '{}')`,
      [topup.id],
    );
    const retried = await stripeEvent('evt_crash', 'checkout.session.completed', paid);
    assert.equal(retried.status, 200);
    assert.equal(await status(dee, topup.id), 'credited');
    assert.equal(await balance(dee), '3000000');
    assert.equal((await stripeEvent('evt_crash', 'checkout.session.completed', paid)).body.result, 'duplicate');
    await verified(dee.poolId);
  });

  test('the same payment delivered many times at once, under different events, credits once', async () => {
    const eli = await member('edge-eli');
    const topup = await eli.start('e-1', 'stripe', '4000000');
    const session = [...stripeFake.sessions.values()].find((s) => s.client_reference_id === topup.id);
    assert.ok(session);
    const paid = { ...session, status: 'complete', payment_status: 'paid' };
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        stripeEvent(
          `evt_race_${i % 2}`,
          i % 2 === 0 ? 'checkout.session.completed' : 'checkout.session.async_payment_succeeded',
          paid,
        ),
      ),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array.from({ length: 8 }, () => 200),
    );
    assert.equal(await balance(eli), '4000000');
    const { rows } = await db.pool.query<{ n: number }>(
      "select count(*)::int as n from outbox_events where type = 'TopupCredited' and payload->>'topupId' = $1",
      [topup.id],
    );
    assert.equal(rows[0]?.n, 1, 'one notification');
    await verified(eli.poolId);
  });
});
