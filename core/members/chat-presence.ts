import type { AppContext } from '../context.ts';
import { recordEvent } from '../events/record-event.ts';
import type { ChatPlatform } from '../pools/bind-chat.ts';

/**
 * The platform told us a person left (or came back to) the chat a pool is bound to. Their membership, balance and
 * machines are untouched; the mark is for officers (member lists show it). Unknown people and unbound chats are
 * ignored: most people in a chat are not members.
 */
export async function markChatPresence(
  ctx: AppContext,
  input: { platform: ChatPlatform; chatId: string; externalUserId: string; present: boolean },
): Promise<{ poolId: string; userId: string } | null> {
  const column = input.platform === 'discord' ? 'discord_guild_id' : 'telegram_chat_id';
  return ctx.em.transactional(async (em) => {
    const rows = await em.execute<{ pool_id: string; user_id: string }[]>(
      `update pool_members m
          set left_chats = case when ? then array_remove(m.left_chats, ?)
                                else array_append(array_remove(m.left_chats, ?), ?) end
         from pools p, user_identities i
        where p.${column} = ? and m.pool_id = p.id
          and i.platform = ? and i.external_id = ? and i.user_id = m.user_id
        returning m.pool_id, m.user_id`,
      [
        input.present,
        input.platform,
        input.platform,
        input.platform,
        input.chatId,
        input.platform,
        input.externalUserId,
      ],
    );
    const row = rows[0];
    if (!row) return null;
    await recordEvent(em, {
      type: input.present ? 'MemberReturnedToChat' : 'MemberLeftChat',
      poolId: row.pool_id,
      payload: { userId: row.user_id, platform: input.platform },
    });
    return { poolId: row.pool_id, userId: row.user_id };
  });
}
