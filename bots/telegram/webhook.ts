import express, { type Router } from 'express';
import { webhookCallback, type Bot } from 'grammy';

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

/**
 * Telegram's webhook behind our Express app: updates are POSTed here by Telegram with the secret we registered in
 * `X-Telegram-Bot-Api-Secret-Token`; anything without it is refused with 401 before it reaches the bot.
 */
export function telegramWebhookRouter(bot: Bot, secretToken: string): Router {
  const router = express.Router();
  router.post(
    TELEGRAM_WEBHOOK_PATH,
    express.json({ limit: '1mb' }),
    // Telegram retries an update it got no answer to within its timeout: answer before that, finish in the background.
    webhookCallback(bot, 'express', { secretToken, onTimeout: 'return', timeoutMilliseconds: 9000 }),
  );
  return router;
}
