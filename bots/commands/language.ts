import { t, type Locale } from '../i18n.ts';
import type { CommandDef } from '../command.ts';

export const language: CommandDef = {
  name: 'language',
  descriptionKey: 'cmd-language',
  options: [{ name: 'code', type: 'string', required: true, descriptionKey: 'cmd-language-opt-code' }],
  async run(ctx, args) {
    const code = args.code?.trim().toLowerCase();
    if (code !== 'en' && code !== 'ru') return ctx.reply('language-unknown', {}, { private: true });
    await ctx.app.em.execute('update users set locale_override = ? where id = ?', [code, ctx.actor.userId]);
    // Answered in the language just chosen.
    return { text: t(code satisfies Locale, 'language-set'), private: true };
  },
};
