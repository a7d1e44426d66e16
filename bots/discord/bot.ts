import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  REST,
  Routes,
  TextInputBuilder,
  TextInputStyle,
  ButtonBuilder,
  ButtonStyle,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type SendableChannels,
  type Interaction,
  type ModalSubmitInteraction,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { AppContext } from '../../core/context.ts';
import { isAppError } from '../../core/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import {
  myPools,
  resolveActor,
  runCommand,
  type BotUser,
  type CommandDef,
  type OptionDef,
  type Reply,
} from '../command.ts';
import { commands } from '../commands/index.ts';
import { parseAction, shortCode } from '../actions.ts';
import type { Outbound } from '../notify.ts';
import { joinWithPassword } from '../commands/join.ts';
import { errorMessage, pickLocale, t, type Locale } from '../i18n.ts';
import type { Prompt } from '../../core/prompts/prompts.ts';
import { handlePress, promptButtons, promptState } from '../prompts.ts';
import { releaseChat } from '../../core/pools/bind-chat.ts';
import { markChatPresence } from '../../core/members/chat-presence.ts';

export interface DiscordBotOptions {
  /** Discord's REST base (`https://discord.com/api` unless a test points it at a fake). */
  restApi?: string;
  appContext: () => AppContext;
  logger: Logger;
  publicUrl: string;
  /** Mark members who leave or rejoin the server (needs the privileged Server Members intent). */
  memberEvents?: boolean;
}

/** Past this, a command is deferred (Discord's hard limit for the first answer is 3 s). */
const DEFER_AFTER_MS = 1500;
const PASSWORD_MODAL = 'join-password';

const userOf = (interaction: Interaction): BotUser => ({
  platform: 'discord',
  externalId: interaction.user.id,
  displayName:
    (interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : null) ??
    interaction.user.globalName ??
    interaction.user.username,
  username: interaction.user.username,
  languageTag: interaction.locale,
});

/** Answers once: a reply, or an edit of the deferred reply when the command took long enough to be deferred. */
async function answer(
  interaction: ChatInputCommandInteraction | ModalSubmitInteraction,
  reply: Reply,
  locale: Locale = 'en',
): Promise<void> {
  const components = componentsOf(locale, reply);
  if (interaction.deferred) {
    await interaction.editReply({ content: reply.text, components });
    return;
  }
  await interaction.reply({
    content: reply.text,
    components,
    flags: reply.private ? MessageFlags.Ephemeral : undefined,
  });
}

/** How notifications reach people and channels on Discord, with their buttons. */
export function discordOutbound(client: Client): Outbound {
  return {
    direct: async (id, text, buttons) =>
      void (await client.users.send(id, { content: text, components: componentsOf('en', { buttons }) })),
    post: async (channelId, text, buttons) => {
      const channel = await client.channels.fetch(channelId);
      if (channel?.isSendable()) await channel.send({ content: text, components: componentsOf('en', { buttons }) });
    },
  };
}

/** A reply's buttons as Discord action rows: the prompt's choices first, then its own rows (5 rows of 5 at most). */
export function componentsOf(locale: Locale, reply: Pick<Reply, 'prompt' | 'buttons'>) {
  const rows = reply.prompt ? [promptRow(locale, reply.prompt)] : [];
  for (const row of reply.buttons ?? [])
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        row
          .slice(0, 5)
          .map((button) =>
            button.url
              ? new ButtonBuilder().setURL(button.url).setLabel(button.label.slice(0, 80)).setStyle(ButtonStyle.Link)
              : new ButtonBuilder()
                  .setCustomId(button.data)
                  .setLabel(button.label.slice(0, 80))
                  .setStyle(ButtonStyle.Secondary),
          ),
      ),
    );
  return rows.slice(0, 5);
}

function promptRow(locale: Locale, prompt: NonNullable<Reply['prompt']>) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    promptButtons(locale, prompt).map((button, index) =>
      new ButtonBuilder()
        .setCustomId(button.data)
        .setLabel(button.label)
        .setStyle(index === 0 ? ButtonStyle.Success : ButtonStyle.Danger),
    ),
  );
}

/**
 * The Discord adapter: discord.js over the shared command definitions. Private answers are ephemeral; a private
 * pool's password is asked for in a modal, so it never appears in the channel.
 */
export function createDiscordBot(options: DiscordBotOptions): Client {
  const client = new Client({
    // GuildMembers is privileged: only with "Server Members Intent" enabled in the Developer Portal (else login fails).
    intents: options.memberEvents
      ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers]
      : [GatewayIntentBits.Guilds],
    rest: options.restApi ? { api: options.restApi } : {},
  });

  const runChatInput = async (interaction: ChatInputCommandInteraction) => {
    const def = commands.find((c) => c.name === interaction.commandName);
    if (!def) return;
    const subcommand = def.subcommands ? interaction.options.getSubcommand(false) : null;
    const optionDefs = (subcommand ? def.subcommands?.[subcommand]?.options : def.options) ?? [];
    const args: Record<string, string | undefined> = {};
    for (const option of optionDefs)
      args[option.name] =
        option.type === 'member'
          ? (interaction.options.getUser(option.name)?.id ?? undefined)
          : (interaction.options.getString(option.name) ?? undefined);
    const app = options.appContext();
    const running = runCommand(def, subcommand, args, {
      app,
      user: userOf(interaction),
      chat: {
        platform: 'discord',
        chatId: interaction.guildId,
        isChatAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
        channelId: interaction.channelId,
      },
      idempotencyKey: `dc:${interaction.id}`,
      publicUrl: options.publicUrl,
      resolveMember: async (value) => {
        const rows = await app.em.execute<{ user_id: string }[]>(
          "select user_id from user_identities where platform = 'discord' and external_id = ?",
          [value.replace(/^<@!?(\d+)>$/, '$1')],
        );
        return rows[0]?.user_id ?? null;
      },
      logger: options.logger,
    });
    const timer = new Promise<'slow'>((resolve) => setTimeout(() => resolve('slow'), DEFER_AFTER_MS).unref());
    if ((await Promise.race([running, timer])) === 'slow') {
      // Slow (a cold database, a long verification): acknowledge now, privately, and edit the answer in later.
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    }
    const reply = await running;
    if (reply.followUp?.kind === 'password' && !interaction.deferred) {
      const { locale } = await resolveActor(app, userOf(interaction));
      const names = await app.em.execute<{ name: string }[]>('select name from pools where id = ?', [
        reply.followUp.poolId,
      ]);
      const modal = new ModalBuilder()
        .setCustomId(`${PASSWORD_MODAL}:${reply.followUp.poolId}:${reply.followUp.referralCode ?? ''}`)
        .setTitle(names[0]?.name.slice(0, 45) || 'Power Realms')
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder()
              .setCustomId('password')
              .setLabel(t(locale, 'join-password-ask', { pool: '' }).slice(0, 45))
              .setStyle(TextInputStyle.Short)
              .setMinLength(1)
              .setMaxLength(128)
              .setRequired(true),
          ),
        );
      await interaction.showModal(modal);
      return;
    }
    await answer(interaction, reply, (await resolveActor(app, userOf(interaction))).locale);
  };

  // The modal's answer: the custom id carries only ids; the password is checked (and rate-limited) by core.
  const runPasswordModal = async (interaction: ModalSubmitInteraction) => {
    const [, poolId = '', referralCode = ''] = interaction.customId.split(':');
    const app = options.appContext();
    const user = userOf(interaction);
    const { actor, locale } = await resolveActor(app, user);
    try {
      const reply = await joinWithPassword(
        {
          app,
          actor,
          locale,
          chat: { platform: 'discord', chatId: interaction.guildId, isChatAdmin: false },
          user,
          idempotencyKey: `dc:${interaction.id}`,
          publicUrl: options.publicUrl,
          resolveMember: async () => null,
          t: (key, args) => t(locale, key, args),
          reply: (key, args) => ({ text: t(locale, key, args), private: true }),
        },
        poolId,
        interaction.fields.getTextInputValue('password'),
        referralCode || undefined,
      );
      await answer(interaction, reply);
    } catch (error) {
      if (!isAppError(error)) throw error;
      await answer(interaction, {
        text: errorMessage(locale, error.code, error.details, error.message),
        private: true,
      });
    }
  };

  // Removed from a server: its pool is unbound, members and money stay. Added: a hello in the system channel.
  client.on(Events.GuildDelete, (guild) => {
    releaseChat(options.appContext(), 'discord', guild.id).catch((error: unknown) =>
      options.logger.error({ err: error, guildId: guild.id }, 'unbinding a removed guild failed'),
    );
  });
  // A member left the server (needs the Server Members intent): marked on their membership, nothing else changes.
  client.on(Events.GuildMemberRemove, (member) => {
    markChatPresence(options.appContext(), {
      platform: 'discord',
      chatId: member.guild.id,
      externalUserId: member.id,
      present: false,
    }).catch((error: unknown) => options.logger.error({ err: error }, 'marking a member who left failed'));
  });
  client.on(Events.GuildMemberAdd, (member) => {
    markChatPresence(options.appContext(), {
      platform: 'discord',
      chatId: member.guild.id,
      externalUserId: member.id,
      present: true,
    }).catch((error: unknown) => options.logger.error({ err: error }, 'marking a member who returned failed'));
  });
  client.on(Events.GuildCreate, (guild) => {
    const locale = pickLocale(guild.preferredLocale);
    guild.systemChannel
      ?.send(t(locale, 'bot-added'))
      .catch((error: unknown) => options.logger.warn({ err: error, guildId: guild.id }, 'could not greet a new guild'));
  });

  // A button that runs a command (buy, next page, vote): private answers are ephemeral, others replace the message.
  const runActionButton = async (interaction: ButtonInteraction, locale: Locale) => {
    const action = parseAction(interaction.customId);
    const def = action ? commands.find((c) => c.name === action.command) : undefined;
    if (!action || !def) return;
    const app = options.appContext();
    const reply = await runCommand(def, action.subcommand, action.args, {
      app,
      user: userOf(interaction),
      chat: { platform: 'discord', chatId: interaction.guildId, isChatAdmin: false, channelId: interaction.channelId },
      idempotencyKey: `dc:${interaction.id}`,
      publicUrl: options.publicUrl,
      resolveMember: async () => null,
      logger: options.logger,
    });
    if (reply.private)
      await interaction.reply({
        content: reply.text,
        components: componentsOf(locale, reply),
        flags: MessageFlags.Ephemeral,
      });
    else await interaction.update({ content: reply.text, components: componentsOf(locale, reply) });
  };

  // Approval, vote and confirmation buttons: the custom id names a prompt; state and roles are checked in core.
  const runButton = async (interaction: ButtonInteraction) => {
    const app = options.appContext();
    const user = userOf(interaction);
    const { locale } = await resolveActor(app, user);
    const outcome = await handlePress(app, user, interaction.customId, locale);
    if (!outcome) {
      await runActionButton(interaction, locale);
      return;
    }
    if (!outcome.state) {
      await interaction.reply({ content: outcome.notice, flags: MessageFlags.Ephemeral });
      return;
    }
    const body = interaction.message.content.split('\n').slice(0, -1).join('\n');
    await interaction.update({
      content: [body, outcome.state].filter(Boolean).join('\n'),
      components: outcome.open ? interaction.message.components : [],
    });
  };

  // Autocomplete of the `pool` option: the sender's pools whose name contains what they typed (up to 25).
  const runAutocomplete = async (interaction: AutocompleteInteraction) => {
    const focused = interaction.options.getFocused(true);
    const app = options.appContext();
    const { actor } = await resolveActor(app, userOf(interaction));
    const typed = focused.value.toLowerCase();
    if (focused.name === 'offer' || focused.name === 'deal') {
      const choices = await economyChoices(app, actor, interaction.guildId, focused.name, typed);
      return interaction.respond(choices);
    }
    if (focused.name !== 'pool') return interaction.respond([]);
    const pools = (await myPools({ app, actor })).filter((p) => p.name.toLowerCase().includes(typed)).slice(0, 25);
    await interaction.respond(pools.map((p) => ({ name: p.name.slice(0, 100), value: p.id })));
  };

  client.on(Events.InteractionCreate, (interaction) => {
    const work = interaction.isAutocomplete()
      ? runAutocomplete(interaction)
      : interaction.isChatInputCommand()
        ? runChatInput(interaction)
        : interaction.isButton()
          ? runButton(interaction)
          : interaction.isModalSubmit() && interaction.customId.startsWith(`${PASSWORD_MODAL}:`)
            ? runPasswordModal(interaction)
            : Promise.resolve();
    work.catch((error: unknown) =>
      options.logger.error({ err: error, interactionId: interaction.id }, 'discord interaction failed'),
    );
  });
  return client;
}

/** Posts a prompt (its text, a state line, its buttons) in a channel. */
export async function sendDiscordPrompt(
  channel: SendableChannels,
  locale: Locale,
  body: string,
  prompt: Prompt,
): Promise<void> {
  await channel.send({
    content: `${body}\n${promptState(locale, prompt, { approve: 0, reject: 0 })}`,
    components: [promptRow(locale, prompt)],
  });
}

function optionJson(option: OptionDef) {
  return {
    ...(option.type === 'pool' || option.type === 'offer' || option.type === 'deal' ? { autocomplete: true } : {}),
    type: option.type === 'member' ? ApplicationCommandOptionType.User : ApplicationCommandOptionType.String,
    name: option.name,
    description: t('en', option.descriptionKey).slice(0, 100),
    description_localizations: { ru: t('ru', option.descriptionKey).slice(0, 100) },
    required: option.required,
    ...(option.choices ? { choices: option.choices.map((value) => ({ name: value, value })) } : {}),
  };
}

/** The slash commands as Discord's API takes them, with Russian descriptions. */
export function commandsJson(defs: CommandDef[] = commands): RESTPutAPIApplicationCommandsJSONBody {
  return defs.map((def) => ({
    name: def.name,
    description: t('en', def.descriptionKey).slice(0, 100),
    description_localizations: { ru: t('ru', def.descriptionKey).slice(0, 100) },
    options: def.subcommands
      ? Object.entries(def.subcommands).map(([name, sub]) => ({
          type: ApplicationCommandOptionType.Subcommand,
          name,
          description: t('en', sub.descriptionKey).slice(0, 100),
          description_localizations: { ru: t('ru', sub.descriptionKey).slice(0, 100) },
          options: sub.options.map(optionJson),
        }))
      : (def.options ?? []).map(optionJson),
  })) as RESTPutAPIApplicationCommandsJSONBody;
}

/** Registers the commands: in one guild while developing (instant), globally in production. */
export async function registerDiscordCommands(options: {
  token: string;
  applicationId: string;
  guildId?: string;
  restApi?: string;
}): Promise<void> {
  const rest = new REST(options.restApi ? { api: options.restApi } : {}).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  await rest.put(route, { body: commandsJson() });
}

/**
 * Autocomplete for offers (the guild pool's active offers) and deals (the sender's open deals there), matched on the
 * typed text against title or short code; the value is the id.
 */
async function economyChoices(
  app: AppContext,
  actor: { userId: string },
  guildId: string | null,
  kind: 'offer' | 'deal',
  typed: string,
): Promise<{ name: string; value: string }[]> {
  if (!guildId) return [];
  const rows =
    kind === 'offer'
      ? await app.em.execute<{ id: string; label: string }[]>(
          `select o.id, o.title || ' · ' || o.kind as label from offers o join pools p on p.id = o.pool_id
            where p.discord_guild_id = ? and o.status = 'active' and (o.title ilike ? or replace(o.id::text, '-', '') like ?)
            order by o.price_micros limit 25`,
          [guildId, `%${typed}%`, `%${typed}%`],
        )
      : await app.em.execute<{ id: string; label: string }[]>(
          `select d.id, o.title || ' · ' || d.status as label from deals d join offers o on o.id = d.offer_id
             join pools p on p.id = d.pool_id
            where p.discord_guild_id = ? and (d.buyer_user_id = ? or d.seller_user_id = ?)
              and d.status in ('reserved', 'delivered', 'disputed') and (o.title ilike ? or replace(d.id::text, '-', '') like ?)
            order by d.id desc limit 25`,
          [guildId, actor.userId, actor.userId, `%${typed}%`, `%${typed}%`],
        );
  return rows.map((row) => ({ name: `#${shortCode(row.id)} ${row.label}`.slice(0, 100), value: row.id }));
}
