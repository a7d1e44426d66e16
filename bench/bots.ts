/**
 * Bot latency: from an update (Telegram) or interaction (Discord) arriving to the bot's answer reaching the platform,
 * through the real grammY and discord.js against local fake APIs, on a real PostgreSQL.
 *
 *   npm run bench -- bots [--json] [--seconds N] [--rate N]
 *
 * Each platform in turn receives /balance from --rate different members per second (default 200) for --seconds
 * (default 10) after a 2 s warm-up; latency is update handed to the library → the reply's HTTP call at the fake.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createAttemptLimiters } from '../api/rest/limiters.ts';
import { createDiscordBot } from '../bots/discord/bot.ts';
import { createTelegramBot } from '../bots/telegram/bot.ts';
import type { AppContext } from '../core/context.ts';
import { LedgerEngine } from '../core/ledger/engine.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { bindChat } from '../core/pools/bind-chat.ts';
import { createPool } from '../core/pools/create-pool.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { PgLedgerStore } from '../db/ledger-store.ts';
import { migrate, openOrm } from '../db/orm.ts';
import { createPgPool, preparedRunner } from '../db/pg.ts';
import { createLogger } from '../lib/logger.ts';
import { buttonPress, startFakeDiscord, slashCommand, GUILD_ID } from '../test/helpers/fake-discord.ts';
import { buttonData } from '../bots/prompts.ts';
import { createPrompt } from '../core/prompts/prompts.ts';
import { startFakeTelegram, textUpdate } from '../test/helpers/fake-telegram.ts';
import {
  createDatabase,
  dropDatabases,
  fmt,
  inChunks,
  nowMs,
  positiveInt,
  round,
  summarise,
  table,
  verdict,
} from './lib.ts';

const WARMUP_SECONDS = 2;
const TARGET_P99_MS = 100;
const GROUP_ID = -100777;
const MEMBERS = 400;

interface Result {
  sent: number;
  answered: number;
  latencyMsP50: number;
  latencyMsP99: number;
  latencyMsMax: number;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { json: { type: 'boolean', default: false }, seconds: { type: 'string' }, rate: { type: 'string' } },
  });
  const seconds = positiveInt('seconds', values.seconds, 10);
  const rate = positiveInt('rate', values.rate, 200);
  const serverUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const created: string[] = [];
  console.log(
    `Bot latency — /balance from ${rate} members a second for ${seconds} s per platform (after ${WARMUP_SECONDS} s warm-up).`,
  );
  console.log('Latency: update handed to grammY / interaction to discord.js → the reply reaches the fake API.\n');
  try {
    const url = await createDatabase(serverUrl, `pr_bench_bots_${randomBytes(6).toString('hex')}`, created);
    const orm = await openOrm(url);
    await migrate(orm);
    const pgPool = createPgPool(url, 10);
    const store = new PgLedgerStore(pgPool);
    const engine = new LedgerEngine(store);
    const limiters = createAttemptLimiters(null, 'bench');
    const appContext = (): AppContext => ({
      em: orm.em.fork(),
      ledger: { engine, store },
      limiters,
      defaults: { platformFeeBps: 1000, premiumPoolFeeMicros: 0n },
      prepared: preparedRunner(pgPool),
    });
    const ctx = appContext();
    const owner = await ensureUserByIdentity(ctx.em, { platform: 'telegram', externalId: '1', displayName: 'Owner' });
    const actorOf = (id: string) => ({ userId: id, isGlobalAdmin: false });
    const { pool } = await createPool(ctx, actorOf(owner.id), { name: 'Bench', type: 'public' });
    await bindChat(ctx, actorOf(owner.id), { poolId: pool.id, platform: 'telegram', chatId: String(GROUP_ID) });
    await bindChat(ctx, actorOf(owner.id), { poolId: pool.id, platform: 'discord', chatId: GUILD_ID });
    await inChunks(
      Array.from({ length: MEMBERS }, (_, i) => i),
      20,
      async (i) => {
        const c = appContext();
        const tg = await ensureUserByIdentity(c.em, {
          platform: 'telegram',
          externalId: String(10_000 + i),
          displayName: `m${i}`,
        });
        await c.em.execute("insert into user_identities (platform, external_id, user_id) values ('discord', ?, ?)", [
          String(600_000_000_000_000_000n + BigInt(i)),
          tg.id,
        ]);
        await joinPool(c, actorOf(tg.id), { poolId: pool.id });
        const account = await c.ledger.store.openAccount({
          poolId: pool.id,
          currency: 'PRC',
          kind: 'member',
          userId: tg.id,
        });
        await recordDeposit(c.ledger, {
          poolId: pool.id,
          currency: 'PRC',
          memberAccountId: account.id,
          amountMicros: 5_000_000n,
          reference: `b${i}`,
        });
      },
    );
    const logger = createLogger('warn');
    const telegram = await benchTelegram(appContext, logger, seconds, rate);
    const discord = await benchDiscord(appContext, logger, seconds, rate);
    // Approval buttons: every member may approve (quorum 50), a fresh prompt every 50 presses.
    const prompts: string[] = [];
    const needed = Math.ceil((rate * (seconds + WARMUP_SECONDS) * 2) / 50) + 2;
    for (let i = 0; i < needed; i += 1)
      prompts.push(
        (
          await createPrompt(appContext(), actorOf(owner.id), {
            kind: 'bench',
            poolId: pool.id,
            audience: 'member',
            quorum: 50,
            ttlSeconds: 3600,
          })
        ).id,
      );
    const presses = {
      telegram: await benchTelegramPress(appContext, logger, seconds, rate, prompts.splice(0, needed / 2)),
      discord: await benchDiscordPress(appContext, logger, seconds, rate, prompts),
    };
    print(values.json, rate, seconds, telegram, discord, presses);
    await engine.idle();
    await pgPool.end();
    await orm.close(true);
  } finally {
    await dropDatabases(serverUrl, created);
  }
}

/** Sends at `rate` per second for `seconds`, each from a different member in turn; collects the latencies. */
async function drive(
  seconds: number,
  rate: number,
  fire: (index: number) => void,
  pending: Map<string, number>,
  latencies: number[],
) {
  const intervalMs = 1000 / rate;
  const start = nowMs();
  let sent = 0;
  while (nowMs() - start < seconds * 1000) {
    fire(sent);
    sent += 1;
    const due = start + sent * intervalMs;
    const wait = due - nowMs();
    if (wait > 1) await sleep(wait);
  }
  for (let waited = 0; waited < 5000 && pending.size > 0; waited += 50) await sleep(50);
  return { sent, answered: latencies.length };
}

async function benchTelegram(
  appContext: () => AppContext,
  logger: ReturnType<typeof createLogger>,
  seconds: number,
  rate: number,
): Promise<Result> {
  const pending = new Map<string, number>();
  let latencies: number[] = [];
  const fake = await startFakeTelegram({
    onCall: (call) => {
      if (call.method !== 'sendMessage') return;
      const key = String(call.payload.chat_id);
      const started = pending.get(key);
      if (started === undefined) return;
      pending.delete(key);
      latencies.push(nowMs() - started);
    },
  });
  const bot = createTelegramBot({
    token: '1:BENCH',
    botInfo: { id: 1, is_bot: true, first_name: 'B', username: 'bench_bot' } as never,
    apiRoot: fake.apiRoot,
    appContext,
    logger,
    publicUrl: 'https://realms.example',
  });
  const fire = (index: number) => {
    const member = 10_000 + (index % MEMBERS);
    pending.set(String(member), nowMs());
    void bot.handleUpdate(
      textUpdate({
        from: { id: member, first_name: `m${member}` },
        chat: { id: GROUP_ID, type: 'supergroup' },
        text: '/balance',
      }) as never,
    );
  };
  await drive(WARMUP_SECONDS, rate, fire, pending, latencies);
  latencies = [];
  const { sent, answered } = await drive(seconds, rate, fire, pending, latencies);
  await fake.close();
  return { sent, answered, ...pick(summarise(latencies)) };
}

async function benchTelegramPress(
  appContext: () => AppContext,
  logger: ReturnType<typeof createLogger>,
  seconds: number,
  rate: number,
  prompts: string[],
): Promise<Result> {
  const pending = new Map<string, number>();
  let latencies: number[] = [];
  const fake = await startFakeTelegram({
    onCall: (call) => {
      if (call.method !== 'answerCallbackQuery') return;
      const key = String(call.payload.callback_query_id);
      const started = pending.get(key);
      if (started === undefined) return;
      pending.delete(key);
      latencies.push(nowMs() - started);
    },
  });
  const bot = createTelegramBot({
    token: '1:BENCH',
    botInfo: { id: 1, is_bot: true, first_name: 'B', username: 'bench_bot' } as never,
    apiRoot: fake.apiRoot,
    appContext,
    logger,
    publicUrl: 'https://realms.example',
  });
  let updateId = 1;
  const fire = (index: number) => {
    const member = 10_000 + (index % MEMBERS);
    const prompt = prompts[Math.floor(index / 50) % prompts.length] ?? '';
    const id = `cb${(updateId += 1)}`;
    pending.set(id, nowMs());
    void bot.handleUpdate({
      update_id: updateId,
      callback_query: {
        id,
        from: { id: member, is_bot: false, first_name: 'm' },
        chat_instance: 'c',
        data: buttonData(prompt, 'approve'),
        message: {
          message_id: 1,
          date: 0,
          chat: { id: GROUP_ID, type: 'supergroup', title: 'g' },
          text: 'Payout?\nApproved 0 of 50 needed · rejected 0',
        },
      },
    } as never);
  };
  await drive(WARMUP_SECONDS, rate, fire, pending, latencies);
  latencies = [];
  const { sent, answered } = await drive(seconds, rate, fire, pending, latencies);
  await fake.close();
  return { sent, answered, ...pick(summarise(latencies)) };
}

async function benchDiscordPress(
  appContext: () => AppContext,
  logger: ReturnType<typeof createLogger>,
  seconds: number,
  rate: number,
  prompts: string[],
): Promise<Result> {
  const pending = new Map<string, number>();
  let latencies: number[] = [];
  const fake = await startFakeDiscord({
    onCall: (call) => {
      const id = /\/interactions\/(\d+)\//.exec(call.path)?.[1];
      const started = id ? pending.get(id) : undefined;
      if (!id || started === undefined) return;
      pending.delete(id);
      latencies.push(nowMs() - started);
    },
  });
  const client = createDiscordBot({ restApi: fake.api, appContext, logger, publicUrl: 'https://realms.example' });
  client.rest.setToken('bench');
  const handle = (client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }).actions
    .InteractionCreate;
  const fire = (index: number) => {
    const member = 600_000_000_000_000_000n + BigInt(index % MEMBERS);
    const prompt = prompts[Math.floor(index / 50) % prompts.length] ?? '';
    const raw = buttonPress({
      customId: buttonData(prompt, 'approve'),
      content: 'Payout?\nApproved 0 of 50 needed · rejected 0',
      user: { id: String(member), username: 'm' },
    });
    pending.set(raw.id, nowMs());
    handle.handle(raw);
  };
  await drive(WARMUP_SECONDS, rate, fire, pending, latencies);
  latencies = [];
  const { sent, answered } = await drive(seconds, rate, fire, pending, latencies);
  await client.destroy();
  await fake.close();
  return { sent, answered, ...pick(summarise(latencies)) };
}

async function benchDiscord(
  appContext: () => AppContext,
  logger: ReturnType<typeof createLogger>,
  seconds: number,
  rate: number,
): Promise<Result> {
  const pending = new Map<string, number>();
  let latencies: number[] = [];
  const fake = await startFakeDiscord({
    onCall: (call) => {
      const id = /\/interactions\/(\d+)\//.exec(call.path)?.[1];
      const started = id ? pending.get(id) : undefined;
      if (!id || started === undefined) return;
      pending.delete(id);
      latencies.push(nowMs() - started);
    },
  });
  const client = createDiscordBot({ restApi: fake.api, appContext, logger, publicUrl: 'https://realms.example' });
  client.rest.setToken('bench');
  const handle = (client as unknown as { actions: { InteractionCreate: { handle(data: unknown): void } } }).actions
    .InteractionCreate;
  const fire = (index: number) => {
    const member = 600_000_000_000_000_000n + BigInt(index % MEMBERS);
    const raw = slashCommand({ name: 'balance', user: { id: String(member), username: `m${index % MEMBERS}` } });
    pending.set(raw.id, nowMs());
    handle.handle(raw);
  };
  await drive(WARMUP_SECONDS, rate, fire, pending, latencies);
  latencies = [];
  const { sent, answered } = await drive(seconds, rate, fire, pending, latencies);
  await client.destroy();
  await fake.close();
  return { sent, answered, ...pick(summarise(latencies)) };
}

const pick = (s: ReturnType<typeof summarise>) => ({
  latencyMsP50: s.latencyMsP50,
  latencyMsP99: s.latencyMsP99,
  latencyMsMax: s.latencyMsMax,
});

function print(
  json: boolean,
  rate: number,
  seconds: number,
  telegram: Result,
  discord: Result,
  presses: { telegram: Result; discord: Result },
) {
  const row = (name: string, r: Result) => [
    name,
    String(r.sent),
    String(r.answered),
    fmt(r.latencyMsP50, 1),
    fmt(r.latencyMsP99, 1),
    fmt(r.latencyMsMax, 1),
    verdict(r.latencyMsP99 <= TARGET_P99_MS),
  ];
  console.log(
    table(
      ['update', 'sent', 'answered', 'p50 ms', 'p99 ms', 'max ms', `p99 ≤ ${TARGET_P99_MS} ms`],
      [
        row('/balance, Telegram (grammY)', telegram),
        row('/balance, Discord (discord.js)', discord),
        row('approval press, Telegram', presses.telegram),
        row('approval press, Discord', presses.discord),
      ],
    ),
  );
  if (json)
    console.log(
      JSON.stringify({
        ratePerSec: rate,
        seconds,
        telegramBalanceLatencyMsP50: round(telegram.latencyMsP50),
        telegramBalanceLatencyMsP99: round(telegram.latencyMsP99),
        telegramAnswered: telegram.answered,
        telegramSent: telegram.sent,
        discordBalanceLatencyMsP50: round(discord.latencyMsP50),
        discordBalanceLatencyMsP99: round(discord.latencyMsP99),
        discordAnswered: discord.answered,
        discordSent: discord.sent,
        telegramPressLatencyMsP50: round(presses.telegram.latencyMsP50),
        telegramPressLatencyMsP99: round(presses.telegram.latencyMsP99),
        discordPressLatencyMsP50: round(presses.discord.latencyMsP50),
        discordPressLatencyMsP99: round(presses.discord.latencyMsP99),
      }),
    );
}
