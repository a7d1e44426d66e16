/**
 * `power-realms bots` as its own process: it connects to the Bot API (a fake one, through TELEGRAM_API_ROOT), sets
 * the command menus, long-polls, answers a command, and stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startFakeTelegram, textUpdate } from './helpers/fake-telegram.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
before(async () => {
  db = await createTestDatabase();
  fake = await startFakeTelegram();
});
after(async () => {
  await fake.close();
  await db.close();
});

test('the bots role long-polls Telegram and answers in the sender’s language', async () => {
  const child = spawn(process.execPath, ['bin/power-realms.js', 'bots'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      TELEGRAM_BOT_TOKEN: '4242:TEST',
      TELEGRAM_API_ROOT: fake.apiRoot,
      DISCORD_TOKEN: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    for (let waited = 0; waited < 20_000 && !stdout.includes('Telegram bot:'); waited += 100) await sleep(100);
    assert.match(stdout, /Telegram bot: @power_realms_bot \(long polling\)/, stderr);
    assert.match(stdout, /Discord bot off: DISCORD_TOKEN not set/);
    assert.equal(fake.calls.filter((c) => c.method === 'setMyCommands').length, 2);
    fake.push(
      textUpdate({
        from: { id: 77, first_name: 'Вера', language_code: 'ru' },
        chat: { id: 77, type: 'private' },
        text: '/help',
      }),
    );
    for (let waited = 0; waited < 10_000 && fake.sent(77).length === 0; waited += 100) await sleep(100);
    assert.match(fake.sent(77)[0] ?? '', /объединяет компьютеры/);
  } finally {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
  }
});
