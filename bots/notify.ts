import type { AppContext } from '../core/context.ts';
import type { BusEvent } from '../events/bus.ts';
import type { Logger } from '../lib/logger.ts';
import type { Button, Platform } from './command.ts';
import { notifyEconomy } from './notify-economy.ts';
import { formatAmount, t, type Args, type Locale } from './i18n.ts';

/** How a bot reaches people: a private message, and a post in a pool's chat. */
export interface Outbound {
  direct(externalUserId: string, text: string, buttons?: Button[][]): Promise<void>;
  post(chatId: string, text: string, buttons?: Button[][]): Promise<void>;
}

/** What an event handler gets: send privately to a person, post in the pool's chats, name a person. */
export interface NotifyHelpers {
  pool: { name: string; currency: string; locale: Locale };
  direct(
    userId: unknown,
    key: string,
    args: (locale: Locale) => Args,
    buttons?: (locale: Locale) => Button[][],
  ): Promise<void>;
  post(key: string, args: Args): Promise<void>;
  nameOf(userId: unknown): Promise<string>;
}

interface Person {
  userId: string;
  name: string;
  locale: Locale;
  identities: { platform: Platform; externalId: string }[];
}

/**
 * Turns bus events into messages: private ones to the people an event concerns (in their language, on every platform
 * they are linked on) and posts in the pool's chats. At-least-once delivery of events becomes exactly-once messages:
 * each (event, recipient) is recorded before it is sent, so a redelivered event sends nothing twice.
 */
export function createNotifier(options: {
  appContext: () => AppContext;
  outbound: Partial<Record<Platform, Outbound>>;
  logger: Logger;
}) {
  return async function notify(event: BusEvent): Promise<void> {
    const app = options.appContext();
    const p = event.payload;
    const pool = event.poolId ? await poolOf(app, event.poolId) : null;
    if (!pool) return;
    const amount = (locale: Locale) =>
      formatAmount(locale, BigInt(typeof p.amountMicros === 'string' ? p.amountMicros : '0'));
    const direct = async (
      userId: unknown,
      key: string,
      args: (locale: Locale) => Args,
      buttons?: (locale: Locale) => Button[][],
    ) => {
      if (typeof userId !== 'string') return;
      const person = await personOf(app, userId);
      if (!person) return;
      for (const identity of person.identities) {
        const out = options.outbound[identity.platform];
        if (!out || !(await claim(app, event.id, `${identity.platform}:user:${identity.externalId}`))) continue;
        await out
          .direct(
            identity.externalId,
            t(person.locale, key, { pool: pool.name, currency: pool.currency, ...args(person.locale) }),
            buttons?.(person.locale),
          )
          .catch((error: unknown) =>
            options.logger.warn({ err: error, eventId: event.id }, 'notification not delivered'),
          );
      }
    };
    const post = async (key: string, args: Args) => {
      const targets: [Platform, string | null][] = [
        ['telegram', pool.telegramChatId],
        ['discord', pool.discordChannelId],
      ];
      for (const [platform, chatId] of targets) {
        const out = options.outbound[platform];
        if (!out || !chatId || !(await claim(app, event.id, `${platform}:chat:${chatId}`))) continue;
        await out
          .post(chatId, t(pool.locale, key, { pool: pool.name, ...args }))
          .catch((error: unknown) => options.logger.warn({ err: error, eventId: event.id }, 'pool post not delivered'));
      }
    };
    const nameOf = async (userId: unknown) =>
      typeof userId === 'string' ? ((await personOf(app, userId))?.name ?? '?') : '?';

    // Holds of the marketplace, withdrawals and rewards have messages of their own (bots/notify-economy.ts).
    if (event.type.startsWith('Hold') && p.code !== 'hold') return;
    switch (event.type) {
      case 'HoldCreated': {
        const payer = await nameOf(p.debitUserId);
        await direct(p.creditUserId, 'notify-hold-created', (locale) => ({ payer, amount: amount(locale) }));
        return;
      }
      case 'HoldReleased': {
        const payer = await nameOf(p.debitUserId);
        await direct(p.creditUserId, 'notify-hold-released', (locale) => ({ payer, amount: amount(locale) }));
        return;
      }
      case 'HoldVoided':
      case 'HoldExpired':
        // A resolution keeps the hold's sides: the debit side is the payer, who has the money back.
        await direct(
          p.debitUserId,
          event.type === 'HoldVoided' ? 'notify-hold-voided' : 'notify-hold-expired',
          (locale) => ({
            amount: amount(locale),
          }),
        );
        return;
      case 'MemberJoined':
        await post('notify-member-joined', { member: await nameOf(p.userId) });
        return;
      case 'MemberRoleChanged':
        if (p.role === 'officer') await post('notify-officer', { member: await nameOf(p.userId) });
        return;
      case 'LedgerCheckpointSealed':
        await post('notify-checkpoint', {
          lane: String(p.lane),
          seq: String(p.seq),
          hash: String(p.hash).slice(0, 16),
        });
        return;
      default:
        await notifyEconomy(app, event, { pool, direct, post, nameOf });
        return;
    }
  };
}

async function claim(app: AppContext, eventId: string, recipient: string): Promise<boolean> {
  const rows = await app.em.execute<{ event_id: string }[]>(
    'insert into bot_notifications_sent (event_id, recipient) values (?, ?) on conflict do nothing returning event_id',
    [eventId, recipient],
  );
  return rows.length > 0;
}

async function poolOf(app: AppContext, poolId: string) {
  const rows = await app.em.execute<
    {
      name: string;
      currency: string;
      telegram_chat_id: string | null;
      discord_channel_id: string | null;
      locale: Locale;
    }[]
  >(
    `select p.name, p.currency, p.telegram_chat_id, p.discord_channel_id, coalesce(u.locale_override, u.locale) as locale
       from pools p join users u on u.id = p.owner_user_id where p.id = ?`,
    [poolId],
  );
  const row = rows[0];
  return row
    ? {
        name: row.name,
        currency: row.currency,
        telegramChatId: row.telegram_chat_id,
        discordChannelId: row.discord_channel_id,
        locale: row.locale,
      }
    : null;
}

async function personOf(app: AppContext, userId: string): Promise<Person | null> {
  const rows = await app.em.execute<
    { display_name: string; locale: Locale; platform: string | null; external_id: string | null }[]
  >(
    `select u.display_name, coalesce(u.locale_override, u.locale) as locale, i.platform, i.external_id
       from users u left join user_identities i on i.user_id = u.id and i.platform in ('discord', 'telegram')
      where u.id = ?`,
    [userId],
  );
  const first = rows[0];
  if (!first) return null;
  return {
    userId,
    name: first.display_name,
    locale: first.locale,
    identities: rows
      .filter((r) => r.platform && r.external_id)
      .map((r) => ({ platform: r.platform as Platform, externalId: r.external_id as string })),
  };
}
