/**
 * Events from the bus become messages: the payee hears of a hold and its release in their language, the payer of a
 * cancelled hold, the pool's chat of new members and ledger checkpoints; a redelivered event sends nothing twice.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createNotifier, type Outbound } from '../bots/notify.ts';
import { createTelegramBot } from '../bots/telegram/bot.ts';
import { createMemberHold } from '../core/holds/create-member-hold.ts';
import { releaseMemberHold, voidMemberHold } from '../core/holds/resolve-member-hold.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { bindChat } from '../core/pools/bind-chat.ts';
import { createPool } from '../core/pools/create-pool.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { InMemoryEventBus, type BusEvent } from '../events/bus.ts';
import { OutboxRelay } from '../events/outbox-relay.ts';
import { createLogger } from '../lib/logger.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startFakeTelegram } from './helpers/fake-telegram.ts';

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

test('holds, members and checkpoints become messages, once each', async () => {
  const logger = createLogger('silent');
  const bot = createTelegramBot({
    token: '4242:TEST',
    botInfo: { id: 4242, is_bot: true, first_name: 'PR', username: 'power_realms_bot' } as never,
    apiRoot: fake.apiRoot,
    appContext: () => appContext(db),
    logger,
    publicUrl: 'https://realms.example',
  });
  const discordSent: [string, string][] = [];
  const outbound: Record<'telegram' | 'discord', Outbound> = {
    telegram: {
      direct: async (id, text) => void (await bot.api.sendMessage(id, text)),
      post: async (chatId, text) => void (await bot.api.sendMessage(chatId, text)),
    },
    discord: {
      direct: async (id, text) => void discordSent.push([`user:${id}`, text]),
      post: async (id, text) => void discordSent.push([`channel:${id}`, text]),
    },
  };
  const bus = new InMemoryEventBus(() => undefined);
  const published: BusEvent[] = [];
  bus.subscribe('bots', createNotifier({ appContext: () => appContext(db), outbound, logger }));
  bus.subscribe('record', async (event) => void published.push(event));
  const relay = new OutboxRelay(db.pool, bus, logger);

  const em = db.orm.em.fork();
  const owner = await ensureUserByIdentity(em, { platform: 'telegram', externalId: '501', displayName: 'Olga' });
  const payer = await ensureUserByIdentity(em, { platform: 'telegram', externalId: '502', displayName: 'Ann' });
  const payee = await ensureUserByIdentity(em, { platform: 'telegram', externalId: '503', displayName: 'Вера' });
  await em.execute("update users set locale = 'ru' where id = ?", [payee.id]);
  await em.execute("insert into user_identities (platform, external_id, user_id) values ('discord', '903', ?)", [
    payee.id,
  ]);
  const ctx = appContext(db);
  const { pool } = await createPool(ctx, actor(owner.id), { name: 'Совы', type: 'public' });
  await bindChat(ctx, actor(owner.id), { poolId: pool.id, platform: 'telegram', chatId: '-1002' });
  await bindChat(ctx, actor(owner.id), {
    poolId: pool.id,
    platform: 'discord',
    chatId: '1234567',
    channelId: '7654321',
  });
  for (const who of [payer, payee]) await joinPool(ctx, actor(who.id), { poolId: pool.id });
  await fund(db, { poolId: pool.id, currency: 'PRC' }, payer.id, 10_000_000n);
  const { hold } = await createMemberHold(ctx, actor(payer.id), {
    poolId: pool.id,
    payeeUserId: payee.id,
    amountMicros: 2_500_000n,
    idempotencyKey: 'n-1',
  });
  await releaseMemberHold(ctx, actor(payer.id), { holdId: hold.id, idempotencyKey: 'n-2' });
  const second = await createMemberHold(ctx, actor(payer.id), {
    poolId: pool.id,
    payeeUserId: payee.id,
    amountMicros: 1_000_000n,
    idempotencyKey: 'n-3',
  });
  await voidMemberHold(ctx, actor(payee.id), { holdId: second.hold.id, idempotencyKey: 'n-4' });
  await db.ctx.store.writeCheckpoints(pool.id);
  await relay.relayOnce();

  const toPayee = fake.sent(503);
  assert.ok(
    toPayee.some((text) => text === 'Ann удержал для вас 2,5 PRC в Совы. Вы получите их, когда он их отпустит.'),
  );
  assert.ok(
    toPayee.some((text) => text === 'Вы получили 2,25 PRC от Ann в Совы.'),
    toPayee.join('\n'),
  );
  assert.ok(discordSent.some(([to, text]) => to === 'user:903' && text.startsWith('Вы получили 2,25 PRC')));
  assert.deepEqual(fake.sent(502), ['The hold of 1 PRC in Совы was cancelled; the money is back in your balance.']);
  const group = fake.sent(-1002);
  assert.ok(group.includes('Ann joined Совы.'));
  assert.ok(group.some((text) => text.startsWith('Ledger checkpoint of Совы')));
  assert.ok(discordSent.some(([to]) => to === 'channel:7654321'));

  // Redelivery (a consumer died before acknowledging): the same events again send nothing more.
  const before = fake.calls.length;
  const discordBefore = discordSent.length;
  await bus.publish(published.splice(0).filter((event) => event.type !== 'nothing'));
  assert.equal(fake.calls.length, before);
  assert.equal(discordSent.length, discordBefore);
});
