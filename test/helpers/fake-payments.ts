import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

async function bodyOf(req: IncomingMessage): Promise<string> {
  let raw = '';
  for await (const chunk of req) raw += (chunk as Buffer).toString();
  return raw;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  url: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid';
  amount_total: number;
  currency: string;
  client_reference_id: string;
  metadata: Record<string, string>;
}

/**
 * Stripe's API as far as Checkout goes, on 127.0.0.1, for the real `stripe` package: creates sessions from its
 * form-encoded requests (replaying the answer for a repeated Idempotency-Key, as Stripe does) and retrieves them.
 */
export async function startFakeStripe() {
  const sessions = new Map<string, FakeSession>();
  const byKey = new Map<string, FakeSession>();
  const requests: { path: string; key: string | undefined; form: URLSearchParams }[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const form = new URLSearchParams(await bodyOf(req));
      const path = (req.url ?? '').split('?')[0] ?? '';
      const key = req.headers['idempotency-key'] as string | undefined;
      requests.push({ path, key, form });
      const json = (status: number, value: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${next}` })
          .end(JSON.stringify(value));
      if (req.headers.authorization !== 'Bearer sk_test_fake')
        return json(401, { error: { type: 'invalid_request_error', message: 'bad key' } });
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const known = key ? byKey.get(key) : undefined;
        if (known) return json(200, known);
        next += 1;
        const session: FakeSession = {
          id: `cs_test_${next}`,
          object: 'checkout.session',
          url: `https://checkout.stripe.test/pay/cs_test_${next}`,
          status: 'open',
          payment_status: 'unpaid',
          amount_total: Number(form.get('line_items[0][price_data][unit_amount]')),
          currency: form.get('line_items[0][price_data][currency]') ?? '',
          client_reference_id: form.get('client_reference_id') ?? '',
          metadata: { topupId: form.get('metadata[topupId]') ?? '' },
        };
        sessions.set(session.id, session);
        if (key) byKey.set(key, session);
        return json(200, session);
      }
      const found = /^\/v1\/checkout\/sessions\/([\w]+)$/.exec(path);
      if (req.method === 'GET' && found?.[1]) {
        const session = sessions.get(found[1]);
        return session
          ? json(200, session)
          : json(404, { error: { type: 'invalid_request_error', message: 'no such session' } });
      }
      return json(404, { error: { type: 'invalid_request_error', message: `unknown ${req.method} ${path}` } });
    })();
  });
  const url = await listen(server);
  return { url, sessions, requests, close: () => close(server) };
}

export interface FakePayment {
  payment_id: number;
  payment_status: string;
  order_id: string;
  pay_amount: string;
  actually_paid: string;
  pay_currency: string;
  price_amount: number;
  price_currency: string;
}

/** NOWPayments' invoice and payment-status endpoints on 127.0.0.1, checking `x-api-key`. */
export async function startFakeNowPayments(apiKey: string) {
  const invoices: Record<string, unknown>[] = [];
  const payments = new Map<string, FakePayment>();
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await bodyOf(req);
      const path = (req.url ?? '').split('?')[0] ?? '';
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.headers['x-api-key'] !== apiKey) return json(403, { message: 'Invalid api key' });
      if (req.method === 'POST' && path === '/v1/invoice') {
        const body = JSON.parse(raw) as Record<string, unknown>;
        const id = String(5_000_000 + invoices.length);
        invoices.push({ ...body, id });
        return json(200, { id, invoice_url: `https://nowpayments.test/payment/?iid=${id}`, ...body });
      }
      const found = /^\/v1\/payment\/(\d+)$/.exec(path);
      if (req.method === 'GET' && found?.[1]) {
        const payment = payments.get(found[1]);
        return payment ? json(200, payment) : json(404, { message: 'not found' });
      }
      return json(404, { message: 'unknown' });
    })();
  });
  const url = await listen(server);
  return { url, invoices, payments, close: () => close(server) };
}
