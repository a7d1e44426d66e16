import express, { type Request, type Response, type Router } from 'express';
import type { AppContext } from '../../core/context.ts';
import { isAppError } from '../../core/errors.ts';
import { WebhookSignatureError } from '../../core/topups/gateways.ts';
import { fromNowPayments, fromStripe } from '../../core/topups/provider-events.ts';
import { settleTopup, type ProviderUpdate } from '../../core/topups/settle-topup.ts';
import type { Logger } from '../../lib/logger.ts';
import { sendAppError, sendProblem } from '../problem.ts';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
export const NOWPAYMENTS_WEBHOOK_PATH = '/webhooks/nowpayments';

/**
 * The payment providers' webhooks. Each reads the raw body (signatures are over the exact bytes), verifies it through
 * the provider's adapter, and applies the event exactly once. A forged, wrongly signed or stale delivery is refused
 * with 400 and changes nothing; an event for a top-up we do not know is logged and refused with 404; a duplicate is
 * acknowledged with 200 (providers retry until they get a 2xx).
 */
export function paymentWebhooksRouter(options: { appContext: () => AppContext; logger: Logger }): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '256kb' });

  const handle = async (res: Response, provider: string, work: () => Promise<ProviderUpdate | null>) => {
    try {
      const update = await work();
      if (!update) return void res.status(200).json({ received: true, ignored: true });
      const result = await settleTopup(options.appContext(), update);
      res.status(200).json({ received: true, result: result.kind });
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        options.logger.warn({ provider, reason: error.message }, 'webhook refused: bad signature');
        return sendProblem(res, 400, 'WEBHOOK_SIGNATURE_INVALID', 'The signature is missing, forged or stale.');
      }
      if (isAppError(error)) {
        options.logger.warn({ provider, code: error.code, detail: error.message }, 'webhook refused');
        return sendAppError(res, error);
      }
      throw error;
    }
  };

  router.post(STRIPE_WEBHOOK_PATH, raw, async (req: Request, res: Response) => {
    const stripe = options.appContext().payments?.stripe;
    if (!stripe) return sendProblem(res, 503, 'PAYMENT_PROVIDER_UNAVAILABLE', 'Stripe is not configured here.');
    await handle(res, 'stripe', async () =>
      fromStripe(stripe.verifyWebhook(bodyOf(req), req.get('stripe-signature') ?? '')),
    );
  });

  router.post(NOWPAYMENTS_WEBHOOK_PATH, raw, async (req: Request, res: Response) => {
    const nowpayments = options.appContext().payments?.nowpayments;
    if (!nowpayments)
      return sendProblem(res, 503, 'PAYMENT_PROVIDER_UNAVAILABLE', 'NOWPayments is not configured here.');
    await handle(res, 'nowpayments', async () =>
      fromNowPayments(nowpayments.verifyIpn(bodyOf(req), req.get('x-nowpayments-sig'))),
    );
  });
  return router;
}

const bodyOf = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
