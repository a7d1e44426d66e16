/**
 * The economy under random sequences of every flow (listing, buying, delivering, confirming, cancelling, disputing,
 * voting, withdrawing, approving, paying, rewarding) through the real use cases and PostgreSQL. After every step the
 * money must be where the workflow tables say it is: each member's held amount is exactly their open deals and
 * withdrawals, the pool's escrow holds exactly the open disputes and held rewards, every deal's hold is in the state
 * its deal implies, and the ledger verifies clean. Business refusals are fine; anything else fails. Then concurrent
 * races on one deal, one offer's last unit and one dispute resolve exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { AppContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import { openDispute } from '../core/disputes/open-dispute.ts';
import { voteOnDispute } from '../core/disputes/vote-dispute.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { acceptOffer } from '../core/market/accept-offer.ts';
import { cancelDeal } from '../core/market/cancel-deal.ts';
import { confirmDeal } from '../core/market/complete-deal.ts';
import { createOffer } from '../core/market/create-offer.ts';
import { deliverDeal } from '../core/market/deliver-deal.ts';
import { settleDeals } from '../core/market/settle-deals.ts';
import { recordContribution } from '../core/rewards/record-contribution.ts';
import { cancelReward, releaseReward } from '../core/rewards/release-reward.ts';
import { settleRewards } from '../core/rewards/settle-rewards.ts';
import { completeWithdrawal } from '../core/withdrawals/complete-withdrawal.ts';
import { decideWithdrawal } from '../core/withdrawals/decide-withdrawal.ts';
import { requestWithdrawal } from '../core/withdrawals/request-withdrawal.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createMembers, createPool, createTestDatabase, type TestDatabase } from './helpers/db.ts';

const UNIT = 1_000_000n;
const PEOPLE = 5; // 0 owner, 1 officer, 2..4 members

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

type Op =
  | { t: 'list'; who: number; price: number; quantity: number | null }
  | { t: 'buy'; who: number; offer: number; quantity: number }
  | { t: 'deliver'; deal: number }
  | { t: 'confirm'; deal: number }
  | { t: 'cancel'; deal: number; by: 'buyer' | 'seller' | 'owner' }
  | { t: 'dispute'; deal: number; by: 'buyer' | 'seller' }
  | { t: 'vote'; dispute: number; voter: 0 | 1; outcome: 'refund_full' | 'refund_partial' | 'payout'; perMille: number }
  | { t: 'withdraw'; who: number; amount: number }
  | { t: 'decide'; withdrawal: number; voter: 0 | 1; approve: boolean }
  | { t: 'pay'; withdrawal: number }
  | { t: 'contribute'; who: number; units: number }
  | { t: 'reward'; amount: number; external: boolean }
  | { t: 'endReward'; reward: number; release: boolean }
  | { t: 'autoComplete' };

const who = fc.integer({ min: 0, max: PEOPLE - 1 });
const index = fc.nat({ max: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    t: fc.constant('list' as const),
    who,
    price: fc.integer({ min: 1, max: 6 }),
    quantity: fc.option(fc.integer({ min: 1, max: 3 })),
  }),
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('buy' as const),
      who,
      offer: index,
      quantity: fc.integer({ min: 1, max: 2 }),
    }),
  },
  fc.record({ t: fc.constant('deliver' as const), deal: index }),
  fc.record({ t: fc.constant('confirm' as const), deal: index }),
  fc.record({
    t: fc.constant('cancel' as const),
    deal: index,
    by: fc.constantFrom('buyer' as const, 'seller' as const, 'owner' as const),
  }),
  fc.record({
    t: fc.constant('dispute' as const),
    deal: index,
    by: fc.constantFrom('buyer' as const, 'seller' as const),
  }),
  fc.record({
    t: fc.constant('vote' as const),
    dispute: index,
    voter: fc.constantFrom(0 as const, 1 as const),
    outcome: fc.constantFrom('refund_full' as const, 'refund_partial' as const, 'payout' as const),
    perMille: fc.integer({ min: 1, max: 999 }),
  }),
  fc.record({ t: fc.constant('withdraw' as const), who, amount: fc.integer({ min: 1, max: 25 }) }),
  fc.record({
    t: fc.constant('decide' as const),
    withdrawal: index,
    voter: fc.constantFrom(0 as const, 1 as const),
    approve: fc.boolean(),
  }),
  fc.record({ t: fc.constant('pay' as const), withdrawal: index }),
  fc.record({ t: fc.constant('contribute' as const), who, units: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ t: fc.constant('reward' as const), amount: fc.integer({ min: 1, max: 9 }), external: fc.boolean() }),
  fc.record({ t: fc.constant('endReward' as const), reward: index, release: fc.boolean() }),
  fc.record({ t: fc.constant('autoComplete' as const) }),
);

let keys = 0;
const key = () => `prop-${(keys += 1)}`;
const pick = <T>(items: T[], i: number): T | undefined => (items.length ? items[i % items.length] : undefined);

async function run(ctx: AppContext, people: string[], poolId: string, op: Op, state: Record<string, string[]>) {
  const as = (i: number) => actor(people[i] as string);
  const deal = async (i: number) => {
    const id = pick(state.deals ?? [], i);
    if (!id) return null;
    const { rows } = await db.pool.query<{ buyer_user_id: string; seller_user_id: string; total_micros: string }>(
      'select buyer_user_id, seller_user_id, total_micros from deals where id = $1',
      [id],
    );
    return rows[0] ? { id, ...rows[0] } : null;
  };
  switch (op.t) {
    case 'list': {
      const offer = await createOffer(ctx, as(op.who), {
        poolId,
        kind: 'cosmetic',
        title: `item ${keys}`,
        priceMicros: BigInt(op.price) * UNIT,
        quantity: op.quantity ?? undefined,
      });
      state.offers?.push(offer.id);
      return;
    }
    case 'buy': {
      const offerId = pick(state.offers ?? [], op.offer);
      if (!offerId) return;
      const { deal: made } = await acceptOffer(ctx, as(op.who), {
        offerId,
        quantity: op.quantity,
        idempotencyKey: key(),
      });
      state.deals?.push(made.id);
      return;
    }
    case 'deliver':
    case 'confirm':
    case 'cancel':
    case 'dispute': {
      const d = await deal(op.deal);
      if (!d) return;
      if (op.t === 'deliver') await deliverDeal(ctx, actor(d.seller_user_id), { dealId: d.id });
      if (op.t === 'confirm') await confirmDeal(ctx, actor(d.buyer_user_id), { dealId: d.id });
      if (op.t === 'cancel') {
        const by = op.by === 'buyer' ? d.buyer_user_id : op.by === 'seller' ? d.seller_user_id : people[0];
        await cancelDeal(ctx, actor(by as string), { dealId: d.id });
      }
      if (op.t === 'dispute') {
        const opened = await openDispute(ctx, actor(op.by === 'buyer' ? d.buyer_user_id : d.seller_user_id), {
          dealId: d.id,
          statement: 'not as agreed',
        });
        state.disputes?.push(opened.id);
      }
      return;
    }
    case 'vote': {
      const disputeId = pick(state.disputes ?? [], op.dispute);
      if (!disputeId) return;
      const { rows } = await db.pool.query<{ total_micros: string }>(
        'select d.total_micros from disputes s join deals d on d.id = s.deal_id where s.id = $1',
        [disputeId],
      );
      const total = BigInt(rows[0]?.total_micros ?? '0');
      const refund = (total * BigInt(op.perMille)) / 1000n;
      await voteOnDispute(ctx, as(op.voter), {
        disputeId,
        outcome: op.outcome,
        refundMicros: op.outcome === 'refund_partial' ? refund : undefined,
      });
      return;
    }
    case 'withdraw': {
      const { withdrawal } = await requestWithdrawal(ctx, as(op.who), {
        poolId,
        amountMicros: BigInt(op.amount) * UNIT,
        destinationKind: 'other',
        destination: `bank account ${op.who}`,
        idempotencyKey: key(),
      });
      state.withdrawals?.push(withdrawal.id);
      return;
    }
    case 'decide': {
      const id = pick(state.withdrawals ?? [], op.withdrawal);
      if (id)
        await decideWithdrawal(ctx, as(op.voter), { withdrawalId: id, choice: op.approve ? 'approve' : 'reject' });
      return;
    }
    case 'pay': {
      const id = pick(state.withdrawals ?? [], op.withdrawal);
      if (id) await completeWithdrawal(ctx, as(0), { withdrawalId: id, reference: `ref ${id}` });
      return;
    }
    case 'contribute':
      await recordContribution(ctx, as(0), {
        poolId,
        userId: people[op.who] as string,
        units: BigInt(op.units),
        idempotencyKey: key(),
      });
      return;
    case 'reward': {
      const reward = await settleRewards(ctx, as(0), {
        poolId,
        amountMicros: BigInt(op.amount) * UNIT,
        windowStart: new Date(Date.now() - 3_600_000),
        windowEnd: new Date(Date.now() + 60_000),
        source: op.external ? 'external' : 'treasury',
        reference: op.external ? `outside ${keys}` : undefined,
        idempotencyKey: key(),
      });
      state.rewards?.push(reward.id);
      return;
    }
    case 'endReward': {
      const id = pick(state.rewards ?? [], op.reward);
      if (id) await (op.release ? releaseReward : cancelReward)(ctx, as(0), { rewardId: id });
      return;
    }
    case 'autoComplete':
      await db.pool.query("update deals set completes_at = now() - interval '1 second' where status = 'delivered'");
      await settleDeals(ctx);
      return;
  }
}

/** Where the workflow tables say the money is, against where the ledger has it. */
async function checkInvariants(poolId: string): Promise<void> {
  const members = await db.pool.query<{ user_id: string; pending: string; available: string }>(
    `select user_id, debits_pending::text as pending, (credits_posted - debits_posted - debits_pending)::text as available
       from ledger_accounts where pool_id = $1 and kind = 'member'`,
    [poolId],
  );
  for (const member of members.rows) {
    assert.ok(BigInt(member.available) >= 0n, 'no member below zero');
    const { rows } = await db.pool.query<{ held: string }>(
      `select (coalesce((select sum(total_micros) from deals where pool_id = $1 and buyer_user_id = $2
                          and status in ('reserved', 'delivered')), 0)
             + coalesce((select sum(amount_micros) from withdrawals where pool_id = $1 and user_id = $2
                          and status in ('requested', 'confirmed')), 0))::text as held`,
      [poolId, member.user_id],
    );
    assert.equal(member.pending, rows[0]?.held, `held money of ${member.user_id} matches open deals and withdrawals`);
  }
  const escrow = await db.pool.query<{ posted: string; pending: string }>(
    `select (credits_posted - debits_posted)::text as posted, debits_pending::text as pending
       from ledger_accounts where pool_id = $1 and kind = 'escrow'`,
    [poolId],
  );
  const expected = await db.pool.query<{ disputes: string; rewards: string }>(
    `select coalesce((select sum(d.total_micros) from disputes s join deals d on d.id = s.deal_id
                       where s.pool_id = $1 and s.status = 'open'), 0)::text as disputes,
            coalesce((select sum(amount_micros) from rewards where pool_id = $1 and status = 'held'), 0)::text as rewards`,
    [poolId],
  );
  const e = expected.rows[0];
  const posted = BigInt(escrow.rows[0]?.posted ?? '0');
  const pending = BigInt(escrow.rows[0]?.pending ?? '0');
  assert.equal(
    posted,
    BigInt(e?.disputes ?? '0') + BigInt(e?.rewards ?? '0'),
    'escrow holds open disputes and held rewards',
  );
  assert.equal(pending, BigInt(e?.rewards ?? '0'), 'escrow reserves exactly the held reward shares');
  const mismatched = await db.pool.query(
    `select d.id, d.status, t.kind from deals d
       left join ledger_transfers t on t.pending_id = d.hold_id
      where d.pool_id = $1 and d.hold_id is not null and not (
        (d.status in ('reserved', 'delivered') and t.id is null)
        or (d.status = 'completed' and t.kind = 'post_pending')
        or (d.status in ('cancelled', 'expired', 'disputed', 'settled_by_dispute') and t.kind in ('void_pending', 'expire_pending')))`,
    [poolId],
  );
  assert.deepEqual(mismatched.rows, [], 'every deal’s hold is where its status says');
}

test('random economy flows keep every amount where the workflow says, and the ledger clean', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 30 }), async (ops) => {
      const pool = await createPool(db);
      const members = await createMembers(db, pool, PEOPLE - 1);
      const people = [pool.ownerId, ...members.map((m) => m.userId)];
      await db.pool.query("update pool_members set role = 'officer' where pool_id = $1 and user_id = $2", [
        pool.poolId,
        people[1],
      ]);
      for (const person of people) await fund(db, pool, person, 20n * UNIT);
      await fund(db, pool, people[0] as string, 0n).catch(() => undefined);
      const ctx = appContext(db);
      const state: Record<string, string[]> = { offers: [], deals: [], disputes: [], withdrawals: [], rewards: [] };
      for (const op of ops) {
        try {
          await run(ctx, people, pool.poolId, op, state);
        } catch (error) {
          if (!isAppError(error)) throw error;
        }
        await checkInvariants(pool.poolId);
      }
      const report = await verifyLedger(ctx.ledger, { poolId: pool.poolId });
      assert.ok(report.ok, JSON.stringify(report));
    }),
    { numRuns: 25 },
  );
});

test('races on one deal, one last unit and one dispute resolve exactly once', async () => {
  const pool = await createPool(db);
  const [seller, a, b, officer] = await createMembers(db, pool, 4);
  assert.ok(seller && a && b && officer);
  await db.pool.query("update pool_members set role = 'officer' where pool_id = $1 and user_id = $2", [
    pool.poolId,
    officer.userId,
  ]);
  for (const person of [a, b]) await fund(db, pool, person.userId, 20n * UNIT);
  const ctx = () => appContext(db);
  const offer = await createOffer(ctx(), actor(seller.userId), {
    poolId: pool.poolId,
    kind: 'cosmetic',
    title: 'Last one',
    priceMicros: 5n * UNIT,
    quantity: 1,
  });
  const buys = await Promise.allSettled(
    [a, b, a, b].map((p) => acceptOffer(ctx(), actor(p.userId), { offerId: offer.id, idempotencyKey: key() })),
  );
  const won = buys.filter((r) => r.status === 'fulfilled');
  assert.equal(won.length, 1, 'one buyer gets the last unit');
  for (const lost of buys.filter((r) => r.status === 'rejected'))
    assert.ok(isAppError(lost.reason, 'OFFER_NOT_AVAILABLE'), String(lost.reason));
  const deal = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acceptOffer>>>).value.deal;
  await deliverDeal(ctx(), actor(seller.userId), { dealId: deal.id });

  // The buyer confirms, the seller cancels and the buyer disputes at once: exactly one wins, the rest are refused.
  const buyer = actor(deal.buyerUserId);
  const race = await Promise.allSettled([
    confirmDeal(ctx(), buyer, { dealId: deal.id }),
    confirmDeal(ctx(), buyer, { dealId: deal.id }),
    cancelDeal(ctx(), actor(seller.userId), { dealId: deal.id }),
    openDispute(ctx(), buyer, { dealId: deal.id, statement: 'wait' }),
  ]);
  const codes = race.map((r) =>
    r.status === 'fulfilled' ? 'ok' : isAppError(r.reason) ? r.reason.code : String(r.reason),
  );
  for (const code of codes) assert.ok(['ok', 'DEAL_WRONG_STATE', 'DISPUTE_ALREADY_OPEN'].includes(code), codes.join());
  await checkInvariants(pool.poolId);

  // A second deal disputed, then voted on by two deciders at once with a quorum of one: settled once.
  await fund(db, pool, a.userId, 0n).catch(() => undefined);
  const other = await createOffer(ctx(), actor(seller.userId), {
    poolId: pool.poolId,
    kind: 'cosmetic',
    title: 'Again',
    priceMicros: 2n * UNIT,
  });
  const second = (await acceptOffer(ctx(), actor(b.userId), { offerId: other.id, idempotencyKey: key() })).deal;
  const dispute = await openDispute(ctx(), actor(b.userId), { dealId: second.id, statement: 'broken' });
  const votes = await Promise.allSettled([
    voteOnDispute(ctx(), actor(pool.ownerId), { disputeId: dispute.id, outcome: 'refund_full' }),
    voteOnDispute(ctx(), actor(officer.userId), { disputeId: dispute.id, outcome: 'payout' }),
  ]);
  const resolved = votes.filter((v) => v.status === 'fulfilled' && v.value.kind === 'resolved');
  assert.equal(
    resolved.length,
    1,
    JSON.stringify(votes.map((v) => (v.status === 'fulfilled' ? v.value.kind : String(v.reason)))),
  );
  const settlements = await db.pool.query(
    "select count(*)::int as n from ledger_transfers where memo = $1 and code like 'dispute_%' and code <> 'dispute_escrow'",
    [`dispute ${dispute.id}`],
  );
  assert.ok((settlements.rows[0] as { n: number }).n >= 1);
  await checkInvariants(pool.poolId);
  const report = await verifyLedger(appContext(db).ledger, { poolId: pool.poolId });
  assert.ok(report.ok);
});
