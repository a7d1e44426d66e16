/**
 * The Discord bot end to end: a real discord.js Client whose REST calls go to a fake Discord on 127.0.0.1, with raw
 * interaction payloads injected as the gateway would deliver them; real PostgreSQL; English and Russian.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Events, type Client, type Guild } from 'discord.js';
import { createDiscordBot, registerDiscordCommands } from '../bots/discord/bot.ts';
import { hashPoolPassword } from '../core/pools/password.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { createLogger } from '../lib/logger.ts';
import { appContext, fund } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { APPLICATION_ID, GUILD_ID, modalSubmit, slashCommand, startFakeDiscord } from './helpers/fake-discord.ts';

let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeDiscord>>;
let client: Client;

const EPHEMERAL = 64;
const owner = { id: '600000000000000001', username: 'olga' };
const ann = { id: '600000000000000002', username: 'ann' };
const boris = { id: '600000000000000003', username: 'boris' };

/** Injects an interaction and waits for the bot's first answer to it. */
async function interact(raw: ReturnType<typeof slashCommand> | ReturnType<typeof modalSubmit>) {
  (
    client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }
  ).actions.InteractionCreate.handle(raw);
  for (let waited = 0; waited < 5000; waited += 10) {
    const answer = fake.callback(raw.id);
    if (answer) return answer;
    await sleep(10);
  }
  throw new Error(`no answer to interaction ${raw.id}`);
}

before(async () => {
  db = await createTestDatabase();
  fake = await startFakeDiscord();
  client = createDiscordBot({
    restApi: fake.api,
    appContext: () => appContext(db),
    logger: createLogger('silent'),
    publicUrl: 'https://realms.example',
  });
  client.rest.setToken('test-token');
});
after(async () => {
  await client.destroy();
  await fake.close();
  await db.close();
});

describe('Discord', () => {
  test('slash commands are registered per guild with Russian descriptions', async () => {
    await registerDiscordCommands({ token: 't', applicationId: APPLICATION_ID, guildId: GUILD_ID, restApi: fake.api });
    const put = fake.calls.find(
      (c) => c.method === 'PUT' && c.path.endsWith(`/applications/${APPLICATION_ID}/guilds/${GUILD_ID}/commands`),
    );
    const body = put?.body as {
      name: string;
      description_localizations: { ru: string };
      options: { name: string; type: number }[];
    }[];
    assert.ok(body.find((c) => c.name === 'balance')?.description_localizations.ru.includes('баланс'));
    assert.deepEqual(
      body.find((c) => c.name === 'pool')?.options.map((o) => [o.name, o.type]),
      [
        ['create', 1],
        ['settings', 1],
        ['channel', 1],
        ['info', 1],
      ],
    );
  });

  test('/help in the interaction locale', async () => {
    assert.match(
      (await interact(slashCommand({ name: 'help', user: ann }))).data.content ?? '',
      /pools this community/,
    );
    assert.match(
      (await interact(slashCommand({ name: 'help', user: boris, locale: 'ru' }))).data.content ?? '',
      /объединяет/,
    );
  });

  test('/pool create needs Manage Server; then the guild is bound', async () => {
    const refused = await interact(
      slashCommand({ name: 'pool', subcommand: 'create', options: { name: 'Owls' }, user: ann }),
    );
    assert.equal(refused.data.flags, EPHEMERAL);
    assert.match(refused.data.content ?? '', /Only this chat's admins/);
    const created = await interact(
      slashCommand({
        name: 'pool',
        subcommand: 'create',
        options: { name: 'Ночные совы' },
        user: owner,
        locale: 'ru',
        manageGuild: true,
      }),
    );
    assert.equal(created.data.flags, undefined);
    assert.match(created.data.content ?? '', /Пул «Ночные совы» готов/);
    const { rows } = await db.pool.query<{ n: number }>(
      'select count(*)::int as n from pools where discord_guild_id = $1',
      [GUILD_ID],
    );
    assert.equal(rows[0]?.n, 1);
    const again = await interact(
      slashCommand({ name: 'pool', subcommand: 'create', options: { name: 'Second' }, user: owner, manageGuild: true }),
    );
    assert.match(again.data.content ?? '', /already bound/);
  });

  test('/join in public, /balance ephemeral and formatted for the reader', async () => {
    assert.match(
      (await interact(slashCommand({ name: 'join', user: ann }))).data.content ?? '',
      /Welcome to Ночные совы/,
    );
    const poolId =
      (await db.pool.query<{ id: string }>('select id from pools where discord_guild_id = $1', [GUILD_ID])).rows[0]
        ?.id ?? '';
    const user = await ensureUserByIdentity(db.orm.em.fork(), {
      platform: 'discord',
      externalId: ann.id,
      displayName: 'ann',
    });
    await fund(db, { poolId, currency: 'PRC' }, user.id, 2_500_000n);
    const en = await interact(slashCommand({ name: 'balance', user: ann }));
    assert.equal(en.data.flags, EPHEMERAL);
    assert.match(en.data.content ?? '', /2\.5 PRC available/);
    const ru = await interact(slashCommand({ name: 'balance', user: ann, locale: 'ru' }));
    assert.match(ru.data.content ?? '', /доступно 2,5 PRC/);
    const outsider = await interact(slashCommand({ name: 'balance', user: boris, locale: 'ru' }));
    assert.equal(outsider.data.flags, EPHEMERAL);
    assert.match(outsider.data.content ?? '', /Вы не участник этого пула/);
  });

  test('/pool channel: the owner moves the pool’s posts to this channel; others may not', async () => {
    const raw = slashCommand({ name: 'pool', subcommand: 'channel', user: ann });
    const refused = await interact(raw);
    assert.equal(refused.data.flags, EPHEMERAL);
    assert.match(refused.data.content ?? '', /Only the pool's owner/);
    const base = slashCommand({ name: 'pool', subcommand: 'channel', user: owner });
    const moved = await interact({
      ...base,
      channel_id: '700000000000000042',
      channel: { ...base.channel, id: '700000000000000042' },
    });
    assert.match(moved.data.content ?? '', /will be posted in this channel/);
    const { rows } = await db.pool.query<{ discord_channel_id: string }>(
      'select discord_channel_id from pools where discord_guild_id = $1',
      [GUILD_ID],
    );
    assert.equal(rows[0]?.discord_channel_id, '700000000000000042');
  });

  test('/officer add: the owner may, a member may not', async () => {
    const refused = await interact(
      slashCommand({ name: 'officer', subcommand: 'add', options: { member: { user: owner.id } }, user: ann }),
    );
    assert.equal(refused.data.flags, EPHEMERAL);
    assert.match(refused.data.content ?? '', /Only the pool's owner/);
    const done = await interact(
      slashCommand({ name: 'officer', subcommand: 'add', options: { member: { user: ann.id } }, user: owner }),
    );
    assert.match(done.data.content ?? '', /ann is now an officer/);
  });

  test('a private pool asks for the password in a modal', async () => {
    const ctx = appContext(db);
    await ctx.em.execute("update pools set type = 'private', password_hash = ? where discord_guild_id = ?", [
      await hashPoolPassword('open sesame'),
      GUILD_ID,
    ]);
    const asked = await interact(slashCommand({ name: 'join', user: boris }));
    assert.equal(asked.type, 9, 'a modal');
    const customId = asked.data.custom_id ?? '';
    assert.match(customId, /^join-password:/);
    const wrong = await interact(modalSubmit({ customId, value: 'guess', user: boris }));
    assert.equal(wrong.data.flags, EPHEMERAL);
    assert.match(wrong.data.content ?? '', /password is wrong/);
    const right = await interact(modalSubmit({ customId, value: 'open sesame', user: boris, locale: 'ru' }));
    assert.match(right.data.content ?? '', /Добро пожаловать в Ночные совы/);
  });

  test('removed from the server, the bot unbinds its pool; members stay', async () => {
    const { rows: before } = await db.pool.query<{ id: string }>('select id from pools where discord_guild_id = $1', [
      GUILD_ID,
    ]);
    client.emit(Events.GuildDelete, { id: GUILD_ID } as Guild);
    for (let waited = 0; waited < 2000; waited += 20) {
      const { rows } = await db.pool.query('select 1 from pools where discord_guild_id = $1', [GUILD_ID]);
      if (rows.length === 0) break;
      await sleep(20);
    }
    const { rows } = await db.pool.query<{ discord_guild_id: string | null; members: number }>(
      'select discord_guild_id, (select count(*)::int from pool_members m where m.pool_id = p.id) as members from pools p where id = $1',
      [before[0]?.id],
    );
    assert.equal(rows[0]?.discord_guild_id, null);
    assert.ok((rows[0]?.members ?? 0) >= 3);
  });

  test('/link shows a code privately; in a DM /balance finds the only pool, /pool info asks for the server', async () => {
    const code = await interact(slashCommand({ name: 'link', user: ann }));
    assert.equal(code.data.flags, EPHEMERAL);
    assert.match(code.data.content ?? '', /link code: [A-Z2-9]{4}-[A-Z2-9]{4}.*Telegram/);
    // In a private chat, /balance is about the sender's only pool; /pool info needs the server.
    const dm = await interact(slashCommand({ name: 'balance', user: ann, guild: false }));
    assert.match(dm.data.content ?? '', /Balance in Ночные совы: 2\.5 PRC available/);
    const info = await interact(slashCommand({ name: 'pool', subcommand: 'info', user: ann, guild: false }));
    assert.match(info.data.content ?? '', /server or group of the pool/);
  });
});

test('the pool option autocompletes the sender’s pools', async () => {
  const raw = slashCommand({ name: 'balance', user: ann, guild: false, options: { pool: 'ноч' } });
  const autocomplete = {
    ...raw,
    type: 4,
    data: { ...raw.data, options: [{ name: 'pool', type: 3, value: 'ноч', focused: true }] },
  };
  const answer = (await interact(autocomplete)) as unknown as {
    type: number;
    data: { choices: { name: string; value: string }[] };
  };
  assert.equal(answer.type, 8);
  assert.deepEqual(
    answer.data.choices.map((c) => c.name),
    ['Ночные совы'],
  );
});

describe('Discord: /slots', () => {
  test('the confirmation is ephemeral with buttons; Confirm buys once', async () => {
    const guild = '800000000000000009';
    const ctx = appContext(db);
    const em = db.orm.em.fork();
    const owner = await ensureUserByIdentity(em, {
      platform: 'discord',
      externalId: '620000000000000001',
      displayName: 'own',
    });
    const buyer = await ensureUserByIdentity(em, {
      platform: 'discord',
      externalId: '620000000000000002',
      displayName: 'buyer',
    });
    const { createPool } = await import('../core/pools/create-pool.ts');
    const { bindChat } = await import('../core/pools/bind-chat.ts');
    const { joinPool } = await import('../core/members/join-pool.ts');
    const { pool } = await createPool(
      ctx,
      { userId: owner.id, isGlobalAdmin: false },
      { name: 'Slots', type: 'public' },
    );
    await bindChat(
      ctx,
      { userId: owner.id, isGlobalAdmin: false },
      { poolId: pool.id, platform: 'discord', chatId: guild },
    );
    await joinPool(ctx, { userId: buyer.id, isGlobalAdmin: false }, { poolId: pool.id });
    await db.pool.query('update pools set machine_slot_price_micros = 1000000 where id = $1', [pool.id]);
    await fund(db, { poolId: pool.id, currency: 'PRC' }, buyer.id, 5_000_000n);
    const raw = slashCommand({
      name: 'slots',
      options: { count: '2' },
      user: { id: '620000000000000002', username: 'buyer' },
    });
    const withGuild = { ...raw, guild_id: guild, channel: { ...raw.channel, guild_id: guild } };
    const asked = await interact(withGuild as typeof raw);
    assert.equal(asked.data.flags, EPHEMERAL);
    assert.equal(asked.data.content, 'Buy 2 machine slots for 2 PRC? Confirm within 2 minutes.');
    const components = JSON.stringify((asked.data as { components?: unknown }).components);
    const confirm = /"custom_id":"(p:[0-9a-f-]{36}:c)"/.exec(components)?.[1];
    assert.ok(confirm, components);
    const { buttonPress } = await import('./helpers/fake-discord.ts');
    const press = buttonPress({
      customId: confirm,
      content: asked.data.content ?? '',
      user: { id: '620000000000000002', username: 'buyer' },
    });
    const done = await interact({ ...press, guild_id: guild } as never);
    assert.equal(done.type, 7);
    assert.equal(done.data.content, 'Done: 2 slots for 2 PRC. You may now register up to 12 machines.');
  });
});
