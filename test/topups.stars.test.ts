/**
 * Telegram Stars top-ups through grammY against the fake Bot API and real PostgreSQL: /topup sends an XTR invoice in
 * the private chat, the pre-checkout question is answered yes only for the exact pending top-up, a successful payment
 * is credited once (a replayed update changes nothing) and announced, and the Global Admin's refund reverses the
 * credit and refunds the Stars — refused when the member already spent the money.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bot } from 'grammy';
import { createNotifier } from '../bots/notify.ts';
import { createTelegramBot, telegramOutbound } from '../bots/telegram/bot.ts';
import { isAppError } from '../core/errors.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { createMemberHold } from '../core/holds/create-member-hold.ts';
import { voidHold } from '../core/ledger/void-hold.ts';
import { bindChat } from '../core/pools/bind-chat.ts';
import { createPool } from '../core/pools/create-pool.ts';
import type { PaymentGateways } from '../core/topups/gateways.ts';
import { refundTopup } from '../core/topups/manage-topups.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { InMemoryEventBus } from '../events/bus.ts';
import { OutboxRelay } from '../events/outbox-relay.ts';
import { createLogger } from '../lib/logger.ts';
import { starsGateway } from '../lib/payment-gateways.ts';
import { actor, appContext } from './helpers/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startFakeTelegram, textUpdate } from './helpers/fake-telegram.ts';

const MEMBER = { id: 9301, first_name: 'Zoe', language_code: 'en' };
const GROUP = { id: -9300, type: 'supergroup' as const, title: 'Stars' };

let db: TestDatabase;
let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
let bot: Bot;
let payments: PaymentGateways;
let relay: OutboxRelay;
before(async () => {
  db = await createTestDatabase();
  fake = await startFakeTelegram();
  const logger = createLogger('silent');
  let api: Bot['api'] | null = null;
  payments = {
    stars: { refund: (userId, chargeId) => starsGateway(api as Bot['api']).refund(userId, chargeId) },
    rates: { usdMicros: 1_000_000, usdtMicros: 1_000_000, starMicros: 13_000 },
    publicUrl: 'https://realms.example',
  };
  bot = createTelegramBot({
    token: '4242:TEST',
    botInfo: { id: 4242, is_bot: true, first_name: 'PR', username: 'power_realms_bot' } as never,
    apiRoot: fake.apiRoot,
    appContext: () => appContext(db, { payments }),
    logger,
    publicUrl: 'https://realms.example',
  });
  api = bot.api;
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

let updateId = 930_000;
const update = (body: Record<string, unknown>, id = (updateId += 1)) => bot.handleUpdate({ update_id: id, ...body });
/** The member writes `text` to the bot in the private chat. */
const privateText = (text: string) =>
  update(textUpdate({ from: MEMBER, chat: { id: MEMBER.id, type: 'private' }, text, updateId: (updateId += 1) }));
const calls = (method: string) => fake.calls.filter((c) => c.method === method);

test('a Stars top-up: invoice, pre-checkout, credited once, announced, refunded', async () => {
  const em = db.orm.em.fork();
  const owner = await ensureUserByIdentity(em, { platform: 'telegram', externalId: '9300', displayName: 'Olga' });
  const ctx = appContext(db, { payments });
  const { pool } = await createPool(ctx, actor(owner.id), { name: 'Star Pool', type: 'public' });
  await bindChat(ctx, actor(owner.id), { poolId: pool.id, platform: 'telegram', chatId: String(GROUP.id) });
  const zoe = await ensureUserByIdentity(em, {
    platform: 'telegram',
    externalId: String(MEMBER.id),
    displayName: 'Zoe',
  });
  await joinPool(ctx, actor(zoe.id), { poolId: pool.id });

  await privateText('/topup 1 stars');
  const invoice = calls('sendInvoice').at(-1);
  assert.ok(invoice, fake.calls.map((c) => c.method).join());
  assert.equal(invoice.payload.currency, 'XTR');
  assert.deepEqual(invoice.payload.prices, [{ label: 'Top-up: Star Pool', amount: 77 }]);
  const topupId = String(invoice.payload.payload);
  assert.match(fake.sent(MEMBER.id).at(-1) ?? '', /^To add 1 PRC, pay 77 ⭐ with the invoice below\.$/);

  const preCheckout = (amount: number, payload = topupId) =>
    update({
      pre_checkout_query: {
        id: `pcq-${updateId}`,
        from: { ...MEMBER, is_bot: false },
        currency: 'XTR',
        total_amount: amount,
        invoice_payload: payload,
      },
    });
  await preCheckout(50);
  assert.deepEqual(calls('answerPreCheckoutQuery').at(-1)?.payload.ok, false);
  assert.match(String(calls('answerPreCheckoutQuery').at(-1)?.payload.error_message), /no longer valid/);
  await preCheckout(77, 'not-a-topup');
  assert.equal(calls('answerPreCheckoutQuery').at(-1)?.payload.ok, false);
  await preCheckout(77);
  assert.equal(calls('answerPreCheckoutQuery').at(-1)?.payload.ok, true);

  const paid = (chargeId: string, id?: number) =>
    update(
      {
        message: {
          message_id: 5,
          date: Math.floor(Date.now() / 1000),
          chat: { id: MEMBER.id, type: 'private', first_name: 'Zoe' },
          from: { ...MEMBER, is_bot: false },
          successful_payment: {
            currency: 'XTR',
            total_amount: 77,
            invoice_payload: topupId,
            telegram_payment_charge_id: chargeId,
            provider_payment_charge_id: '',
          },
        },
      },
      id,
    );
  const paymentUpdate = (updateId += 1);
  await paid('charge-1', paymentUpdate);
  await paid('charge-1', paymentUpdate);
  await paid('charge-1');
  const balance = async () =>
    (
      await db.pool.query<{ posted: string }>(
        `select (credits_posted - debits_posted)::text as posted from ledger_accounts where pool_id = $1 and user_id = $2`,
        [pool.id, zoe.id],
      )
    ).rows[0]?.posted;
  assert.equal(await balance(), '1001000', '77 Stars at 0.013 credit 1.001, once');
  await relay.relayOnce();
  assert.deepEqual(
    fake.sent(MEMBER.id).filter((text) => text.startsWith('Your top-up is in')),
    ['Your top-up is in: 1.001 PRC added to your balance in Star Pool.'],
  );

  // The member spends half: a refund would overdraw them, so it is refused and nothing changes.
  await createMemberHold(ctx, actor(zoe.id), {
    poolId: pool.id,
    payeeUserId: owner.id,
    amountMicros: 600_000n,
    idempotencyKey: 'spend',
  });
  await assert.rejects(refundTopup(ctx, actor(owner.id, true), { topupId }), (error: unknown) =>
    isAppError(error, 'INSUFFICIENT_FUNDS'),
  );
  assert.equal(calls('refundStarPayment').length, 0);
  await assert.rejects(refundTopup(ctx, actor(zoe.id), { topupId }), (error: unknown) =>
    isAppError(error, 'NOT_GLOBAL_ADMIN'),
  );
  // With the hold voided, the refund goes through: the credit is reversed and Telegram refunds the Stars.
  const holds = await db.pool.query<{ id: string }>(
    "select id from ledger_transfers where kind = 'pending' and pool_id = $1",
    [pool.id],
  );
  await voidHold(ctx.ledger, { holdId: holds.rows[0]?.id ?? '', idempotencyKey: 'unspend' });
  const refunded = await refundTopup(ctx, actor(owner.id, true), { topupId });
  assert.equal(refunded.status, 'refunded');
  assert.deepEqual(calls('refundStarPayment').at(-1)?.payload, {
    user_id: MEMBER.id,
    telegram_payment_charge_id: 'charge-1',
  });
  assert.equal(await balance(), '0');
  const report = await verifyLedger(ctx.ledger, { poolId: pool.id });
  assert.ok(report.ok);

  // A malformed amount is a clear refusal, and nothing is started.
  await privateText('/topup 0 stars');
  assert.match(fake.sent(MEMBER.id).at(-1) ?? '', /is not an amount/);
  // More than one invoice can carry (10,000 Stars = 130 PRC here): refused with the range, no invoice.
  const invoices = calls('sendInvoice').length;
  await privateText('/topup 131 stars');
  assert.match(fake.sent(MEMBER.id).at(-1) ?? '', /^A top-up is from 1 to 130 PRC with this method\.$/);
  assert.equal(calls('sendInvoice').length, invoices);
});
