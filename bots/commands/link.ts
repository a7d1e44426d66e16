import { createLinkCode, redeemLinkCode } from '../../core/identities/link-codes.ts';
import type { CommandDef } from '../command.ts';

/** Without a code: shows one (privately) to enter on the other platform. With one: links this account to it. */
export const link: CommandDef = {
  name: 'link',
  descriptionKey: 'cmd-link',
  options: [{ name: 'code', type: 'string', required: false, descriptionKey: 'cmd-link-opt-code' }],
  async run(ctx, args) {
    const code = args.code?.trim();
    if (!code) {
      const made = await createLinkCode(ctx.app, ctx.actor, { issuedOn: ctx.chat.platform });
      const other = ctx.chat.platform === 'discord' ? 'Telegram' : 'Discord';
      return ctx.reply('link-code', { code: made.code, other }, { private: true });
    }
    const result = await redeemLinkCode(ctx.app, ctx.actor, { code });
    return ctx.reply(result.linked.length === 0 ? 'link-same' : 'link-ok', {}, { private: true });
  },
};
