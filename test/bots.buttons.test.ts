/**
 * Approval and confirmation buttons on Telegram: the role is checked on every press, a double press or a replayed
 * update counts once and says so, the message shows the live tally, and the decision runs its handler once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bot } from 'grammy';
import { buttonData } from '../bots/prompts.ts';
import { createTelegramBot, sendTelegramPrompt } from '../bots/telegram/bot.ts';
import { createPrompt, onPromptDecided, type Prompt } from '../core/prompts/prompts.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { createLogger } from '../lib/logger.ts';
import { actor, appContext } from './helpers/app.ts';
import { createMembers, createPool, createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startFakeTelegram } from './helpers/fake-telegram.ts';

const GROUP = { id: -4004, type: 'supergroup' as const, title: 'Votes' };
let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let bot: Bot;
const decided: string[] = [];

before(async () => {
  db = await createTestDatabase();
  fake = await startFakeTelegram();
  bot = createTelegramBot({
    token: '4242:TEST',
    botInfo: { id: 4242, is_bot: true, first_name: 'PR', username: 'power_realms_bot' } as never,
    apiRoot: fake.apiRoot,
    appContext: () => appContext(db),
    logger: createLogger('silent'),
    publicUrl: 'https://realms.example',
  });
  onPromptDecided('test-payout', async (_ctx, prompt, outcome) => void decided.push(`${prompt.id}:${outcome}`));
});
after(async () => {
  await fake.close();
  await db.close();
});

let updateId = 90_000;
const press = (from: number, data: string, sameUpdate?: number) =>
  bot.handleUpdate({
    update_id: sameUpdate ?? (updateId += 1),
    callback_query: {
      id: `cb-${updateId}`,
      from: { id: from, is_bot: false, first_name: `u${from}`, language_code: 'en' },
      chat_instance: 'ci',
      data,
      message: {
        message_id: 5,
        date: 0,
        chat: GROUP,
        text: 'Payout of 5 PRC to Ann?\nApproved 0 of 2 needed · rejected 0',
        reply_markup: { inline_keyboard: [[{ text: 'Approve', callback_data: data }]] },
      },
    },
  });
const lastAnswer = (): string => {
  const text = fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1)?.payload.text;
  return typeof text === 'string' ? text : '';
};
const edits = () => fake.calls.filter((c) => c.method === 'editMessageText');

let generation = 0;
async function people() {
  generation += 100;
  const id = (n: number) => n + generation;
  const pool = await createPool(db);
  const [officerA, officerB, member] = await createMembers(db, pool, 3);
  assert.ok(officerA && officerB && member);
  const em = db.orm.em.fork();
  const link = async (userId: string, telegramId: number) =>
    em.execute("insert into user_identities (platform, external_id, user_id) values ('telegram', ?, ?)", [
      String(telegramId),
      userId,
    ]);
  await link(officerA.userId, id(801));
  await link(officerB.userId, id(802));
  await link(member.userId, id(803));
  await link(pool.ownerId, id(800));
  await db.pool.query("update pool_members set role = 'officer' where pool_id = $1 and user_id = any($2)", [
    pool.poolId,
    [officerA.userId, officerB.userId],
  ]);
  return { pool, owner: pool.ownerId, officerA, officerB, member, id };
}

test('an approval: members may not press, each officer counts once, the quorum decides once', async () => {
  const { pool, owner, id } = await people();
  const prompt: Prompt = await createPrompt(appContext(db), actor(owner), {
    kind: 'test-payout',
    poolId: pool.poolId,
    audience: 'officer',
    quorum: 2,
    payload: { amountMicros: '5000000' },
    ttlSeconds: 3600,
  });
  await sendTelegramPrompt(bot, GROUP.id, 'en', 'Payout of 5 PRC to Ann?', prompt);
  const posted = fake.calls.find((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === GROUP.id);
  assert.match(String(posted?.payload.text), /Approved 0 of 2 needed/);
  const approve = buttonData(prompt.id, 'approve');
  assert.ok(JSON.stringify(posted?.payload.reply_markup).includes(approve));

  await press(id(803), approve);
  assert.equal(lastAnswer(), 'This button is not for you.');
  await press(id(801), approve);
  assert.equal(lastAnswer(), 'Approved 1 of 2 needed · rejected 0');
  assert.match(String(edits().at(-1)?.payload.text), /Approved 1 of 2 needed/);
  const editsBefore = edits().length;
  await press(id(801), approve);
  assert.equal(lastAnswer(), 'You already voted; your vote counts once.');
  await press(id(801), approve, updateId); // the same update delivered again
  assert.equal(edits().length, editsBefore, 'a repeat changes nothing');
  await press(id(802), approve);
  assert.equal(lastAnswer(), 'Approved (2 of 2).');
  assert.match(String(edits().at(-1)?.payload.text), /^Payout of 5 PRC to Ann\?\nApproved \(2 of 2\)\.$/);
  assert.deepEqual(edits().at(-1)?.payload.reply_markup, { inline_keyboard: [] });
  await press(id(800), approve);
  assert.equal(lastAnswer(), 'This is already decided or expired; nothing changed.');
  assert.deepEqual(decided, [`${prompt.id}:approved`]);
});

test('a confirmation is for its creator only', async () => {
  const { pool, member, id } = await people();
  const prompt = await createPrompt(appContext(db), actor(member.userId), {
    kind: 'test-payout',
    poolId: pool.poolId,
    audience: 'creator',
    ttlSeconds: 120,
  });
  await press(id(801), buttonData(prompt.id, 'confirm'));
  assert.equal(lastAnswer(), 'This button is not for you.');
  await press(id(803), buttonData(prompt.id, 'cancel'));
  assert.equal(lastAnswer(), 'Cancelled. Nothing changed.');
  assert.ok(decided.includes(`${prompt.id}:cancelled`));
  // The person pressing is the same user the bot knows from their Telegram id.
  const same = await ensureUserByIdentity(db.orm.em.fork(), {
    platform: 'telegram',
    externalId: String(id(803)),
    displayName: 'x',
  });
  assert.equal(same.id, member.userId);
});

test('on Discord: the same prompt with buttons, updated in place', async () => {
  const { startFakeDiscord, buttonPress } = await import('./helpers/fake-discord.ts');
  const { createDiscordBot } = await import('../bots/discord/bot.ts');
  const discordFake = await startFakeDiscord();
  const client = createDiscordBot({
    restApi: discordFake.api,
    appContext: () => appContext(db),
    logger: createLogger('silent'),
    publicUrl: 'https://realms.example',
  });
  client.rest.setToken('test');
  try {
    const { pool, owner } = await people();
    const em = db.orm.em.fork();
    const discordIds = { officer: '610000000000000001', member: '610000000000000002' };
    const officer = await ensureUserByIdentity(em, {
      platform: 'discord',
      externalId: discordIds.officer,
      displayName: 'Off',
    });
    const member = await ensureUserByIdentity(em, {
      platform: 'discord',
      externalId: discordIds.member,
      displayName: 'Mem',
    });
    await db.pool.query(
      "insert into pool_members (pool_id, user_id, role, status) values ($1, $2, 'officer', 'active'), ($1, $3, 'member', 'active')",
      [pool.poolId, officer.id, member.id],
    );
    const prompt = await createPrompt(appContext(db), actor(owner), {
      kind: 'test-payout',
      poolId: pool.poolId,
      audience: 'officer',
      quorum: 1,
      ttlSeconds: 3600,
    });
    const content = 'Payout of 5 PRC to Ann?\nApproved 0 of 1 needed · rejected 0';
    const handle = (raw: ReturnType<typeof buttonPress>) =>
      (
        client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }
      ).actions.InteractionCreate.handle(raw);
    const answerTo = async (raw: ReturnType<typeof buttonPress>) => {
      handle(raw);
      for (let waited = 0; waited < 3000; waited += 10) {
        const answer = discordFake.callback(raw.id);
        if (answer) return answer;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('no answer');
    };
    const refused = await answerTo(
      buttonPress({
        customId: buttonData(prompt.id, 'approve'),
        content,
        user: { id: discordIds.member, username: 'mem' },
      }),
    );
    assert.equal(refused.type, 4);
    assert.equal(refused.data.flags, 64);
    assert.equal(refused.data.content, 'This button is not for you.');
    const approved = await answerTo(
      buttonPress({
        customId: buttonData(prompt.id, 'approve'),
        content,
        user: { id: discordIds.officer, username: 'off' },
        locale: 'ru',
      }),
    );
    assert.equal(approved.type, 7, 'the message is updated in place');
    assert.equal(approved.data.content, 'Payout of 5 PRC to Ann?\nОдобрено (1 из 1).');
    assert.deepEqual(approved.data.components, []);
    assert.ok(decided.includes(`${prompt.id}:approved`));
  } finally {
    await client.destroy();
    await discordFake.close();
  }
});
