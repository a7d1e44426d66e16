import { AppError } from '../../core/errors.ts';
import { parseAmountToMicros } from '../../core/money/amount.ts';
import { bindChat } from '../../core/pools/bind-chat.ts';
import { updatePoolSettings, type PoolSettingsPatch } from '../../core/pools/update-pool-settings.ts';
import { formatAmount } from '../i18n.ts';
import { createPool } from '../../core/pools/create-pool.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { BotRefusal, chatPool, required, type CommandDef } from '../command.ts';

/** A setting typed in chat as a settings patch; null for a setting we do not know. Bad values fail in core. */
function settingPatch(setting: string, value: string): PoolSettingsPatch | null {
  const whole = (text: string) => (/^\d{1,9}$/.test(text) ? Number(text) : Number.NaN);
  switch (setting) {
    case 'rules':
      return { rules: value };
    case 'quorum':
      return { withdrawalQuorum: whole(value) };
    case 'hold-hours':
      return { holdTimeoutSeconds: whole(value) * 3600 };
    case 'dispute-hours':
      return { disputeWindowHours: whole(value) };
    case 'slot-price': {
      if (value === '' || value === '0' || value.toLowerCase() === 'none') return { machineSlotPriceMicros: null };
      const parsed = parseAmountToMicros(value);
      if (!parsed.ok) throw new BotRefusal('amount-invalid', { input: value });
      return { machineSlotPriceMicros: parsed.value };
    }
    case 'owner-cut-percent': {
      const percent = /^\d{1,2}(\.\d{1,2})?$/.exec(value) ? Math.round(Number(value) * 100) : Number.NaN;
      return { ownerCutBps: percent };
    }
    case 'membership-fee': {
      if (value === '' || value === '0' || value.toLowerCase() === 'none') return { membershipFeeMicros: null };
      const parsed = parseAmountToMicros(value);
      if (!parsed.ok) throw new BotRefusal('amount-invalid', { input: value });
      return { membershipFeeMicros: parsed.value };
    }
    case 'min-seller-rating':
      return { minSellerRating: whole(value) };
    case 'min-buyer-reliability':
      return { minBuyerReliability: whole(value) };
    case 'min-payout-reliability':
      return { minPayoutReliability: whole(value) };
    default:
      return null;
  }
}

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
    settings: {
      descriptionKey: 'cmd-pool-settings',
      options: [
        {
          name: 'setting',
          type: 'string',
          required: false,
          descriptionKey: 'cmd-pool-settings-opt-setting',
          choices: [
            'rules',
            'quorum',
            'slot-price',
            'hold-hours',
            'dispute-hours',
            'owner-cut-percent',
            'membership-fee',
            'min-seller-rating',
            'min-buyer-reliability',
            'min-payout-reliability',
          ],
        },
        { name: 'value', type: 'string', required: false, descriptionKey: 'cmd-pool-settings-opt-value' },
      ],
      async run(ctx, args) {
        const { poolId } = await chatPool(ctx);
        const setting = args.setting?.trim().toLowerCase();
        const value = args.value?.trim() ?? '';
        if (setting) {
          const patch = settingPatch(setting, value);
          if (!patch) return ctx.reply('pool-settings-unknown', {}, { private: true });
          await updatePoolSettings(ctx.app, ctx.actor, poolId, patch);
          return ctx.reply('pool-settings-changed', { setting, value: value || ctx.t('pool-settings-none') });
        }
        const { pool: view, membership } = await getPool(ctx.app, ctx.actor, { poolId });
        if (membership?.role !== 'owner') throw new AppError('NOT_POOL_OWNER');
        const s = view.settings;
        return ctx.reply(
          'pool-settings',
          {
            pool: view.name,
            rules: s.rules.trim() || ctx.t('pool-settings-none'),
            quorum: s.withdrawalQuorum,
            holdHours: Math.round(s.holdTimeoutSeconds / 360) / 10,
            disputeHours: s.disputeWindowHours,
            slotPrice:
              s.machineSlotPriceMicros === null
                ? ctx.t('pool-settings-none')
                : `${formatAmount(ctx.locale, s.machineSlotPriceMicros)} ${view.currency}`,
            ownerCut: s.ownerCutBps / 100,
            membershipFee:
              s.membershipFeeMicros === null
                ? ctx.t('pool-settings-none')
                : `${formatAmount(ctx.locale, s.membershipFeeMicros)} ${view.currency}`,
            minSellerRating: s.minSellerRating,
            minBuyerReliability: s.minBuyerReliability,
            minPayoutReliability: s.minPayoutReliability,
          },
          { private: true },
        );
      },
    },
    channel: {
      descriptionKey: 'cmd-pool-channel',
      options: [],
      async run(ctx) {
        const { poolId } = await chatPool(ctx);
        // On Telegram the group is the channel; on Discord, the channel this command was sent from.
        if (ctx.chat.platform !== 'discord' || !ctx.chat.channelId || ctx.chat.chatId === null)
          return ctx.reply('pool-channel-telegram', {}, { private: true });
        await bindChat(ctx.app, ctx.actor, {
          poolId,
          platform: 'discord',
          chatId: ctx.chat.chatId,
          channelId: ctx.chat.channelId,
        });
        return ctx.reply('pool-channel-set');
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
