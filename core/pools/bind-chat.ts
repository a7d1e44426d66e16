import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { loadPoolView, type PoolView } from './pool-view.ts';

export type ChatPlatform = 'discord' | 'telegram';

/**
 * The owner binds the pool to one Discord guild or one Telegram chat (or, with chatId null, unbinds it). A guild or
 * chat serves one pool at a time.
 */
export async function bindChat(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; platform: ChatPlatform; chatId: string | null; channelId?: string },
): Promise<PoolView> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  requirePoolRole(access, 'owner');
  if (input.chatId !== null && !/^-?[0-9]{1,30}$/.test(input.chatId))
    throw new AppError('VALIDATION_FAILED', 'a chat id is the numeric id the platform gives');
  const column = input.platform === 'discord' ? 'discord_guild_id' : 'telegram_chat_id';
  try {
    await ctx.em.transactional(async (em) => {
      await em.execute(`update pools set ${column} = ?, updated_at = now() where id = ?`, [input.chatId, input.poolId]);
      // On Discord the pool posts in one channel of the guild: the one given, none once unbound.
      if (input.platform === 'discord' && (input.channelId !== undefined || input.chatId === null))
        await em.execute('update pools set discord_channel_id = ? where id = ?', [
          input.chatId === null ? null : (input.channelId ?? null),
          input.poolId,
        ]);
      await recordEvent(em, {
        type: input.chatId === null ? 'PoolChatUnbound' : 'PoolChatBound',
        poolId: input.poolId,
        payload: { byUserId: actor.userId, platform: input.platform, chatId: input.chatId },
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('CHAT_ALREADY_BOUND');
    throw error;
  }
  return loadPoolView(ctx.em, input.poolId);
}

/** The pool a guild or chat is bound to, or null (the bots' way in). */
export async function findPoolByChat(
  ctx: AppContext,
  platform: ChatPlatform,
  chatId: string,
): Promise<{ poolId: string } | null> {
  const column = platform === 'discord' ? 'discord_guild_id' : 'telegram_chat_id';
  const rows = await ctx.em.execute<{ id: string }[]>(`select id from pools where ${column} = ?`, [chatId]);
  return rows[0] ? { poolId: rows[0].id } : null;
}

/**
 * The bot was removed from a guild or group: whichever pool it served is unbound (no role to check — the platform
 * told us). Nothing else changes: members, balances and history stay, and the pool can be bound again.
 */
export async function releaseChat(
  ctx: AppContext,
  platform: ChatPlatform,
  chatId: string,
): Promise<{ poolId: string } | null> {
  const column = platform === 'discord' ? 'discord_guild_id' : 'telegram_chat_id';
  return ctx.em.transactional(async (em) => {
    const rows = await em.execute<{ id: string }[]>(
      `update pools set ${column} = null${platform === 'discord' ? ', discord_channel_id = null' : ''}, updated_at = now()
        where ${column} = ? returning id`,
      [chatId],
    );
    const pool = rows[0];
    if (!pool) return null;
    await recordEvent(em, {
      type: 'PoolChatUnbound',
      poolId: pool.id,
      payload: { platform, chatId, reason: 'bot_removed' },
    });
    return { poolId: pool.id };
  });
}
