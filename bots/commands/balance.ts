import { getBalance } from '../../core/holds/pool-reads.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { formatAmount } from '../i18n.ts';
import { personalPool, POOL_OPTION, type CommandDef } from '../command.ts';

export const balance: CommandDef = {
  name: 'balance',
  descriptionKey: 'cmd-balance',
  options: [POOL_OPTION],
  async run(ctx, args) {
    const { poolId } = await personalPool(ctx, args.pool);
    const [money, { pool }] = await Promise.all([
      getBalance(ctx.app, ctx.actor, { poolId }),
      getPool(ctx.app, ctx.actor, { poolId }),
    ]);
    return ctx.reply(
      'balance',
      {
        pool: pool.name,
        currency: pool.currency,
        available: formatAmount(ctx.locale, money.availableMicros),
        pending: money.pendingMicros === 0n ? 0 : 1,
        held: formatAmount(ctx.locale, money.pendingMicros),
      },
      { private: true },
    );
  },
};
