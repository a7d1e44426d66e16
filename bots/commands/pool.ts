import { bindChat } from '../../core/pools/bind-chat.ts';
import { createPool } from '../../core/pools/create-pool.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { BotRefusal, chatPool, required, type CommandDef } from '../command.ts';

export const pool: CommandDef = {
  name: 'pool',
  descriptionKey: 'cmd-pool',
  subcommands: {
    create: {
      descriptionKey: 'cmd-pool-create',
      options: [{ name: 'name', type: 'string', required: true, descriptionKey: 'cmd-pool-create-opt-name' }],
      async run(ctx, args) {
        const chatId = ctx.chat.chatId;
        if (chatId === null) throw new BotRefusal('group-only');
        if (!ctx.chat.isChatAdmin) throw new BotRefusal('pool-admins-only');
        const name = required(args, 'name');
        // Refuse before creating anything when the chat already serves a pool.
        const existing = await chatPool(ctx).catch(() => null);
        if (existing) return ctx.reply('error-CHAT_ALREADY_BOUND', {}, { private: true });
        const { pool: created } = await createPool(ctx.app, ctx.actor, {
          name,
          type: 'public',
          idempotencyKey: `${ctx.idempotencyKey}:pool`,
        });
        await bindChat(ctx.app, ctx.actor, {
          poolId: created.id,
          platform: ctx.chat.platform,
          chatId,
          channelId: ctx.chat.channelId,
        });
        return ctx.reply('pool-created', { name: created.name });
      },
    },
    info: {
      descriptionKey: 'cmd-pool-info',
      options: [],
      async run(ctx) {
        const { poolId } = await chatPool(ctx);
        const { pool: view } = await getPool(ctx.app, ctx.actor, { poolId });
        const owners = await ctx.app.em.execute<{ display_name: string }[]>(
          'select display_name from users where id = ?',
          [view.ownerUserId],
        );
        return ctx.reply('pool-info', {
          name: view.name,
          type: view.type,
          owner: owners[0]?.display_name ?? '?',
          members: view.memberCount,
          rules: view.settings.rules.trim() || 'none',
        });
      },
    },
  },
};
