import { createLoginLink } from '../../core/web/web-auth.ts';
import type { CommandDef } from '../command.ts';

/**
 * `/web`: a single-use sign-in link to the web companion, answered privately (in a group, by DM or ephemeral
 * reply), so nobody else in the chat can use it.
 */
export const web: CommandDef = {
  name: 'web',
  descriptionKey: 'cmd-web',
  async run(ctx) {
    const { token } = await createLoginLink(ctx.app, ctx.actor);
    const link = `${ctx.publicUrl.replace(/\/$/, '')}/auth/link/${token}`;
    return {
      text: `${ctx.t('web-bot-link')}\n${link}`,
      private: true,
      buttons: [[{ label: ctx.t('web-bot-open'), data: '', url: link }]],
    };
  },
};
