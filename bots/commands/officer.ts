import { setOfficer } from '../../core/members/set-officer.ts';
import { BotRefusal, chatPool, type CommandContext, type CommandDef } from '../command.ts';

async function change(ctx: CommandContext, args: Record<string, string | undefined>, officer: boolean) {
  const { poolId } = await chatPool(ctx);
  // On Telegram the member may also be given by replying to one of their messages.
  const member = args.member?.trim() ?? '';
  const userId = await ctx.resolveMember(member);
  if (!userId) throw new BotRefusal('officer-unknown-member');
  await setOfficer(ctx.app, ctx.actor, { poolId, userId, officer });
  const names = await ctx.app.em.execute<{ display_name: string }[]>('select display_name from users where id = ?', [
    userId,
  ]);
  return ctx.reply(officer ? 'officer-added' : 'officer-removed', { member: names[0]?.display_name ?? member });
}

const option = [{ name: 'member', type: 'member' as const, required: true, descriptionKey: 'cmd-officer-opt-member' }];

export const officer: CommandDef = {
  name: 'officer',
  descriptionKey: 'cmd-officer',
  subcommands: {
    add: { descriptionKey: 'cmd-officer-add', options: option, run: (ctx, args) => change(ctx, args, true) },
    remove: { descriptionKey: 'cmd-officer-remove', options: option, run: (ctx, args) => change(ctx, args, false) },
  },
};
