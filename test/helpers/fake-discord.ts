import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DiscordCall {
  method: string;
  path: string;
  body: Record<string, unknown> | unknown[] | null;
}

/**
 * A stand-in for Discord's REST API on 127.0.0.1: records every call; interaction callbacks answer 204 as Discord
 * does, webhook edits echo a message, command registration echoes the commands.
 */
export async function startFakeDiscord(options: { onCall?: (call: DiscordCall) => void } = {}) {
  const calls: DiscordCall[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      let body: DiscordCall['body'] = null;
      if (raw) {
        try {
          body = JSON.parse(raw) as DiscordCall['body'];
        } catch {
          // multipart bodies (files) are not used by the bot
        }
      }
      calls.push({ method: req.method ?? '', path, body });
      options.onCall?.({ method: req.method ?? '', path, body });
      if (/\/interactions\/[^/]+\/[^/]+\/callback$/.test(path)) return void res.writeHead(204).end();
      const json = (value: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (path.includes('/webhooks/'))
        return json({
          id: '1',
          channel_id: '1',
          content: (body as { content?: string } | null)?.content ?? '',
          type: 0,
          timestamp: new Date().toISOString(),
          author: { id: '1', username: 'bot', discriminator: '0' },
          attachments: [],
          embeds: [],
          mentions: [],
          mention_roles: [],
          pinned: false,
          mention_everyone: false,
          tts: false,
          edited_timestamp: null,
          flags: 0,
          components: [],
        });
      return json(body ?? {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    api: `http://127.0.0.1:${port}/api`,
    calls,
    /** The callback (first answer) sent for an interaction id. */
    callback(
      interactionId: string,
    ):
      | { type: number; data: { content?: string; flags?: number; custom_id?: string; components?: unknown[] } }
      | undefined {
      const call = calls.find((c) => c.path.includes(`/interactions/${interactionId}/`));
      return call?.body as never;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let sequence = 1_000_000_000_000_000n;
const snowflake = () => String((sequence += 1n));

export const APPLICATION_ID = '900000000000000001';
export const GUILD_ID = '800000000000000001';

/** A raw slash-command interaction, as the gateway delivers it. Options: strings or users (id + `user: true`). */
export function slashCommand(input: {
  name: string;
  subcommand?: string;
  options?: Record<string, string | { user: string }>;
  user: { id: string; username: string; global_name?: string };
  locale?: string;
  guild?: boolean;
  manageGuild?: boolean;
  id?: string;
}) {
  const options = Object.entries(input.options ?? {}).map(([name, value]) =>
    typeof value === 'string' ? { name, type: 3, value } : { name, type: 6, value: value.user },
  );
  const users = Object.fromEntries(
    Object.values(input.options ?? {})
      .filter((v): v is { user: string } => typeof v !== 'string')
      .map((v) => [
        v.user,
        { id: v.user, username: `u${v.user.slice(-4)}`, discriminator: '0', global_name: null, avatar: null },
      ]),
  );
  const user = {
    ...input.user,
    discriminator: '0',
    avatar: null,
    global_name: input.user.global_name ?? input.user.username,
  };
  const guild = input.guild ?? true;
  return {
    id: input.id ?? snowflake(),
    application_id: APPLICATION_ID,
    type: 2,
    token: `token-${snowflake()}`,
    version: 1,
    locale: input.locale ?? 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    context: guild ? 0 : 1,
    channel_id: '700000000000000001',
    channel: guild
      ? { id: '700000000000000001', type: 0, guild_id: GUILD_ID, name: 'general' }
      : { id: '700000000000000002', type: 1, recipients: [user] },
    ...(guild
      ? {
          guild_id: GUILD_ID,
          guild_locale: 'en-US',
          member: {
            user,
            roles: [],
            permissions: input.manageGuild ? '32' : '0',
            joined_at: new Date().toISOString(),
            deaf: false,
            mute: false,
            flags: 0,
          },
        }
      : { user }),
    data: {
      id: snowflake(),
      name: input.name,
      type: 1,
      options: input.subcommand ? [{ name: input.subcommand, type: 1, options }] : options,
      resolved: Object.keys(users).length ? { users } : undefined,
    },
  };
}

/** A raw modal submission carrying one text field. */
export function modalSubmit(input: {
  customId: string;
  value: string;
  user: { id: string; username: string };
  locale?: string;
}) {
  const user = { ...input.user, discriminator: '0', avatar: null, global_name: input.user.username };
  return {
    id: snowflake(),
    application_id: APPLICATION_ID,
    type: 5,
    token: `token-${snowflake()}`,
    version: 1,
    locale: input.locale ?? 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
    channel_id: '700000000000000001',
    channel: { id: '700000000000000001', type: 0, guild_id: GUILD_ID, name: 'general' },
    guild_id: GUILD_ID,
    member: {
      user,
      roles: [],
      permissions: '0',
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    },
    data: {
      custom_id: input.customId,
      components: [{ type: 1, components: [{ type: 4, custom_id: 'password', value: input.value }] }],
    },
  };
}

/** A raw button press on a message the bot posted (its content and buttons as Discord sends them back). */
export function buttonPress(input: {
  customId: string;
  content: string;
  user: { id: string; username: string };
  locale?: string;
}) {
  const user = { ...input.user, discriminator: '0', avatar: null, global_name: input.user.username };
  return {
    id: snowflake(),
    application_id: APPLICATION_ID,
    type: 3,
    token: `token-${snowflake()}`,
    version: 1,
    locale: input.locale ?? 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
    channel_id: '700000000000000001',
    channel: { id: '700000000000000001', type: 0, guild_id: GUILD_ID, name: 'general' },
    guild_id: GUILD_ID,
    member: {
      user,
      roles: [],
      permissions: '0',
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    },
    message: {
      id: snowflake(),
      channel_id: '700000000000000001',
      content: input.content,
      author: { id: APPLICATION_ID, username: 'bot', discriminator: '0', avatar: null, bot: true, global_name: null },
      components: [{ type: 1, components: [{ type: 2, style: 3, label: 'Approve', custom_id: input.customId }] }],
      attachments: [],
      embeds: [],
      mentions: [],
      mention_roles: [],
      pinned: false,
      mention_everyone: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: 0,
      type: 0,
    },
    data: { custom_id: input.customId, component_type: 2 },
  };
}
