import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Client } from 'discord.js';
import type { Router } from 'express';
import type { Bot } from 'grammy';
import { TELEGRAM_WEBHOOK_PATH, telegramWebhookRouter } from './telegram/webhook.ts';
import { createNotifier, type Outbound } from './notify.ts';
import type { Platform } from '../cli/platform.ts';
import type { Logger } from '../lib/logger.ts';
import { createDiscordBot, discordOutbound, registerDiscordCommands } from './discord/bot.ts';
import { createTelegramBot, registerTelegramCommands, telegramOutbound } from './telegram/bot.ts';

/**
 * Starts the bots whose tokens are set: Telegram by long polling (grammY's runner: updates of different chats run
 * concurrently, one chat's in order), Discord over the gateway. A platform that cannot be reached is reported and
 * left off; the rest of the process keeps running.
 */
export async function startBots(
  platform: Platform,
  logger: Logger,
  options: { withApi: boolean },
): Promise<{ lines: string[]; routers: Router[]; stop(): Promise<void> }> {
  const { env } = platform;
  const publicUrl = env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`;
  const lines: string[] = [];
  const routers: Router[] = [];
  let telegram: RunnerHandle | null = null;
  let telegramBot: Bot | null = null;
  let discord: Client | null = null;

  if (env.TELEGRAM_BOT_TOKEN) {
    try {
      const bot = createTelegramBot({
        token: env.TELEGRAM_BOT_TOKEN,
        apiRoot: env.TELEGRAM_API_ROOT,
        appContext: () => platform.appContext(),
        logger,
        publicUrl,
      });
      await bot.init();
      await registerTelegramCommands(bot, publicUrl);
      telegramBot = bot;
      const allowedUpdates = ['message', 'callback_query', 'my_chat_member', 'chat_member'] as const;
      if (env.TELEGRAM_WEBHOOK_URL && env.TELEGRAM_WEBHOOK_SECRET) {
        if (!options.withApi) throw new Error('TELEGRAM_WEBHOOK_URL needs the api role in this process (use start)');
        routers.push(telegramWebhookRouter(bot, env.TELEGRAM_WEBHOOK_SECRET));
        await bot.api.setWebhook(env.TELEGRAM_WEBHOOK_URL, {
          secret_token: env.TELEGRAM_WEBHOOK_SECRET,
          allowed_updates: [...allowedUpdates],
        });
        lines.push(`Telegram bot: @${bot.botInfo.username} (webhook at ${TELEGRAM_WEBHOOK_PATH})`);
      } else {
        // Long polling needs no public address; a webhook left from an earlier deployment would block it.
        await bot.api.deleteWebhook();
        telegram = run(bot, { runner: { fetch: { allowed_updates: [...allowedUpdates] } } });
        lines.push(`Telegram bot: @${bot.botInfo.username} (long polling)`);
      }
    } catch (error) {
      logger.warn({ err: error }, 'Telegram bot could not start');
      lines.push(`Telegram bot off: ${(error as Error).message}`);
    }
  }
  if (env.DISCORD_TOKEN) {
    try {
      const client = createDiscordBot({
        appContext: () => platform.appContext(),
        logger,
        publicUrl,
        memberEvents: env.DISCORD_SERVER_MEMBERS_INTENT,
      });
      await client.login(env.DISCORD_TOKEN);
      const applicationId = client.application?.id ?? client.user?.id;
      if (applicationId) {
        // One guild while developing (commands appear at once); everywhere in production (Discord caches for a while).
        await registerDiscordCommands({
          token: env.DISCORD_TOKEN,
          applicationId,
          guildId: env.NODE_ENV === 'production' ? undefined : env.DISCORD_DEV_GUILD_ID,
        });
      }
      discord = client;
      lines.push(`Discord bot: ${client.user?.tag ?? 'connected'} (gateway)`);
    } catch (error) {
      logger.warn({ err: error }, 'Discord bot could not start');
      lines.push(`Discord bot off: could not connect (${(error as Error).message})`);
    }
  }
  const outbound: Partial<Record<'telegram' | 'discord', Outbound>> = {};
  if (telegramBot) outbound.telegram = telegramOutbound(telegramBot);
  if (discord) outbound.discord = discordOutbound(discord);
  // One consumer group for every bots process: each event becomes its messages once.
  const unsubscribe =
    telegramBot || discord
      ? platform.bus.subscribe('bots', createNotifier({ appContext: () => platform.appContext(), outbound, logger }))
      : () => undefined;
  return {
    lines,
    routers,
    async stop() {
      unsubscribe();
      if (telegram?.isRunning()) await telegram.stop();
      if (discord) await discord.destroy();
    },
  };
}
