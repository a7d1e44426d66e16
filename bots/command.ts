import type { Actor, AppContext } from '../core/context.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { findPoolByChat } from '../core/pools/bind-chat.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import type { Logger } from '../lib/logger.ts';
import { errorMessage, pickLocale, t, type Args, type Locale } from './i18n.ts';

export type Platform = 'discord' | 'telegram';

/** Where a command was sent: a Discord guild or Telegram group (bound to at most one pool), or a private chat. */
export interface ChatInfo {
  platform: Platform;
  /** Guild id or group chat id; null in a private chat. */
  chatId: string | null;
  /** Whether the sender administers this guild or group (Manage Server on Discord; creator/admin on Telegram). */
  isChatAdmin: boolean;
  /** Discord: the channel the command came from (a new pool posts there). */
  channelId?: string;
}

export interface BotUser {
  platform: Platform;
  externalId: string;
  displayName: string;
  username: string | null;
  /** The platform's locale for this person (Discord interaction locale, Telegram language_code). */
  languageTag: string | null;
}

/** An option of a command: typed the same way on both platforms. */
export interface OptionDef {
  name: string;
  /**
   * 'pool': one of the sender's pools, autocompleted on Discord, by name on Telegram (for private chats).
   * 'offer' / 'deal': an offer of the chat's pool or one of the sender's deals, autocompleted on Discord, by its short
   * code (#1a2b3c4d) on Telegram.
   */
  type: 'string' | 'member' | 'pool' | 'offer' | 'deal';
  required: boolean;
  /** Locale key of its description. */
  descriptionKey: string;
  /** Free text that may hold spaces: on Telegram it takes the rest of the line (later options are set as name=value). */
  text?: boolean;
  /** A closed list of values (offered as choices on Discord). */
  choices?: readonly string[];
}

/** What a command answers. `private` replies go only to the sender (ephemeral on Discord, a DM on Telegram). */
export interface Reply {
  text: string;
  private: boolean;
  /** A private step the adapter runs next: asking for a pool's password (a modal, or the private chat). */
  followUp?: { kind: 'password'; poolId: string; referralCode?: string };
  /** Buttons under the message: a prompt to confirm, approve or vote (bots/prompts.ts renders them). */
  prompt?: { id: string; audience: 'creator' | 'member' | 'officer' | 'owner' };
  /** Rows of buttons that run commands (bots/actions.ts): buy this offer, next page, vote… */
  buttons?: Button[][];
  /** A Telegram Stars invoice the adapter sends in the private chat (the payload is the top-up id). */
  invoice?: { topupId: string; title: string; description: string; stars: number };
}

/** A button: its label and its data (a prompt choice, or a command to run — bots/actions.ts), or a link to open. */
export interface Button {
  label: string;
  data: string;
  /** A link button (a payment page): opens the address instead of sending data. */
  url?: string;
}

export interface CommandContext {
  app: AppContext;
  actor: Actor;
  locale: Locale;
  chat: ChatInfo;
  user: BotUser;
  /** Made from the platform's update or interaction id: a replayed update moves no money twice. */
  idempotencyKey: string;
  publicUrl: string;
  /** Resolves a member option (a Discord user id, or a Telegram @username / numeric id) to a user. */
  resolveMember(value: string): Promise<string | null>;
  t(key: string, args?: Args): string;
  reply(key: string, args?: Args, options?: { private?: boolean }): Reply;
}

export interface SubcommandDef {
  descriptionKey: string;
  options: OptionDef[];
  run(ctx: CommandContext, args: Record<string, string | undefined>): Promise<Reply>;
}

/**
 * One command, written once for both bots: its name, localized description, options and the use case it calls.
 * Either `run` (a plain command) or `subcommands` (`/pool create`, `/pool info`).
 */
export interface CommandDef {
  name: string;
  descriptionKey: string;
  options?: OptionDef[];
  run?(ctx: CommandContext, args: Record<string, string | undefined>): Promise<Reply>;
  subcommands?: Record<string, SubcommandDef>;
}

/** The pool of the chat the command came from; a localized refusal when the chat has none or it is a DM. */
export async function chatPool(ctx: CommandContext): Promise<{ poolId: string }> {
  if (ctx.chat.chatId === null) throw new BotRefusal('group-only');
  const pool = await findPoolByChat(ctx.app, ctx.chat.platform, ctx.chat.chatId);
  if (!pool) throw new BotRefusal('pool-not-bound');
  return pool;
}

/** The `pool` option every private-data command takes: in a private chat it names which of your pools. */
export const POOL_OPTION: OptionDef = { name: 'pool', type: 'pool', required: false, descriptionKey: 'cmd-opt-pool' };

/** The sender's pools (not the ones they left), for private chats and Discord's autocomplete. */
export async function myPools(ctx: Pick<CommandContext, 'app' | 'actor'>): Promise<{ id: string; name: string }[]> {
  return ctx.app.em.execute<{ id: string; name: string }[]>(
    `select p.id, p.name from pool_members m join pools p on p.id = m.pool_id
      where m.user_id = ? and m.status <> 'left' and p.status <> 'pending' order by p.name, p.id limit 100`,
    [ctx.actor.userId],
  );
}

/**
 * The pool a private-data command is about: the chat's pool in a group; in a private chat the one named (id or
 * name), or the only one the sender belongs to.
 */
export async function personalPool(ctx: CommandContext, named: string | undefined): Promise<{ poolId: string }> {
  if (ctx.chat.chatId !== null) return chatPool(ctx);
  const pools = await myPools(ctx);
  const raw = named?.trim().toLowerCase();
  // Buttons carry ids without dashes (Telegram allows 64 bytes of data).
  const wanted = raw && /^[0-9a-f]{32}$/.test(raw) ? expandId(raw) : raw;
  const matches = wanted ? pools.filter((p) => p.id === wanted || p.name.toLowerCase() === wanted) : pools;
  const only = matches.length === 1 ? matches[0] : undefined;
  if (only) return { poolId: only.id };
  if (pools.length === 0) throw new BotRefusal('dm-no-pools');
  throw new BotRefusal('dm-choose-pool', { pools: pools.map((p) => p.name).join(', '), first: pools[0]?.name ?? '' });
}

/** A UUID written without dashes, as buttons carry it, written with them again. */
export const expandId = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** A UUID without dashes, for button data. */
export const compactId = (id: string): string => id.replace(/-/g, '');

/** A refusal that is not a business error code: a locale key and its arguments. */
export class BotRefusal extends Error {
  override name = 'BotRefusal';
  constructor(
    readonly key: string,
    readonly args: Args = {},
    readonly followUp?: Reply['followUp'],
  ) {
    super(key);
  }
}

export interface RunInput {
  app: AppContext;
  user: BotUser;
  chat: ChatInfo;
  idempotencyKey: string;
  publicUrl: string;
  resolveMember(value: string): Promise<string | null>;
  logger: Logger;
}

/** The person behind a chat user, and the language to answer them in (their /language choice first). */
export async function resolveActor(app: AppContext, user: BotUser): Promise<{ actor: Actor; locale: Locale }> {
  const found = await ensureUserByIdentity(app.em, {
    platform: user.platform,
    externalId: user.externalId,
    displayName: user.displayName,
    username: user.username,
  });
  const rows = await app.em.execute<{ locale_override: Locale | null; locale: Locale }[]>(
    'select locale_override, locale from users where id = ?',
    [found.id],
  );
  const seen = pickLocale(user.languageTag);
  // Notifications reach people outside any conversation: remember the language their app last showed.
  if (user.languageTag && rows[0] && rows[0].locale !== seen)
    await app.em.execute('update users set locale = ? where id = ?', [seen, found.id]);
  const locale = rows[0]?.locale_override ?? seen;
  return { actor: { userId: found.id, isGlobalAdmin: found.isGlobalAdmin }, locale };
}

/**
 * Runs one command for either platform: who is asking, in which language, then the command; business errors and
 * refusals become localized messages (private, so a mistake is not announced to the group), bugs are logged and
 * answered with an apology.
 */
export async function runCommand(
  def: CommandDef,
  subcommand: string | null,
  args: Record<string, string | undefined>,
  input: RunInput,
): Promise<Reply> {
  let locale: Locale = pickLocale(input.user.languageTag);
  try {
    const resolved = await resolveActor(input.app, input.user);
    locale = resolved.locale;
    const ctx: CommandContext = {
      app: input.app,
      actor: resolved.actor,
      locale,
      chat: input.chat,
      user: input.user,
      idempotencyKey: input.idempotencyKey,
      publicUrl: input.publicUrl,
      resolveMember: (value) => input.resolveMember(value),
      t: (key, a) => t(locale, key, a),
      reply: (key, a, options) => ({ text: t(locale, key, a), private: options?.private ?? false }),
    };
    if (def.subcommands) {
      const sub = subcommand ? def.subcommands[subcommand] : undefined;
      if (!sub) return usage(locale, def);
      return await sub.run(ctx, args);
    }
    if (!def.run) throw new Error(`command ${def.name} has neither run nor subcommands`);
    return await def.run(ctx, args);
  } catch (error) {
    if (error instanceof BotRefusal)
      return { text: t(locale, error.key, error.args), private: true, followUp: error.followUp };
    if (isAppError(error))
      return { text: errorMessage(locale, error.code, error.details, error.message), private: true };
    input.logger.error({ err: error, command: def.name }, 'bot command failed');
    return { text: t(locale, 'internal-error'), private: true };
  }
}

export function usage(locale: Locale, def: CommandDef): Reply {
  const forms = def.subcommands
    ? Object.entries(def.subcommands).map(([name, sub]) => `/${def.name} ${name}${optionsUsage(sub.options)}`)
    : [`/${def.name}${optionsUsage(def.options ?? [])}`];
  return { text: t(locale, 'usage', { usage: forms.join(' | ') }), private: true };
}

const optionsUsage = (options: OptionDef[]) =>
  options.map((o) => (o.required ? ` <${o.name}>` : ` [${o.name}]`)).join('');

/** Refuses with VALIDATION_FAILED when a required option is missing (Discord enforces this; Telegram text cannot). */
export function required(args: Record<string, string | undefined>, name: string): string {
  const value = args[name]?.trim();
  if (!value) throw new AppError('VALIDATION_FAILED', `${name} is missing`);
  return value;
}
