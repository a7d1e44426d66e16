import type { AppContext } from '../context.ts';
import { isAppError } from '../errors.ts';
import { failReservation } from './accept-offer.ts';
import { endDeal } from './cancel-deal.ts';
import { completeDeal } from './complete-deal.ts';
import { DEAL_SELECT, dealFromRow, type Deal } from './deal-view.ts';

const BATCH = 200;

/**
 * The deals job, idempotent and bounded: completes delivered deals whose dispute window passed, calls off deals the
 * seller did not deliver within the pool's hold timeout, and finishes reservations a crash left half-done (the hold
 * committed under the deal's key → reserved; nothing committed → failed).
 */
export async function settleDeals(ctx: AppContext): Promise<{ completed: number; expired: number; recovered: number }> {
  const load = async (where: string) =>
    (await ctx.em.execute<Parameters<typeof dealFromRow>[0][]>(`${DEAL_SELECT} where ${where} limit ${BATCH}`)).map(
      dealFromRow,
    );
  let completed = 0;
  let expired = 0;
  let recovered = 0;
  const attempt = async (deal: Deal, step: () => Promise<unknown>) => {
    try {
      await step();
      return true;
    } catch (error) {
      // Another step won the race (a dispute, a cancellation): the deal is where it should be.
      if (isAppError(error)) return false;
      throw error;
    }
  };
  for (const deal of await load("d.status = 'delivered' and d.completes_at <= now()"))
    if (await attempt(deal, () => completeDeal(ctx, deal))) completed += 1;
  for (const deal of await load(
    `d.status = 'reserved' and d.created_at <
       now() - make_interval(secs => (select hold_timeout_seconds from pools p where p.id = d.pool_id))`,
  ))
    if (await attempt(deal, () => endDeal(ctx, deal, 'expired', null))) expired += 1;
  for (const deal of await load("d.status = 'reserving' and d.created_at < now() - interval '2 minutes'")) {
    const committed = await ctx.em.execute<{ transfer_ids: string[] }[]>(
      'select transfer_ids from ledger_idempotency where key = ?',
      [deal.ledgerKey],
    );
    const holdId = committed[0]?.transfer_ids[0];
    if (holdId)
      await ctx.em.execute("update deals set status = 'reserved', hold_id = ? where id = ? and status = 'reserving'", [
        holdId,
        deal.id,
      ]);
    else await failReservation(ctx, deal);
    recovered += 1;
  }
  return { completed, expired, recovered };
}
