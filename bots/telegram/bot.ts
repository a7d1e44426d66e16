import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InlineKeyboard, type Context } from 'grammy';
import type { Prompt } from '../../core/prompts/prompts.ts';
import { handlePress, promptButtons, promptState } from '../prompts.ts';
import { parseAction } from '../actions.ts';
import { installStarsPayments, sendStarsInvoice } from './stars.ts';
import type { UserFromGetMe } from 'grammy/types';
import type { AppContext } from '../../core/context.ts';
import type { Logger } from '../../lib/logger.ts';
import { runCommand, type BotUser, type Button, type ChatInfo, type CommandDef, type Reply } from '../command.ts';
import type { Outbound } from '../notify.ts';
import { commands } from '../commands/index.ts';
import { joinOrAskPassword, joinWithPassword } from '../commands/join.ts';
import { resolveActor } from '../command.ts';
import { errorMessage, t, type Locale } from '../i18n.ts';
import { isAppError } from '../../core/errors.ts';
import { releaseChat } from '../../core/pools/bind-chat.ts';
import { markChatPresence } from '../../core/members/chat-presence.ts';
import { LOCALES } from '../i18n.ts';

export interface TelegramBotOptions {
  token: string;
  /** Given in tests (no getMe call); fetched from Telegram otherwise. */
  botInfo?: UserFromGetMe;
  /** The Bot API's address: a local fake in tests. */
  apiRoot?: string;
  appContext: () => AppContext;
  logger: Logger;
  publicUrl: string;
}

/** A password we asked for in the private chat, per Telegram user, for 10 minutes. */
interface PendingJoin {
  poolId: string;
  referralCode?: string;
  expiresAtMs: number;
}

const PENDING_TTL_MS = 10 * 60_000;

const botUser = (ctx: Context): BotUser | null =>
  ctx.from
    ? {
        platform: 'telegram',
        externalId: String(ctx.from.id),
        displayName:
          [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ') ||
          ctx.from.username ||
          String(ctx.from.id),
        username: ctx.from.username ?? null,
        languageTag: ctx.from.language_code ?? null,
      }
    : null;

/** Splits a command's text into its subcommand and options: the last option takes the rest (names with spaces). */
export function parseArgs(
  def: CommandDef,
  text: string,
): { subcommand: string | null; args: Record<string, string | undefined> } {
  let rest = text.trim();
  let subcommand: string | null = null;
  let options = def.options ?? [];
  if (def.subcommands) {
    const [first = '', ...others] = rest.split(/\s+/);
    subcommand = first.toLowerCase() || null;
    rest = others.join(' ');
    options = (subcommand && def.subcommands[subcommand]?.options) || [];
  }
  const args: Record<string, string | undefined> = {};
  // `name=value` words set options by name anywhere (pool=Night, quantity=3); the rest fill options in order.
  const names = new Set(options.map((option) => option.name));
  rest = rest
    .split(/\s+/)
    .filter((word) => {
      const named = /^([a-z-]+)=(.+)$/.exec(word);
      if (!named?.[1] || !names.has(named[1])) return true;
      args[named[1]] = named[2];
      return false;
    })
    .join(' ');
  const positional = options.filter((option) => args[option.name] === undefined);
  for (const [index, option] of positional.entries()) {
    // Free text (a title, a statement) takes the rest of the line; so does the last option.
    if (option.text || index === positional.length - 1) {
      args[option.name] = rest || undefined;
      break;
    }
    const [head = '', ...tail] = rest.split(/\s+/);
    args[option.name] = head || undefined;
    rest = tail.join(' ');
  }
  return { subcommand, args };
}

/**
 * The Telegram adapter: grammY over the shared command definitions. Private answers go to the private chat, never the
 * group; a private pool's password is asked for there, and a password typed in a group is deleted.
 */
export function createTelegramBot(options: TelegramBotOptions): Bot {
  const bot = new Bot(options.token, {
    botInfo: options.botInfo,
    client: options.apiRoot ? { apiRoot: options.apiRoot } : undefined,
  });
  // Flood limits (429 retry_after) and transient network errors are retried by the plugin, up to a minute.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  const pending = new Map<string, PendingJoin>();
  const askPassword = (telegramUserId: string, followUp: { poolId: string; referralCode?: string }) => {
    // Bounded: expired entries go first, so a flood of /join cannot grow this without limit.
    if (pending.size > 10_000) for (const [id, p] of pending) if (p.expiresAtMs < Date.now()) pending.delete(id);
    pending.set(telegramUserId, { ...followUp, expiresAtMs: Date.now() + PENDING_TTL_MS });
  };

  const deliver = async (ctx: Context, locale: Locale, reply: Reply) => {
    const chat = ctx.chat;
    if (!chat || !ctx.from) return;
    const keyboard = keyboardOf(locale, reply);
    if (!reply.private || chat.type === 'private') {
      await ctx.reply(reply.text, {
        reply_parameters: ctx.msg ? { message_id: ctx.msg.message_id, allow_sending_without_reply: true } : undefined,
        reply_markup: keyboard,
      });
      if (reply.invoice) await sendStarsInvoice(ctx.api, chat.id, reply.invoice);
      return;
    }
    try {
      await ctx.api.sendMessage(ctx.from.id, reply.text, { reply_markup: keyboard });
      if (reply.invoice) await sendStarsInvoice(ctx.api, ctx.from.id, reply.invoice);
    } catch (error) {
      // The person never opened a private chat with the bot: say how, and keep the private text out of the group.
      if (!(error instanceof GrammyError) || error.error_code !== 403) throw error;
      await ctx.reply(t(locale, 'dm-needed', { link: `https://t.me/${bot.botInfo.username}` }));
    }
  };

  const handle = async (def: CommandDef, ctx: Context) => {
    const user = botUser(ctx);
    const chat = ctx.chat;
    if (!user || !chat) return;
    const { subcommand, args } = parseArgs(def, typeof ctx.match === 'string' ? ctx.match : '');
    const isGroup = chat.type !== 'private';
    let isChatAdmin = false;
    if (isGroup && def.name === 'pool' && subcommand === 'create') {
      const member = await ctx.getChatMember(Number(user.externalId));
      isChatAdmin = member.status === 'creator' || member.status === 'administrator';
    }
    const chatInfo: ChatInfo = { platform: 'telegram', chatId: isGroup ? String(chat.id) : null, isChatAdmin };
    const app = options.appContext();
    const reply = await runCommand(def, subcommand, args, {
      app,
      user,
      chat: chatInfo,
      idempotencyKey: `tg:${ctx.update.update_id}`,
      publicUrl: options.publicUrl,
      resolveMember: (value) => resolveTelegramMember(app, ctx, value),
      logger: options.logger,
    });
    const { locale } = await resolveActor(app, user);
    if (reply.followUp?.kind === 'password') {
      askPassword(user.externalId, reply.followUp);
      const names = await app.em.execute<{ name: string }[]>('select name from pools where id = ?', [
        reply.followUp.poolId,
      ]);
      await deliver(ctx, locale, {
        text: t(locale, 'join-password-ask', { pool: names[0]?.name ?? '' }),
        private: true,
      });
      if (isGroup) await ctx.reply(reply.text);
      return;
    }
    await deliver(ctx, locale, reply);
  };

  bot.command('start', async (ctx) => {
    const user = botUser(ctx);
    if (!user) return;
    const payload = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    const app = options.appContext();
    const { locale } = await resolveActor(app, user);
    const referral = /^ref_([A-Za-z0-9]{6,16})$/.exec(payload);
    if (referral?.[1]) {
      const rows = await app.em.execute<{ pool_id: string }[]>(
        'select pool_id from referral_codes where code = ? and revoked_at is null',
        [referral[1].toUpperCase()],
      );
      const joinDef = commands.find((c) => c.name === 'join');
      if (rows[0] && joinDef) {
        const reply = await runCommand(
          { ...joinDef, run: (c) => joinOrAskPassword(c, rows[0]?.pool_id ?? '', referral[1]) },
          null,
          {},
          {
            app,
            user,
            chat: { platform: 'telegram', chatId: null, isChatAdmin: false },
            idempotencyKey: `tg:${ctx.update.update_id}`,
            publicUrl: options.publicUrl,
            resolveMember: async () => null,
            logger: options.logger,
          },
        );
        if (reply.followUp?.kind === 'password') {
          askPassword(user.externalId, reply.followUp);
          const names = await app.em.execute<{ name: string }[]>('select name from pools where id = ?', [
            reply.followUp.poolId,
          ]);
          await ctx.reply(t(locale, 'join-password-ask', { pool: names[0]?.name ?? '' }));
          return;
        }
        await ctx.reply(reply.text);
        return;
      }
      await ctx.reply(errorMessage(locale, 'REFERRAL_CODE_INVALID'));
      return;
    }
    await ctx.reply(t(locale, 'start-welcome'));
  });

  for (const def of commands) bot.command(def.name, (ctx) => handle(def, ctx));

  // Added to a group: offer to start its pool. Removed: the pool is unbound, and nothing else is lost.
  bot.on('my_chat_member', async (ctx) => {
    const { old_chat_member: before, new_chat_member: now } = ctx.myChatMember;
    const chatId = String(ctx.chat.id);
    if (ctx.chat.type === 'private') return;
    const gone = (status: string) => status === 'left' || status === 'kicked';
    if (gone(now.status)) {
      await releaseChat(options.appContext(), 'telegram', chatId);
      return;
    }
    if (gone(before.status)) {
      const user = botUser(ctx);
      const locale = user ? (await resolveActor(options.appContext(), user)).locale : 'en';
      await ctx.reply(t(locale, 'bot-added'));
    }
  });

  // The answer to "send me the password": only in the private chat, only while we are waiting for it.
  bot.on('message:text', async (ctx) => {
    const user = botUser(ctx);
    if (!user) return;
    const waiting = pending.get(user.externalId);
    if (!waiting || waiting.expiresAtMs < Date.now()) return;
    const app = options.appContext();
    const { actor, locale } = await resolveActor(app, user);
    if (ctx.chat.type !== 'private') {
      // Typed in the group by mistake: remove it (when the bot may) and say where passwords go.
      await ctx.deleteMessage().catch(() => undefined);
      await deliver(ctx, locale, { text: t(locale, 'join-password-deleted'), private: true });
      return;
    }
    pending.delete(user.externalId);
    try {
      const reply = await joinWithPassword(
        {
          app,
          actor,
          locale,
          chat: { platform: 'telegram', chatId: null, isChatAdmin: false },
          user,
          idempotencyKey: `tg:${ctx.update.update_id}`,
          publicUrl: options.publicUrl,
          resolveMember: async () => null,
          t: (key, args) => t(locale, key, args),
          reply: (key, args) => ({ text: t(locale, key, args), private: true }),
        },
        waiting.poolId,
        ctx.msg.text,
        waiting.referralCode,
      );
      await ctx.reply(reply.text);
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code === 'WRONG_POOL_PASSWORD') pending.set(user.externalId, waiting);
      await ctx.reply(errorMessage(locale, error.code, error.details, error.message));
    }
  });

  // A member left the group (or came back): marked on their membership, nothing else changes. Telegram sends these
  // when the bot is an admin of the group.
  bot.on('chat_member', async (ctx) => {
    const { old_chat_member: before, new_chat_member: now } = ctx.chatMember;
    const inChat = (status: string) => status !== 'left' && status !== 'kicked';
    if (inChat(before.status) === inChat(now.status)) return;
    await markChatPresence(options.appContext(), {
      platform: 'telegram',
      chatId: String(ctx.chat.id),
      externalUserId: String(now.user.id),
      present: inChat(now.status),
    });
  });

  // Approval, vote and confirmation buttons: the data names a prompt; state and roles are checked in core.
  // A button that runs a command (buy, next page, vote): private answers go to the private chat, others replace
  // the message the button was on (paging through the marketplace edits the list in place).
  const runActionButton = async (ctx: Context, user: BotUser, locale: Locale) => {
    const action = parseAction(ctx.callbackQuery?.data ?? '');
    const def = action ? commands.find((c) => c.name === action.command) : undefined;
    if (!action || !def || !ctx.chat) {
      await ctx.answerCallbackQuery();
      return;
    }
    const app = options.appContext();
    const reply = await runCommand(def, action.subcommand, action.args, {
      app,
      user,
      chat: {
        platform: 'telegram',
        chatId: ctx.chat.type === 'private' ? null : String(ctx.chat.id),
        isChatAdmin: false,
      },
      idempotencyKey: `tg:${ctx.update.update_id}`,
      publicUrl: options.publicUrl,
      resolveMember: (value) => resolveTelegramMember(app, ctx, value),
      logger: options.logger,
    });
    if (reply.private) {
      await ctx.answerCallbackQuery({ text: reply.prompt || reply.buttons ? undefined : reply.text.slice(0, 200) });
      if (reply.prompt || reply.buttons || reply.text.length > 200) await deliver(ctx, locale, reply);
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(reply.text, { reply_markup: keyboardOf(locale, reply) ?? { inline_keyboard: [] } });
  };

  bot.on('callback_query:data', async (ctx) => {
    const user = botUser(ctx);
    if (!user) return;
    const app = options.appContext();
    const { locale } = await resolveActor(app, user);
    const outcome = await handlePress(app, user, ctx.callbackQuery.data, locale);
    if (!outcome) {
      await runActionButton(ctx, user, locale);
      return;
    }
    await ctx.answerCallbackQuery({ text: outcome.notice.slice(0, 200) });
    const message = ctx.callbackQuery.message;
    if (outcome.state && message && 'text' in message && message.text) {
      const body = message.text.split('\n').slice(0, -1).join('\n');
      const markup = outcome.open ? message.reply_markup : undefined;
      await ctx.editMessageText([body, outcome.state].filter(Boolean).join('\n'), {
        reply_markup: markup ?? { inline_keyboard: [] },
      });
    }
  });

  installStarsPayments(bot, options.appContext, options.logger);

  bot.catch((error) =>
    options.logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'telegram update failed'),
  );
  return bot;
}

async function resolveTelegramMember(app: AppContext, ctx: Context, value: string): Promise<string | null> {
  const replied = ctx.msg?.reply_to_message?.from;
  const byId = /^[0-9]{1,20}$/.test(value) ? value : replied && !value ? String(replied.id) : null;
  const rows = byId
    ? await app.em.execute<{ user_id: string }[]>(
        "select user_id from user_identities where platform = 'telegram' and external_id = ?",
        [byId],
      )
    : await app.em.execute<{ user_id: string }[]>(
        "select user_id from user_identities where platform = 'telegram' and lower(username) = lower(?)",
        [value.replace(/^@/, '')],
      );
  return rows[0]?.user_id ?? null;
}

/** How notifications reach people and groups on Telegram, with their buttons. */
export function telegramOutbound(bot: Bot): Outbound {
  const markup = (buttons?: Button[][]) => ({ reply_markup: keyboardOf('en', { buttons }) });
  return {
    direct: async (id, text, buttons) => void (await bot.api.sendMessage(id, text, markup(buttons))),
    post: async (chatId, text, buttons) => void (await bot.api.sendMessage(chatId, text, markup(buttons))),
  };
}

/** Whether Telegram accepts a link button to `url`: http(s) to a name or a public address. */
export function publicLink(url: string): boolean {
  let host: string;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
    host = parsed.hostname;
  } catch {
    return false;
  }
  return !/^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.|0\.|\[::1\]|\[f[cd])/i.test(host);
}

/** The inline keyboard of a reply: its prompt's buttons on one row, then its own rows. */
export function keyboardOf(locale: Locale, reply: Pick<Reply, 'prompt' | 'buttons'>): InlineKeyboard | undefined {
  if (!reply.prompt && !reply.buttons?.length) return undefined;
  const keyboard = new InlineKeyboard();
  let buttons = 0;
  if (reply.prompt) {
    for (const button of promptButtons(locale, reply.prompt)) keyboard.text(button.label, button.data);
    keyboard.row();
    buttons += 1;
  }
  for (const row of reply.buttons ?? []) {
    for (const button of row) {
      // Telegram refuses link buttons to loopback and private addresses (a server on its defaults): the link is in
      // the text too, so such a button is left out rather than failing the whole message.
      if (button.url && !publicLink(button.url)) continue;
      if (button.url) keyboard.url(button.label, button.url);
      else keyboard.text(button.label, button.data);
      buttons += 1;
    }
    keyboard.row();
  }
  return buttons > 0 ? keyboard : undefined;
}

/** Posts a prompt (its text, a state line, its buttons) in a chat. */
export async function sendTelegramPrompt(
  bot: Bot,
  chatId: number | string,
  locale: Locale,
  body: string,
  prompt: Prompt,
): Promise<void> {
  const keyboard = new InlineKeyboard();
  for (const button of promptButtons(locale, prompt)) keyboard.text(button.label, button.data);
  await bot.api.sendMessage(chatId, `${body}\n${promptState(locale, prompt, { approve: 0, reject: 0 })}`, {
    reply_markup: keyboard,
  });
}

/**
 * The command menu in each language (Telegram shows the one matching the person's app language), and the menu
 * button: with a public https address (Telegram opens Mini Apps only there) it opens the web companion as a Mini App,
 * signed in by its initData; otherwise it shows the commands.
 */
export async function registerTelegramCommands(bot: Bot, publicUrl = ''): Promise<void> {
  for (const locale of LOCALES) {
    const list = commands.map((def) => ({
      command: def.name,
      description: t(locale, def.descriptionKey).slice(0, 256),
    }));
    await bot.api.setMyCommands(list, locale === 'en' ? {} : { language_code: locale });
  }
  const miniApp = publicUrl.startsWith('https://') && publicLink(publicUrl);
  await bot.api.setChatMenuButton({
    menu_button: miniApp
      ? { type: 'web_app', text: 'Power Realms', web_app: { url: `${publicUrl.replace(/\/$/, '')}/auth/telegram` } }
      : { type: 'commands' },
  });
}
