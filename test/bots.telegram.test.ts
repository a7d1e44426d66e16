/**
 * The Telegram bot end to end: a real grammY Bot against a fake Bot API on 127.0.0.1, real PostgreSQL, both languages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { createTelegramBot, registerTelegramCommands } from '../bots/telegram/bot.ts';
import { createLinkCode } from '../core/identities/link-codes.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { createLogger } from '../lib/logger.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startFakeTelegram, textUpdate } from './helpers/fake-telegram.ts';

const BOT_INFO: UserFromGetMe = {
  id: 4242,
  is_bot: true,
  first_name: 'Power Realms',
  username: 'power_realms_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

const ADMIN = 100;
const GROUP = { id: -1001, type: 'supergroup' as const, title: 'Night Owls' };
const person = (id: number, name: string, language_code = 'en', username?: string) => ({
  id,
  first_name: name,
  language_code,
  username,
});

let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let bot: Bot;
const send = async (
  from: ReturnType<typeof person>,
  text: string,
  chat: { id: number; type: 'private' | 'supergroup' } = GROUP,
  extra: { updateId?: number } = {},
) => bot.handleUpdate(textUpdate({ from, chat, text, ...extra }) as never);
const lastTo = (chatId: number) => fake.sent(chatId).at(-1) ?? '';

before(async () => {
  db = await createTestDatabase();
  fake = await startFakeTelegram({ admins: new Set([ADMIN]), noPrivateChat: new Set([999]) });
  bot = createTelegramBot({
    token: '4242:TEST',
    botInfo: BOT_INFO,
    apiRoot: fake.apiRoot,
    appContext: () => appContext(db),
    logger: createLogger('silent'),
    publicUrl: 'https://realms.example',
  });
});
after(async () => {
  await fake.close();
  await db.close();
});

const membership = (
  status: 'member' | 'left' | 'kicked',
  old: 'member' | 'left' | 'kicked',
  from: ReturnType<typeof person>,
) => ({
  update_id: Math.floor(Math.random() * 1e9),
  my_chat_member: {
    chat: GROUP,
    from: { is_bot: false, ...from },
    date: Math.floor(Date.now() / 1000),
    old_chat_member: { status: old, user: { id: BOT_INFO.id, is_bot: true, first_name: 'PR' } },
    new_chat_member: { status, user: { id: BOT_INFO.id, is_bot: true, first_name: 'PR' } },
  },
});

describe('Telegram', () => {
  test('commands menu in English and Russian; the menu button opens the Mini App where it can', async () => {
    await registerTelegramCommands(bot);
    const menus = fake.calls.filter((c) => c.method === 'setMyCommands');
    assert.equal(menus.length, 2);
    const ru = menus.find((m) => m.payload.language_code === 'ru');
    const names = (ru?.payload.commands as { command: string; description: string }[]).map((c) => c.command);
    assert.ok(names.includes('balance') && names.includes('join'));
    assert.match(JSON.stringify(ru?.payload.commands), /Ваш баланс/);
    // On a local address the menu button shows the commands; on a public https one it opens the Mini App.
    assert.deepEqual(fake.calls.filter((c) => c.method === 'setChatMenuButton').at(-1)?.payload, {
      menu_button: { type: 'commands' },
    });
    await registerTelegramCommands(bot, 'https://realms.example.org/');
    assert.deepEqual(fake.calls.filter((c) => c.method === 'setChatMenuButton').at(-1)?.payload, {
      menu_button: {
        type: 'web_app',
        text: 'Power Realms',
        web_app: { url: 'https://realms.example.org/auth/telegram' },
      },
    });
  });

  test('/help follows the app language', async () => {
    await send(person(1, 'Ann', 'en'), '/help', { id: 1, type: 'private' });
    assert.match(lastTo(1), /pools this community's computers/);
    await send(person(2, 'Борис', 'ru'), '/help', { id: 2, type: 'private' });
    assert.match(lastTo(2), /объединяет компьютеры/);
  });

  test('added to a group, the bot says how to start; removed, it unbinds the pool and keeps everything else', async () => {
    const LATER = { id: -3003, type: 'supergroup' as const, title: 'Later' };
    await bot.handleUpdate({
      ...membership('member', 'left', person(ADMIN, 'Olga', 'ru')),
      my_chat_member: { ...membership('member', 'left', person(ADMIN, 'Olga', 'ru')).my_chat_member, chat: LATER },
    } as never);
    assert.match(lastTo(LATER.id), /Спасибо, что добавили меня/);
    await send(person(ADMIN, 'Olga'), '/pool create Later', LATER);
    const poolId = (await db.pool.query<{ id: string }>("select id from pools where telegram_chat_id = '-3003'"))
      .rows[0]?.id;
    assert.ok(poolId);
    await bot.handleUpdate({
      ...membership('kicked', 'member', person(ADMIN, 'Olga')),
      my_chat_member: { ...membership('kicked', 'member', person(ADMIN, 'Olga')).my_chat_member, chat: LATER },
    } as never);
    const { rows } = await db.pool.query<{ telegram_chat_id: string | null; members: number }>(
      'select telegram_chat_id, (select count(*)::int from pool_members where pool_id = $1) as members from pools where id = $1',
      [poolId],
    );
    assert.deepEqual(rows[0], { telegram_chat_id: null, members: 1 });
  });

  test('/pool create: only the group admin, only in a group; a replayed update creates nothing more', async () => {
    await send(person(ADMIN, 'Olga', 'ru'), '/pool create', { id: ADMIN, type: 'private' });
    assert.match(lastTo(ADMIN), /Используйте эту команду в сервере или группе/);
    await send(person(5, 'Pete'), '/pool create Owls');
    assert.match(lastTo(5), /Only this chat's admins/);
    await send(person(ADMIN, 'Olga', 'ru'), '/pool create Ночные совы', GROUP, { updateId: 777 });
    assert.match(lastTo(GROUP.id), /Пул «Ночные совы» готов/);
    await send(person(ADMIN, 'Olga', 'ru'), '/pool create Ночные совы', GROUP, { updateId: 777 });
    const { rows } = await db.pool.query<{ n: number }>(
      "select count(*)::int as n from pools where telegram_chat_id = '-1001'",
    );
    assert.equal(rows[0]?.n, 1);
  });

  test('/join, /pool info with Russian plurals, /balance privately, /leave', async () => {
    await send(person(11, 'Ann', 'en', 'ann'), '/join');
    assert.match(lastTo(GROUP.id), /Welcome to Ночные совы/);
    await send(person(12, 'Вера', 'ru', 'vera'), '/join');
    await send(person(12, 'Вера', 'ru', 'vera'), '/pool info');
    assert.match(lastTo(GROUP.id), /3 участника/);
    const poolId =
      (await db.pool.query<{ id: string }>("select id from pools where telegram_chat_id = '-1001'")).rows[0]?.id ?? '';
    const ann = await ensureUserByIdentity(db.orm.em.fork(), {
      platform: 'telegram',
      externalId: '11',
      displayName: 'Ann',
    });
    await fund(db, { poolId, currency: 'PRC' }, ann.id, 1_234_500_000n);
    const groupBefore = fake.sent(GROUP.id).length;
    await send(person(11, 'Ann', 'en', 'ann'), '/balance');
    assert.equal(fake.sent(GROUP.id).length, groupBefore, 'the balance is not posted in the group');
    assert.match(lastTo(11), /Balance in Ночные совы: 1,234\.5 PRC available/);
    await send(person(12, 'Вера', 'ru', 'vera'), '/balance');
    assert.match(lastTo(12), /доступно 0 PRC/);
    await send(person(12, 'Вера', 'ru', 'vera'), '/leave');
    assert.match(lastTo(GROUP.id), /Вы вышли из Ночные совы/);
  });

  test('/pool settings: the owner sees them privately and changes them; others may not; bad values change nothing', async () => {
    await send(person(ADMIN, 'Olga', 'ru'), '/pool settings');
    assert.match(lastTo(ADMIN), /Настройки Ночные совы:\nправила: нет\nкворум для выводов: 1/);
    await send(person(ADMIN, 'Olga', 'ru'), '/pool settings slot-price 2,5');
    assert.match(lastTo(GROUP.id), /Сохранено: slot-price теперь 2,5/);
    await send(person(ADMIN, 'Olga', 'ru'), '/pool settings rules Без читов и спама');
    await send(person(ADMIN, 'Olga', 'ru'), '/pool settings quorum 5');
    assert.match(lastTo(ADMIN), /Неверный ввод: a quorum of 5 needs 5 owner\/officers/);
    await send(person(ADMIN, 'Olga', 'ru'), '/pool settings slot-price 1.1234567');
    assert.match(lastTo(ADMIN), /не сумма/);
    await send(person(11, 'Ann', 'en', 'ann'), '/pool settings quorum 1');
    assert.match(lastTo(11), /Only the pool's owner can do that/);
    const { rows } = await db.pool.query<{
      machine_slot_price_micros: string;
      rules: string;
      withdrawal_quorum: number;
    }>("select machine_slot_price_micros, rules, withdrawal_quorum from pools where telegram_chat_id = '-1001'");
    assert.deepEqual(rows[0], {
      machine_slot_price_micros: '2500000',
      rules: 'Без читов и спама',
      withdrawal_quorum: 1,
    });
  });

  test('private answers to someone who never opened a private chat stay out of the group', async () => {
    await send(person(999, 'Shy'), '/join');
    await send(person(999, 'Shy'), '/balance');
    assert.match(lastTo(GROUP.id), /cannot write to you privately yet: open https:\/\/t\.me\/power_realms_bot/);
    assert.ok(!fake.sent(GROUP.id).some((text) => text.includes('Balance in')));
  });

  test('wrong role gets a localized refusal in private; the owner appoints an officer by @username', async () => {
    await send(person(11, 'Ann', 'en', 'ann'), '/officer add @vera');
    assert.match(lastTo(11), /Only the pool's owner can do that/);
    await send(person(12, 'Вера', 'ru', 'vera'), '/join');
    await send(person(ADMIN, 'Olga', 'ru'), '/officer add @vera');
    assert.match(lastTo(GROUP.id), /Вера теперь офицер/);
    await send(person(ADMIN, 'Olga', 'ru'), '/officer add @nobody');
    assert.match(lastTo(ADMIN), /не знаю этого участника/);
  });

  test('a private pool asks for its password in the private chat and deletes one typed in the group', async () => {
    const poolId =
      (await db.pool.query<{ id: string }>("select id from pools where telegram_chat_id = '-1001'")).rows[0]?.id ?? '';
    await db.pool.query("update pools set type = 'private', password_hash = $2 where id = $1", [
      poolId,
      await (await import('../core/pools/password.ts')).hashPoolPassword('open sesame'),
    ]);
    await send(person(21, 'Kim'), '/join');
    assert.match(lastTo(GROUP.id), /This pool is private/);
    assert.match(lastTo(21), /Send me the password of Ночные совы/);
    await send(person(21, 'Kim'), 'open sesame');
    assert.ok(fake.calls.some((c) => c.method === 'deleteMessage' && Number(c.payload.chat_id) === GROUP.id));
    assert.match(lastTo(21), /deleted a message that looked like a password/);
    await send(person(21, 'Kim'), 'wrong one', { id: 21, type: 'private' });
    assert.match(lastTo(21), /That password is wrong/);
    await send(person(21, 'Kim'), 'open sesame', { id: 21, type: 'private' });
    assert.match(lastTo(21), /Welcome to Ночные совы/);
  });

  test('/link joins a Discord account; /language overrides the app language; /start ref_ joins through a referral', async () => {
    const em = db.orm.em.fork();
    const discord = await ensureUserByIdentity(em, { platform: 'discord', externalId: '555', displayName: 'Dee' });
    const { code } = await createLinkCode(appContext(db), actor(discord.id), { issuedOn: 'discord' });
    await send(person(31, 'Dee'), `/link ${code}`, { id: 31, type: 'private' });
    assert.match(lastTo(31), /Linked/);
    const linked = await ensureUserByIdentity(em, { platform: 'telegram', externalId: '31', displayName: 'Dee' });
    assert.equal(linked.id, discord.id);
    await send(person(31, 'Dee', 'en'), '/language ru', { id: 31, type: 'private' });
    assert.match(lastTo(31), /по-русски/);
    await send(person(31, 'Dee', 'en'), '/help', { id: 31, type: 'private' });
    assert.match(lastTo(31), /объединяет компьютеры/);
    await send(person(11, 'Ann', 'en', 'ann'), '/invite');
    const link = /ref=([A-Z0-9]+)/.exec(lastTo(11))?.[1];
    assert.ok(link);
    await send(person(41, 'Newbie'), `/start ref_${link}`, { id: 41, type: 'private' });
    assert.match(lastTo(41), /Send me the password of Ночные совы/);
    await send(person(41, 'Newbie'), 'open sesame', { id: 41, type: 'private' });
    assert.match(lastTo(41), /Welcome to Ночные совы/);
    const { rows } = await db.pool.query<{ referred_by_user_id: string }>(
      "select m.referred_by_user_id from pool_members m join user_identities i on i.user_id = m.user_id where i.platform = 'telegram' and i.external_id = '41'",
    );
    const annId = (await ensureUserByIdentity(em, { platform: 'telegram', externalId: '11', displayName: 'Ann' })).id;
    assert.equal(rows[0]?.referred_by_user_id, annId);
  });
});

test('a member who leaves the group stays a member, marked; coming back clears the mark', async () => {
  const change = (userId: number, status: 'member' | 'left', old: 'member' | 'left') =>
    bot.handleUpdate({
      update_id: Math.floor(Math.random() * 1e9),
      chat_member: {
        chat: GROUP,
        from: { id: userId, is_bot: false, first_name: 'Ann' },
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { status: old, user: { id: userId, is_bot: false, first_name: 'Ann' } },
        new_chat_member: { status, user: { id: userId, is_bot: false, first_name: 'Ann' } },
      },
    });
  const marks = async () =>
    (
      await db.pool.query<{ status: string; left_chats: string[] }>(
        `select m.status, m.left_chats from pool_members m join user_identities i on i.user_id = m.user_id
          join pools p on p.id = m.pool_id
          where i.platform = 'telegram' and i.external_id = '11' and p.telegram_chat_id = '-1001'`,
      )
    ).rows[0];
  await change(11, 'left', 'member');
  assert.deepEqual(await marks(), { status: 'active', left_chats: ['telegram'] });
  await change(11, 'member', 'left');
  assert.deepEqual(await marks(), { status: 'active', left_chats: [] });
  // Someone who is not a member leaving the group changes nothing.
  await change(424242, 'left', 'member');
});

test('/slots asks to confirm privately; Confirm buys once, at the pool price, and says the new limit', async () => {
  await send(person(11, 'Ann', 'en', 'ann'), '/slots 3');
  const dm = fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === 11).at(-1);
  assert.match(String(dm?.payload.text), /^Buy 3 machine slots for 7\.5 PRC\? Confirm within 2 minutes\.$/);
  const data = JSON.stringify(dm?.payload.reply_markup);
  const confirm = /"(p:[0-9a-f-]{36}:c)"/.exec(data)?.[1];
  assert.ok(confirm, data);
  const pressBy = (id: number, updateId?: number) =>
    bot.handleUpdate({
      update_id: updateId ?? Math.floor(Math.random() * 1e9),
      callback_query: {
        id: `cb-${Math.random()}`,
        from: { id, is_bot: false, first_name: 'x', language_code: 'en' },
        chat_instance: 'ci',
        data: confirm,
        message: {
          message_id: 9,
          date: 0,
          chat: { id, type: 'private', first_name: 'x' },
          text: String(dm?.payload.text),
        },
      },
    } as never);
  const lastToast = () => {
    const text = fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1)?.payload.text;
    return typeof text === 'string' ? text : '';
  };
  await pressBy(12);
  assert.equal(lastToast(), 'This button is not for you.');
  await pressBy(11, 555_001);
  assert.equal(lastToast(), 'Done: 3 slots for 7.5 PRC. You may now register up to 13 machines.');
  await pressBy(11, 555_001);
  assert.equal(lastToast(), 'This is already decided or expired; nothing changed.');
  const { rows } = await db.pool.query<{ n: number }>(
    "select count(*)::int as n from machine_slot_purchases where status = 'completed' and ledger_key like 'prompt:%'",
  );
  assert.equal(rows[0]?.n, 1);
});

test('in the private chat, /balance is about the only pool, asks which one when there are several', async () => {
  await send(person(11, 'Ann', 'en', 'ann'), '/balance', { id: 11, type: 'private' });
  assert.match(lastTo(11), /^Balance in Ночные совы: /);
  await send(person(61, 'Nobody'), '/balance', { id: 61, type: 'private' });
  assert.match(lastTo(61), /not in any pool yet/);
  const SECOND = { id: -5005, type: 'supergroup' as const, title: 'Second' };
  await send(person(ADMIN, 'Olga'), '/pool create Second pool', SECOND);
  await send(person(11, 'Ann', 'en', 'ann'), '/join', SECOND);
  await send(person(11, 'Ann', 'en', 'ann'), '/balance', { id: 11, type: 'private' });
  assert.match(lastTo(11), /several pools: Second pool, Ночные совы\. Name one, e\.g\. \/balance Second pool/);
  await send(person(11, 'Ann', 'en', 'ann'), '/balance ночные совы', { id: 11, type: 'private' });
  assert.match(lastTo(11), /^Balance in Ночные совы: /);
});
