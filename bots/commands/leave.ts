import { leavePool } from '../../core/members/leave-pool.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { chatPool, type CommandDef } from '../command.ts';

export const leave: CommandDef = {
  name: 'leave',
  descriptionKey: 'cmd-leave',
  async run(ctx) {
    const { poolId } = await chatPool(ctx);
    await leavePool(ctx.app, ctx.actor, { poolId });
    const { pool } = await getPool(ctx.app, ctx.actor, { poolId });
    return ctx.reply('leave-ok', { pool: pool.name });
  },
};
