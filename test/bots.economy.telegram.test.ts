/**
 * The economy through the Telegram bot end to end: a real grammY Bot against the fake Bot API, the real notifier fed
 * by the outbox relay, real PostgreSQL. A node lists a GameBoost slot, a seeker browses (in Russian) and buys it with
 * the list's button and a private confirmation, the node delivers, the seeker confirms with the button the
 * notification carries; the node withdraws, the owner approves on the card and records the payment. Double presses
 * and replayed updates change nothing; the ledger verifies clean.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bot } from 'grammy';
import { createNotifier } from '../bots/notify.ts';
import { createTelegramBot, telegramOutbound } from '../bots/telegram/bot.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { registerMachine } from '../core/machines/register-machine.ts';
import { processPresence } from '../core/agents/presence.ts';
import { InMemoryEventBus } from '../events/bus.ts';
import { OutboxRelay } from '../events/outbox-relay.ts';
import { createLogger } from '../lib/logger.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startFakeTelegram, textUpdate, type TelegramCall } from './helpers/fake-telegram.ts';

const GROUP = { id: -7001, type: 'supergroup' as const, title: 'Rig Room' };
const OWNER = { id: 7100, first_name: 'Olga', language_code: 'en' };
const NODE = { id: 7101, first_name: 'Nik', language_code: 'en' };
const SEEKER = { id: 7102, first_name: 'Света', language_code: 'ru' };
const dm = (who: { id: number }) => ({ id: who.id, type: 'private' as const });

let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let bot: Bot;
let relay: OutboxRelay;
before(async () => {
  db = await createTestDatabase();
  fake = await startFakeTelegram({ admins: new Set([OWNER.id]) });
  const logger = createLogger('silent');
  bot = createTelegramBot({
    token: '4242:TEST',
    botInfo: { id: 4242, is_bot: true, first_name: 'PR', username: 'power_realms_bot' } as never,
    apiRoot: fake.apiRoot,
    appContext: () => appContext(db),
    logger,
    publicUrl: 'https://realms.example',
  });
  const bus = new InMemoryEventBus(() => undefined);
  bus.subscribe(
    'bots',
    createNotifier({ appContext: () => appContext(db), outbound: { telegram: telegramOutbound(bot) }, logger }),
  );
  relay = new OutboxRelay(db.pool, bus, logger);
});
after(async () => {
  await fake.close();
  await db.close();
});

let updateId = 700_000;
const send = (from: typeof OWNER, text: string, chat: { id: number; type: 'private' | 'supergroup' } = GROUP) =>
  bot.handleUpdate(textUpdate({ from, chat, text, updateId: (updateId += 1) }) as never);
const press = (from: typeof OWNER, data: string, chat: { id: number; type: string } = dm(from), sameUpdate?: number) =>
  bot.handleUpdate({
    update_id: sameUpdate ?? (updateId += 1),
    callback_query: {
      id: `cb-${updateId}`,
      from: { is_bot: false, ...from },
      chat_instance: 'ci',
      data,
      message: { message_id: 9, date: 0, chat, text: 'card\nstate' },
    },
  } as never);
const textOf = (call: TelegramCall | undefined): string =>
  typeof call?.payload.text === 'string' ? call.payload.text : '';
const messagesTo = (chatId: number): TelegramCall[] =>
  fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId);
const lastTo = (chatId: number) => textOf(messagesTo(chatId).at(-1));
const buttonsOf = (call: TelegramCall | undefined): { text: string; callback_data: string }[] =>
  (
    (call?.payload.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)
      ?.inline_keyboard ?? []
  ).flat();
const lastAnswer = () => textOf(fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1));
const balanceOf = async (telegramId: number, poolId: string) => {
  const { rows } = await db.pool.query<{ posted: string; pending: string }>(
    `select (a.credits_posted - a.debits_posted)::text as posted, a.debits_pending::text as pending
       from ledger_accounts a join user_identities i on i.user_id = a.user_id
      where i.platform = 'telegram' and i.external_id = $1 and a.pool_id = $2 and a.kind = 'member'`,
    [String(telegramId), poolId],
  );
  return rows[0] ?? { posted: '0', pending: '0' };
};

test('sell, browse in Russian, buy with a button and a private confirmation, deliver, confirm, withdraw', async () => {
  await send(OWNER, '/pool create Rig Room');
  const poolId = (await db.pool.query<{ id: string }>("select id from pools where telegram_chat_id = '-7001'")).rows[0]
    ?.id as string;
  assert.ok(poolId);
  await send(NODE, '/join');
  await send(SEEKER, '/join');
  const ids = await db.pool.query<{ external_id: string; user_id: string }>(
    "select external_id, user_id from user_identities where platform = 'telegram'",
  );
  const userOf = (who: { id: number }) => ids.rows.find((r) => r.external_id === String(who.id))?.user_id as string;
  await registerMachine(appContext(db), actor(userOf(NODE)), {
    poolId,
    name: 'rig',
    hardware: { cpu: 'Ryzen 9', gpu: 'RTX 4090', ramGb: 64, os: 'Linux' },
    hwid: 'hwid-rig-telegram',
  });
  await fund(db, { poolId, currency: 'PRC' }, userOf(SEEKER), 10_000_000n);

  // A wrong machine name is a clear refusal; the right one lists the offer.
  await send(NODE, '/sell gameboost_slot 3 RTX 4090 at 1440p machine=nope');
  assert.match(lastTo(NODE.id), /cannot find that machine/);
  await send(NODE, '/sell gameboost_slot 3 RTX 4090 at 1440p machine=rig quantity=5');
  assert.match(lastTo(GROUP.id), /^Listed #[0-9a-f]{8} “RTX 4090 at 1440p” at 3 PRC\/hour\.$/);

  await send(SEEKER, '/market');
  const list = messagesTo(GROUP.id).at(-1);
  assert.match(
    String(list?.payload.text),
    /Маркетплейс Rig Room: 1–1 из 1\n#[0-9a-f]{8} RTX 4090 at 1440p · слот GameBoost · 3 PRC\/час · Nik ★50 · осталось 5/,
  );
  const buy = buttonsOf(list).find((b) => b.text.startsWith('Купить'));
  assert.ok(buy, JSON.stringify(list?.payload.reply_markup));

  await press(SEEKER, buy.callback_data, GROUP);
  const confirm = messagesTo(SEEKER.id).at(-1);
  assert.match(String(confirm?.payload.text), /^Купить 1 × «RTX 4090 at 1440p» у Nik за 3 PRC\?/);
  const yes = buttonsOf(confirm).find((b) => b.callback_data.endsWith(':c'));
  assert.ok(yes);
  await press(SEEKER, yes.callback_data);
  assert.match(lastAnswer(), /^Забронировано: сделка #[0-9a-f]{8}/);
  await press(SEEKER, yes.callback_data);
  assert.equal(lastAnswer(), 'Это уже решено или истекло; ничего не изменилось.');
  assert.deepEqual(await balanceOf(SEEKER.id, poolId), { posted: '10000000', pending: '3000000' });

  // The seller hears of the sale with a Delivered button; pressing it twice delivers once.
  await relay.relayOnce();
  const sold = messagesTo(NODE.id).find((c) =>
    String(c.payload.text).startsWith('Света bought 1 × “RTX 4090 at 1440p”'),
  );
  const delivered = buttonsOf(sold).find((b) => b.text.startsWith('Delivered'));
  assert.ok(
    delivered,
    messagesTo(NODE.id)
      .map((c) => c.payload.text)
      .join('\n'),
  );
  await press(NODE, delivered.callback_data);
  assert.match(lastAnswer(), /marked delivered/);
  await press(NODE, delivered.callback_data);
  assert.equal(lastAnswer(), 'That deal is already delivered.');

  await relay.relayOnce();
  const arrived = messagesTo(SEEKER.id).find((c) => String(c.payload.text).startsWith('Nik выполнил(а)'));
  const confirmDeal = buttonsOf(arrived).find((b) => b.text.startsWith('Подтвердить'));
  assert.ok(confirmDeal);
  await press(SEEKER, confirmDeal.callback_data);
  assert.match(lastAnswer(), /подтверждена: продавец получил оплату/);
  assert.deepEqual(await balanceOf(NODE.id, poolId), { posted: '2700000', pending: '0' });
  await relay.relayOnce();
  assert.ok(messagesTo(NODE.id).some((c) => String(c.payload.text).includes('completed: you received 2.7 PRC')));

  // Withdrawals take payment details only in the private chat.
  await send(NODE, '/withdraw request 2 usdt_trc20 TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE');
  assert.match(lastTo(NODE.id), /send \/withdraw request to me in a private chat/);
  assert.equal(await db.pool.query('select 1 from withdrawals').then((r) => r.rowCount), 0);
  await send(NODE, '/withdraw request 2 usdt_trc20 T-not-an-address', dm(NODE));
  assert.match(lastTo(NODE.id), /^That destination is not valid: a TRON address/);
  await send(NODE, '/withdraw request 2 usdt_trc20 TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE', dm(NODE));
  const ask = messagesTo(NODE.id).at(-1);
  assert.match(String(ask?.payload.text), /^Withdraw 2 PRC to USDT \(TRC-20\) TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE\?/);
  await press(NODE, buttonsOf(ask).find((b) => b.callback_data.endsWith(':c'))?.callback_data ?? '');
  assert.match(lastAnswer(), /^Withdrawal #[0-9a-f]{8} requested: it needs 1 approval\./);
  assert.equal((await balanceOf(NODE.id, poolId)).pending, '2000000');

  // The owner gets the approval card; a member cannot press it; the owner's press confirms it.
  await relay.relayOnce();
  const card = messagesTo(OWNER.id).find((c) => String(c.payload.text).startsWith('Nik asks to withdraw 2 PRC'));
  assert.match(String(card?.payload.text), /\nApproved 0 of 1 needed · rejected 0$/);
  const approve = buttonsOf(card).find((b) => b.callback_data.endsWith(':a'));
  assert.ok(approve);
  await press(SEEKER, approve.callback_data);
  assert.equal(lastAnswer(), 'Эта кнопка не для вас.');
  await press(OWNER, approve.callback_data);
  assert.match(lastAnswer(), /Approved \(1 of 1\)/);
  await relay.relayOnce();
  assert.match(lastTo(NODE.id), /withdrawal #[0-9a-f]{8} of 2 PRC is approved/);
  const pay = messagesTo(OWNER.id).find((c) => String(c.payload.text).startsWith('Pay Nik 2 PRC'));
  const code = /\/withdraw paid ([0-9a-f]{8})/.exec(String(pay?.payload.text))?.[1];
  assert.ok(code, String(pay?.payload.text));
  await send(NODE, `/withdraw paid ${code} tx-1`, dm(NODE));
  assert.equal(lastTo(NODE.id), "Only the pool's owner can do that.");
  await send(OWNER, `/withdraw paid ${code} tron tx 0xabc`, dm(OWNER));
  assert.match(lastTo(OWNER.id), /is completed\.$/);
  await relay.relayOnce();
  assert.match(lastTo(NODE.id), /is paid \(reference tron tx 0xabc\)\.$/);
  assert.deepEqual(await balanceOf(NODE.id, poolId), { posted: '700000', pending: '0' });

  await send(NODE, '/withdraw status', dm(NODE));
  assert.match(lastTo(NODE.id), /Withdrawals in Rig Room:\n#[0-9a-f]{8} 2 PRC · paid · approvals 1\/1/);
  // GameBoost from chat: with the node's agent online, /rent confirms privately and hands out the player link.
  const machine = (await db.pool.query<{ id: string }>("select id from machines where name = 'rig'")).rows[0]?.id ?? '';
  const offerCode = /#([0-9a-f]{8})/.exec(String(list?.payload.text))?.[1] ?? '';
  await send(SEEKER, `/rent ${offerCode} 30`, dm(SEEKER));
  assert.equal(lastTo(SEEKER.id), 'Эта машина сейчас не в сети.');
  await processPresence.touch(machine, 60);
  await send(SEEKER, `/rent ${offerCode} 30`, dm(SEEKER));
  const rentAsk = messagesTo(SEEKER.id).at(-1);
  assert.match(textOf(rentAsk), /^Арендовать «RTX 4090 at 1440p» на 30 мин\? Удерживается 1,5 PRC/);
  await press(SEEKER, buttonsOf(rentAsk).find((b) => b.callback_data.endsWith(':c'))?.callback_data ?? '');
  assert.match(
    lastAnswer(),
    /^Слот готов на 30 мин\. Откройте в браузере .*: https:\/\/realms\.example\/play#session=[0-9a-f-]{36}&token=/,
  );
  assert.equal((await balanceOf(SEEKER.id, poolId)).pending, '1500000');
  await processPresence.forget(machine);

  const report = await verifyLedger(appContext(db).ledger, { poolId });
  assert.ok(report.ok);
});
