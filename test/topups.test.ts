/**
 * Money in through Stripe and NOWPayments, end to end over HTTP against real PostgreSQL: the real `stripe` package
 * against a local fake with webhooks signed by stripe.webhooks.generateTestHeaderString, and our NOWPayments client
 * against a local fake with IPNs signed here. Happy paths, duplicates, out-of-order and late events, forged and stale
 * signatures, partial and mismatched payments, reconciliation — and the ledger verifying clean after each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PaymentGateways } from '../core/topups/gateways.ts';
import { reconcileTopups } from '../core/topups/reconcile-topups.ts';
import { appContext } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import type { TestDatabase } from './helpers/db.ts';
import type { FakePayment } from './helpers/fake-payments.ts';
import { startPaymentsApi, type PaymentsApi } from './helpers/payments-api.ts';

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WEBHOOK_SECRET = 'whsec_test_secret';
const IPN_SECRET = 'ipn-secret-for-tests';

let env: PaymentsApi;
let db: TestDatabase;
let api: TestApi;
let stripeFake: PaymentsApi['stripeFake'];
let nowFake: PaymentsApi['nowFake'];
let payments: PaymentGateways;

before(async () => {
  env = await startPaymentsApi({ webhook: WEBHOOK_SECRET, ipn: IPN_SECRET });
  ({ db, api, stripeFake, nowFake, payments } = env);
});
after(() => env.close());

const member = (name: string) => env.member(name);
const balance = (who: { token: string; poolId: string }) => env.balance(who);
const stripeEvent = (...args: Parameters<PaymentsApi['stripeEvent']>) => env.stripeEvent(...args);
const ipn = (...args: Parameters<PaymentsApi['ipn']>) => env.ipn(...args);
const verified = (poolId: string) => env.verified(poolId);

/** The first user of this database is the Global Admin; a token for them with the admin scope. */
async function globalAdmin() {
  const { rows } = await db.pool.query<{ display_name: string }>(
    'select display_name from users where is_global_admin',
  );
  return api.user(rows[0]?.display_name ?? '', ['read', 'write', 'admin']);
}

describe('Stripe', () => {
  test('a Checkout top-up is credited once on the signed webhook; forged, stale and replayed ones change nothing', async () => {
    const alice = await member('st-alice');
    const started = await api.call<Body>('POST', `/api/v1/pools/${alice.poolId}/topups`, {
      token: alice.token,
      body: { amountMicros: '10005000', provider: 'stripe' },
      key: 'top-1',
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const topup = started.body.topup;
    assert.equal(topup.providerAmount, '1001');
    assert.match(topup.payUrl, /^https:\/\/checkout\.stripe\.test\/pay\/cs_test_/);
    const again = await api.call<Body>('POST', `/api/v1/pools/${alice.poolId}/topups`, {
      token: alice.token,
      body: { amountMicros: '10005000', provider: 'stripe' },
      key: 'top-1',
    });
    assert.equal(again.body.topup.id, topup.id);
    assert.equal(stripeFake.sessions.size, 1, 'one Checkout Session for one top-up');
    assert.equal(stripeFake.requests[0]?.key, `topup:api:${alice.userId}:top-1`);

    const session = [...stripeFake.sessions.values()][0];
    assert.ok(session);
    const paid = { ...session, status: 'complete', payment_status: 'paid' };
    const forged = await stripeEvent('evt_forged', 'checkout.session.completed', paid, { secret: 'whsec_wrong' });
    assert.equal(forged.status, 400);
    assert.equal(forged.problem?.code, 'WEBHOOK_SIGNATURE_INVALID');
    const stale = await stripeEvent('evt_stale', 'checkout.session.completed', paid, {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    assert.equal(stale.status, 400);
    const unsigned = await api.call('POST', '/webhooks/stripe', {
      body: '{}',
      headers: { 'stripe-signature': 't=1,v1=00' },
    });
    assert.equal(unsigned.status, 400);
    assert.equal(await balance(alice), '0');

    // A late "pending" event arriving after the payment changes nothing; a duplicate is acknowledged and ignored.
    const ok = await stripeEvent('evt_1', 'checkout.session.completed', paid);
    assert.deepEqual(ok.body, { received: true, result: 'applied' });
    assert.equal(await balance(alice), '10010000');
    const dup = await stripeEvent('evt_1', 'checkout.session.completed', paid);
    assert.deepEqual(dup.body, { received: true, result: 'duplicate' });
    const late = await stripeEvent('evt_0', 'checkout.session.completed', {
      ...session,
      status: 'complete',
      payment_status: 'unpaid',
    });
    assert.deepEqual(late.body, { received: true, result: 'ignored' });
    const second = await stripeEvent('evt_2', 'checkout.session.async_payment_succeeded', paid);
    assert.equal(second.status, 200);
    assert.equal(await balance(alice), '10010000', 'the same payment reported twice credits once');
    const shown = await api.call<Body>('GET', `/api/v1/topups/${topup.id}`, { token: alice.token });
    assert.equal(shown.body.topup.status, 'credited');
    assert.equal(shown.body.topup.creditedMicros, '10010000');
    await verified(alice.poolId);
  });

  test('a mismatched amount waits for review; an unknown top-up is refused; expiry and async failure end it', async () => {
    const bob = await member('st-bob');
    const start = async (key: string) =>
      (
        await api.call<Body>('POST', `/api/v1/pools/${bob.poolId}/topups`, {
          token: bob.token,
          body: { amountMicros: '5000000', provider: 'stripe' },
          key,
        })
      ).body.topup;
    const first = await start('b-1');
    const session = [...stripeFake.sessions.values()].find((s) => s.client_reference_id === first.id);
    assert.ok(session);
    const short = await stripeEvent('evt_b1', 'checkout.session.completed', {
      ...session,
      status: 'complete',
      payment_status: 'paid',
      amount_total: 400,
    });
    assert.equal(short.status, 200);
    assert.equal(await balance(bob), '0');
    const admin = await globalAdmin();
    const reviewed = await api.call<Body>('GET', `/api/v1/topups/${first.id}`, { token: bob.token });
    assert.equal(reviewed.body.topup.status, 'review');
    const resolved = await api.call<Body>('POST', `/api/v1/admin/topups/${first.id}/resolve`, {
      token: admin.token,
      body: { decision: 'credit' },
    });
    assert.equal(resolved.body.topup.status, 'credited');
    assert.equal(await balance(bob), '4000000', 'the admin credits what was actually paid');

    const unknown = await stripeEvent('evt_x', 'checkout.session.completed', {
      ...session,
      client_reference_id: '0193a5c2-7a51-7c3e-9a43-2f9a8e6b1d20',
      metadata: {},
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.problem?.code, 'TOPUP_NOT_FOUND');

    const second = await start('b-2');
    const s2 = [...stripeFake.sessions.values()].find((s) => s.client_reference_id === second.id);
    await stripeEvent('evt_b2', 'checkout.session.expired', { ...s2, status: 'expired' });
    assert.equal(
      (await api.call<Body>('GET', `/api/v1/topups/${second.id}`, { token: bob.token })).body.topup.status,
      'expired',
    );
    const third = await start('b-3');
    const s3 = [...stripeFake.sessions.values()].find((s) => s.client_reference_id === third.id);
    await stripeEvent('evt_b3a', 'checkout.session.completed', { ...s3, status: 'complete', payment_status: 'unpaid' });
    assert.equal(
      (await api.call<Body>('GET', `/api/v1/topups/${third.id}`, { token: bob.token })).body.topup.status,
      'confirming',
    );
    await stripeEvent('evt_b3b', 'checkout.session.async_payment_failed', {
      ...s3,
      status: 'complete',
      payment_status: 'unpaid',
    });
    assert.equal(
      (await api.call<Body>('GET', `/api/v1/topups/${third.id}`, { token: bob.token })).body.topup.status,
      'failed',
    );
    assert.equal(await balance(bob), '4000000');

    const report = await api.call<Body>('GET', '/api/v1/admin/topups/report', { token: admin.token });
    const row = report.body.items.find((r: Body) => r.poolId === bob.poolId);
    assert.deepEqual(
      { credited: row.creditedCount, micros: row.creditedMicros, failed: row.failedCount },
      { credited: 1, micros: '4000000', failed: 2 },
    );
    const notAdmin = await api.call('GET', '/api/v1/admin/topups/report', { token: bob.token });
    assert.equal(notAdmin.status, 403);
    await verified(bob.poolId);
  });

  test('reconciliation credits a payment whose webhook never came', async () => {
    const cara = await member('st-cara');
    const started = (
      await api.call<Body>('POST', `/api/v1/pools/${cara.poolId}/topups`, {
        token: cara.token,
        body: { amountMicros: '2000000', provider: 'stripe' },
        key: 'c-1',
      })
    ).body.topup;
    const session = [...stripeFake.sessions.values()].find((s) => s.client_reference_id === started.id);
    assert.ok(session);
    session.status = 'complete';
    session.payment_status = 'paid';
    await db.pool.query("update topups set created_at = now() - interval '1 hour' where id = $1", [started.id]);
    const result = await reconcileTopups(appContext(db, { payments }), 10);
    assert.ok(result.credited >= 1, JSON.stringify(result));
    assert.equal(await balance(cara), '2000000');
    // The webhook arriving after all changes nothing.
    const lateHook = await stripeEvent('evt_c1', 'checkout.session.completed', { ...session });
    assert.equal(lateHook.status, 200);
    assert.equal(await balance(cara), '2000000');
    await verified(cara.poolId);
  });
});

describe('NOWPayments', () => {
  test('a USDT invoice is credited on finished, at the recorded rate, once; statuses only move forward', async () => {
    const dan = await member('np-dan');
    const started = await api.call<Body>('POST', `/api/v1/pools/${dan.poolId}/topups`, {
      token: dan.token,
      body: { amountMicros: '25000000', provider: 'nowpayments' },
      key: 'n-1',
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const topup = started.body.topup;
    assert.equal(topup.providerAmount, '25');
    assert.match(topup.payUrl, /^https:\/\/nowpayments\.test\/payment\//);
    assert.equal(nowFake.invoices[0]?.order_id, topup.id);
    assert.equal(nowFake.invoices[0]?.ipn_callback_url, 'https://realms.example/webhooks/nowpayments');

    const payment: FakePayment = {
      payment_id: 777001,
      payment_status: 'waiting',
      order_id: topup.id,
      pay_amount: '25',
      actually_paid: '0',
      pay_currency: 'usdttrc20',
      price_amount: 25,
      price_currency: 'usd',
    };
    const forged = await ipn({ ...payment, payment_status: 'finished', actually_paid: '25' }, { secret: 'wrong' });
    assert.equal(forged.status, 400);
    const missing = await api.call('POST', '/webhooks/nowpayments', { body: JSON.stringify(payment) });
    assert.equal(missing.status, 400);
    assert.equal(await balance(dan), '0');

    for (const status of ['waiting', 'confirming', 'confirmed', 'sending'])
      assert.equal((await ipn({ ...payment, payment_status: status })).status, 200);
    assert.equal(
      (await api.call<Body>('GET', `/api/v1/topups/${topup.id}`, { token: dan.token })).body.topup.status,
      'confirming',
    );
    const finished = await ipn({ ...payment, payment_status: 'finished', actually_paid: '25.000001' });
    assert.deepEqual(finished.body, { received: true, result: 'applied' });
    assert.equal(await balance(dan), '25000001', 'credited what was actually paid, rounded down to the micro');
    assert.deepEqual((await ipn({ ...payment, payment_status: 'finished', actually_paid: '25.000001' })).body, {
      received: true,
      result: 'duplicate',
    });
    assert.deepEqual((await ipn({ ...payment, payment_status: 'confirming' })).body, {
      received: true,
      result: 'duplicate',
    });
    const late = await ipn({ ...payment, payment_status: 'partially_paid', actually_paid: '3' });
    assert.deepEqual(late.body, { received: true, result: 'ignored' }, 'a late partial after finished changes nothing');
    assert.equal(await balance(dan), '25000001');
    await verified(dan.poolId);
  });

  test('a partial payment waits for review; a failure ends the top-up; reconciliation reads the payment status', async () => {
    const eve = await member('np-eve');
    const start = async (key: string) =>
      (
        await api.call<Body>('POST', `/api/v1/pools/${eve.poolId}/topups`, {
          token: eve.token,
          body: { amountMicros: '10000000', provider: 'nowpayments' },
          key,
        })
      ).body.topup;
    const base = { pay_currency: 'usdttrc20', price_amount: 10, price_currency: 'usd', pay_amount: '10' };
    const first = await start('e-1');
    await ipn({
      ...base,
      payment_id: 888001,
      payment_status: 'partially_paid',
      order_id: first.id,
      actually_paid: '6',
    });
    assert.equal(
      (await api.call<Body>('GET', `/api/v1/topups/${first.id}`, { token: eve.token })).body.topup.status,
      'review',
    );
    const second = await start('e-2');
    await ipn({ ...base, payment_id: 888002, payment_status: 'failed', order_id: second.id, actually_paid: '0' });
    assert.equal(
      (await api.call<Body>('GET', `/api/v1/topups/${second.id}`, { token: eve.token })).body.topup.status,
      'failed',
    );
    assert.equal(await balance(eve), '0');

    const third = await start('e-3');
    const payment: FakePayment = {
      ...base,
      payment_id: 888003,
      payment_status: 'confirming',
      order_id: third.id,
      actually_paid: '0',
    };
    await ipn(payment);
    nowFake.payments.set('888003', { ...payment, payment_status: 'finished', actually_paid: '10' });
    await db.pool.query("update topups set created_at = now() - interval '1 hour' where id = $1", [third.id]);
    await reconcileTopups(appContext(db, { payments }), 10);
    assert.equal(await balance(eve), '10000000');
    await verified(eve.poolId);
  });

  test('a provider that is not configured is a clear refusal', async () => {
    const fay = await member('np-fay');
    const bare = await startApi(db, {});
    try {
      const refused = await bare.call<Body>('POST', `/api/v1/pools/${fay.poolId}/topups`, {
        token: fay.token,
        body: { amountMicros: '1000000', provider: 'stripe' },
        key: 'f-1',
      });
      assert.equal(refused.status, 503);
      assert.equal(refused.problem?.code, 'PAYMENT_PROVIDER_UNAVAILABLE');
      const hook = await bare.call('POST', '/webhooks/stripe', { body: '{}', headers: { 'stripe-signature': 'x' } });
      assert.equal(hook.status, 503);
    } finally {
      await bare.close();
    }
  });
});
