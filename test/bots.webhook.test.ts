/** Telegram's webhook mode: updates POSTed with the registered secret reach the bot; anything else gets 401. */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { createTelegramBot } from '../bots/telegram/bot.ts';
import { TELEGRAM_WEBHOOK_PATH, telegramWebhookRouter } from '../bots/telegram/webhook.ts';
import { ConfigError, parseEnv } from '../config/env.ts';
import { createLogger } from '../lib/logger.ts';
import { appContext } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startFakeTelegram, textUpdate } from './helpers/fake-telegram.ts';

const SECRET = 'webhook_secret_for_tests_0123';
let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let server: Server;
let url: string;

before(async () => {
  db = await createTestDatabase();
  fake = await startFakeTelegram();
  const bot = createTelegramBot({
    token: '4242:TEST',
    botInfo: { id: 4242, is_bot: true, first_name: 'PR', username: 'power_realms_bot' } as never,
    apiRoot: fake.apiRoot,
    appContext: () => appContext(db),
    logger: createLogger('silent'),
    publicUrl: 'https://realms.example',
  });
  const app = express();
  app.use(telegramWebhookRouter(bot, SECRET));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${TELEGRAM_WEBHOOK_PATH}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fake.close();
  await db.close();
});

const post = (update: unknown, secret?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(update),
  });

test('an update with the secret is answered; without it, or with a forged one, 401 and nothing happens', async () => {
  const help = (id: number) =>
    textUpdate({ from: { id, first_name: 'Вера', language_code: 'ru' }, chat: { id, type: 'private' }, text: '/help' });
  assert.equal((await post(help(71))).status, 401);
  assert.equal((await post(help(72), 'forged-secret-0000000000')).status, 401);
  assert.deepEqual([fake.sent(71), fake.sent(72)], [[], []]);
  const ok = await post(help(73), SECRET);
  assert.equal(ok.status, 200);
  assert.match(fake.sent(73)[0] ?? '', /объединяет компьютеры/);
});

test('webhook mode needs its secret', () => {
  assert.throws(
    () => parseEnv({ TELEGRAM_WEBHOOK_URL: 'https://realms.example/webhooks/telegram' }),
    (error: unknown) => error instanceof ConfigError && /TELEGRAM_WEBHOOK_SECRET/.test(error.message),
  );
  assert.throws(
    () => parseEnv({ TELEGRAM_WEBHOOK_URL: 'http://insecure.example/x', TELEGRAM_WEBHOOK_SECRET: SECRET }),
    ConfigError,
  );
  assert.equal(
    parseEnv({ TELEGRAM_WEBHOOK_URL: 'https://realms.example/webhooks/telegram', TELEGRAM_WEBHOOK_SECRET: SECRET })
      .TELEGRAM_WEBHOOK_SECRET,
    SECRET,
  );
});
