import assert from 'node:assert/strict';
import Stripe from 'stripe';
import type { PaymentGateways } from '../../core/topups/gateways.ts';
import { verifyLedger } from '../../core/ledger/verify-ledger.ts';
import { createNowPaymentsClient, signIpn } from '../../lib/nowpayments.ts';
import { createStripeGateway } from '../../lib/stripe-gateway.ts';
import { appContext } from './app.ts';
import { startApi, type TestApi } from './api.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { startFakeNowPayments, startFakeStripe, type FakePayment } from './fake-payments.ts';

// Answers are probed as loose JSON; their shapes are checked by the routes' response schemas.
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const signer = new Stripe('sk_test_fake');

/**
 * The API with payments over a fresh database: the real `stripe` package and our NOWPayments client pointed at
 * local fakes, and the ways a test talks to it — a member in a pool of their own, their balance, the ledger check,
 * and webhooks signed as Stripe (generateTestHeaderString) and NOWPayments (HMAC-SHA512 of the sorted body) sign.
 */
export async function startPaymentsApi(secrets: { webhook: string; ipn: string }) {
  const db: TestDatabase = await createTestDatabase();
  const stripeFake = await startFakeStripe();
  const nowFake = await startFakeNowPayments('np-key');
  const payments: PaymentGateways = {
    stripe: createStripeGateway({ secretKey: 'sk_test_fake', webhookSecret: secrets.webhook, apiBase: stripeFake.url }),
    nowpayments: createNowPaymentsClient({ baseUrl: nowFake.url, apiKey: 'np-key', ipnSecret: secrets.ipn }),
    rates: { usdMicros: 1_000_000, usdtMicros: 1_000_000, starMicros: 13_000 },
    publicUrl: 'https://realms.example',
  };
  const api: TestApi = await startApi(db, { payments });

  return {
    db,
    api,
    stripeFake,
    nowFake,
    payments,
    /** A user who joined a public pool of its own (with its owner). */
    async member(name: string) {
      const owner = await api.user(`${name}-owner`);
      const user = await api.user(name);
      const pool = await api.call<{ pool: { id: string } }>('POST', '/api/v1/pools', {
        token: owner.token,
        body: { name: `${name} pool`, type: 'public' },
      });
      const poolId = pool.body.pool.id;
      await api.call('POST', `/api/v1/pools/${poolId}/join`, { token: user.token, body: {} });
      return { ...user, poolId };
    },
    async balance(who: { token: string; poolId: string }) {
      return (await api.call<Body>('GET', `/api/v1/pools/${who.poolId}/balance`, { token: who.token })).body
        .postedMicros as string;
    },
    async verified(poolId: string) {
      const report = await verifyLedger(appContext(db).ledger, { poolId });
      assert.ok(report.ok, JSON.stringify(report));
    },
    stripeEvent(
      id: string,
      type: string,
      session: Record<string, unknown>,
      options: { secret?: string; timestamp?: number } = {},
    ) {
      const payload = JSON.stringify({
        id,
        object: 'event',
        type,
        api_version: '2025-01-01',
        created: 1,
        data: { object: session },
      });
      const header = signer.webhooks.generateTestHeaderString({
        payload,
        secret: options.secret ?? secrets.webhook,
        timestamp: options.timestamp,
      });
      return api.call<Body>('POST', '/webhooks/stripe', { body: payload, headers: { 'stripe-signature': header } });
    },
    ipn(payment: FakePayment, options: { secret?: string; signature?: string } = {}) {
      const signature = options.signature ?? signIpn(payment, options.secret ?? secrets.ipn);
      // Key order differs from the sorted order the signature covers: the server must sort before checking.
      const body = JSON.stringify(Object.fromEntries(Object.entries(payment).reverse()));
      return api.call<Body>('POST', '/webhooks/nowpayments', { body, headers: { 'x-nowpayments-sig': signature } });
    },
    async close() {
      await api.close();
      await stripeFake.close();
      await nowFake.close();
      await db.close();
    },
  };
}
export type PaymentsApi = Awaited<ReturnType<typeof startPaymentsApi>>;
