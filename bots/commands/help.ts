import type { CommandDef } from '../command.ts';

export const help: CommandDef = {
  name: 'help',
  descriptionKey: 'cmd-help',
  async run(ctx) {
    return ctx.reply('help');
  },
};
