import type { AppContext } from '../context.ts';
import { recordEvent } from '../events/record-event.ts';
import type { Deal } from '../market/deal-view.ts';

export type FraudKind = 'round_trip' | 'trade_cycle' | 'shared_hwid' | 'shared_ip';

/** How far back trades count towards a pattern. */
const WINDOW_DAYS = 30;
/** Completed trades between two people, in both directions, that make a round trip suspicious. */
const ROUND_TRIP_TRADES = 3;

/**
 * Looks at a completed deal for the marks of wash trading between its buyer (A) and seller (B): money going back and
 * forth between them (round trips), A → B → C → A cycles in the pool's trade graph, and A and B sharing a machine
 * (HWID hash) or an address (IP hash). Each suspicion is flagged once per pool and posted to the officers with its
 * evidence; nothing is blocked automatically — officers confirm (it then weighs on reliability) or dismiss it.
 */
export async function detectWashTrading(ctx: AppContext, deal: Deal): Promise<void> {
  const a = deal.buyerUserId;
  const b = deal.sellerUserId;
  const em = ctx.em;
  const trades = await em.execute<{ id: string; buyer_user_id: string }[]>(
    `select id, buyer_user_id from deals
      where pool_id = ? and status = 'completed' and created_at > now() - make_interval(days => ?)
        and ((buyer_user_id = ? and seller_user_id = ?) or (buyer_user_id = ? and seller_user_id = ?))
      order by created_at desc limit 50`,
    [deal.poolId, WINDOW_DAYS, a, b, b, a],
  );
  const forth = trades.filter((t) => t.buyer_user_id === a).length;
  const back = trades.length - forth;
  if (forth > 0 && back > 0 && trades.length >= ROUND_TRIP_TRADES)
    await flag(ctx, deal.poolId, 'round_trip', [a, b], { dealIds: trades.map((t) => t.id), forth, back });

  const cycles = await em.execute<{ c: string; first: string; second: string }[]>(
    `select x.seller_user_id as c, x.id as first, y.id as second
       from deals x join deals y on y.buyer_user_id = x.seller_user_id and y.seller_user_id = ? and y.pool_id = x.pool_id
      where x.pool_id = ? and x.buyer_user_id = ? and x.seller_user_id not in (?, ?)
        and x.status = 'completed' and y.status = 'completed'
        and x.created_at > now() - make_interval(days => ?) and y.created_at > now() - make_interval(days => ?)
      limit 5`,
    [a, deal.poolId, b, a, b, WINDOW_DAYS, WINDOW_DAYS],
  );
  for (const cycle of cycles)
    await flag(ctx, deal.poolId, 'trade_cycle', [a, b, cycle.c], { dealIds: [deal.id, cycle.first, cycle.second] });

  const machines = await em.execute<{ hwid_hash: string }[]>(
    `select distinct m1.hwid_hash from machines m1 join machines m2 on m2.hwid_hash = m1.hwid_hash
      where m1.user_id = ? and m2.user_id = ? limit 5`,
    [a, b],
  );
  if (machines.length > 0)
    await flag(ctx, deal.poolId, 'shared_hwid', [a, b], {
      dealId: deal.id,
      hwidHashes: machines.map((m) => m.hwid_hash.slice(0, 16)),
    });

  const addresses = await em.execute<{ ip_hash: string }[]>(
    `select s1.ip_hash from user_sightings s1 join user_sightings s2 on s2.ip_hash = s1.ip_hash
      where s1.user_id = ? and s2.user_id = ? limit 5`,
    [a, b],
  );
  if (addresses.length > 0)
    await flag(ctx, deal.poolId, 'shared_ip', [a, b], {
      dealId: deal.id,
      ipHashes: addresses.map((s) => s.ip_hash.slice(0, 16)),
    });
}

async function flag(
  ctx: AppContext,
  poolId: string,
  kind: FraudKind,
  userIds: string[],
  evidence: Record<string, unknown>,
): Promise<void> {
  const sorted = [...userIds].sort();
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute<{ id: string }[]>(
      `insert into fraud_flags (id, pool_id, kind, user_ids, fingerprint, evidence)
       values (gen_random_uuid(), ?, ?, ?::uuid[], ?, ?::jsonb) on conflict (pool_id, fingerprint) do nothing returning id`,
      [poolId, kind, `{${sorted.join(',')}}`, `${kind}:${sorted.join(',')}`, JSON.stringify(evidence)],
    );
    const id = rows[0]?.id;
    if (id)
      await recordEvent(em, { type: 'FraudFlagged', poolId, payload: { flagId: id, kind, userIds: sorted, evidence } });
  });
}
