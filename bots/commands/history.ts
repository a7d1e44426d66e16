import { AppError } from '../../core/errors.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { formatAmount } from '../i18n.ts';
import { personalPool, POOL_OPTION, type CommandDef } from '../command.ts';

const SHOWN = 10;

export const history: CommandDef = {
  name: 'history',
  descriptionKey: 'cmd-history',
  options: [POOL_OPTION],
  async run(ctx, args) {
    const { poolId } = await personalPool(ctx, args.pool);
    const { pool, membership } = await getPool(ctx.app, ctx.actor, { poolId });
    if (!membership) throw new AppError('NOT_A_MEMBER');
    const account = await ctx.app.ledger.store.findAccount({
      poolId,
      currency: pool.currency,
      kind: 'member',
      userId: ctx.actor.userId,
    });
    const rows = account
      ? await ctx.app.em.execute<{ amount: string; debit_account_id: string; code: string; created_at: Date }[]>(
          `select amount, debit_account_id, code, created_at from ledger_transfers
            where pool_id = ? and (debit_account_id = ? or credit_account_id = ?) and kind in ('posted', 'post_pending')
            order by id desc limit ?`,
          [poolId, account.id, account.id, SHOWN],
        )
      : [];
    if (rows.length === 0) return ctx.reply('history-empty', { pool: pool.name }, { private: true });
    const date = new Intl.DateTimeFormat(ctx.locale === 'ru' ? 'ru-RU' : 'en-GB', {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone: 'UTC',
    });
    const lines = rows.map((row) =>
      ctx.t('history-line', {
        when: date.format(new Date(row.created_at)),
        direction: row.debit_account_id === account?.id ? 'out' : 'in',
        amount: formatAmount(ctx.locale, BigInt(row.amount)),
        currency: pool.currency,
        code: row.code,
      }),
    );
    return { text: [ctx.t('history-title', { pool: pool.name }), ...lines].join('\n'), private: true };
  },
};
