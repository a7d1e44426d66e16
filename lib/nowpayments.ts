import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { WebhookSignatureError, type NowPayment, type NowPaymentsGateway } from '../core/topups/gateways.ts';

/** JSON with every object's keys sorted, recursively: what NOWPayments signs. */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as Record<string, unknown>)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

/** HMAC-SHA512 of the key-sorted body with the IPN secret, hex: the `x-nowpayments-sig` header. */
export const signIpn = (body: unknown, secret: string): string =>
  createHmac('sha512', secret).update(sortedJson(body)).digest('hex');

const Payment = z
  .object({
    payment_id: z.union([z.number(), z.string()]).transform(String),
    payment_status: z.string(),
    order_id: z.string().nullable().optional(),
    pay_amount: z.union([z.number(), z.string()]).transform(String),
    actually_paid: z.union([z.number(), z.string()]).transform(String).optional(),
    pay_currency: z.string(),
  })
  .loose();

const toPayment = (raw: unknown): NowPayment => {
  const p = Payment.parse(raw);
  return {
    paymentId: p.payment_id,
    status: p.payment_status,
    orderId: p.order_id ?? null,
    payAmount: p.pay_amount,
    actuallyPaid: p.actually_paid ?? '0',
    payCurrency: p.pay_currency,
  };
};

/** Our own small typed NOWPayments client: a base URL (a local fake in tests), the API key, the IPN secret. */
export function createNowPaymentsClient(options: {
  baseUrl: string;
  apiKey: string;
  ipnSecret: string;
}): NowPaymentsGateway {
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${options.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: { 'x-api-key': options.apiKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`NOWPayments ${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  return {
    async createInvoice(input) {
      const invoice = z
        .object({ id: z.union([z.number(), z.string()]).transform(String), invoice_url: z.string() })
        .loose()
        .parse(
          await call('POST', '/v1/invoice', {
            price_amount: Number(input.priceAmount),
            price_currency: 'usd',
            pay_currency: input.payCurrency,
            order_id: input.orderId,
            order_description: input.description,
            ipn_callback_url: input.ipnUrl,
            success_url: input.successUrl,
          }),
        );
      return { invoiceId: invoice.id, url: invoice.invoice_url };
    },
    async payment(paymentId) {
      return toPayment(await call('GET', `/v1/payment/${encodeURIComponent(paymentId)}`));
    },
    verifyIpn(rawBody, signature) {
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new WebhookSignatureError('the body is not JSON');
      }
      const expected = Buffer.from(signIpn(body, options.ipnSecret), 'hex');
      const given = Buffer.from(signature ?? '', 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new WebhookSignatureError('x-nowpayments-sig does not match');
      return toPayment(body);
    },
  };
}
