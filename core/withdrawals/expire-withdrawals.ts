import type { AppContext } from '../context.ts';
import { closeWithdrawal } from './decide-withdrawal.ts';
import { listWithdrawalRows } from './withdrawal-view.ts';

/**
 * The withdrawals job, idempotent and bounded: requests officers did not decide in time expire (money back); confirmed
 * ones whose hold ran out before the owner recorded the payment are closed as expired; 'requesting' rows a crash left
 * behind fail when their hold never committed.
 */
export async function expireWithdrawals(ctx: AppContext): Promise<number> {
  const due = await listWithdrawalRows(
    ctx.em,
    `(w.status = 'requested' and p.expires_at <= now())
       or (w.status = 'confirmed' and exists (select 1 from ledger_transfers t where t.pending_id = w.hold_id))
     order by w.requested_at limit 200`,
    [],
  );
  for (const withdrawal of due) await closeWithdrawal(ctx, withdrawal, 'expired');
  await ctx.em.execute(
    `update withdrawals w set status = 'failed', closed_at = now()
      where w.status = 'requesting' and w.requested_at < now() - interval '2 minutes'
        and not exists (select 1 from ledger_idempotency i where i.key = w.ledger_key)`,
  );
  return due.length;
}
