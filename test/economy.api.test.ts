/**
 * The pool economy over REST against real PostgreSQL: the concept's scenarios end to end (earn and withdraw through
 * the owner; a premium pool's fees distributed as income; a GameBoost slot bought, the node paid and rated; a dispute
 * settled with a partial refund), replays and wrong roles, and the ledger verifying clean after each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { settleDeals } from '../core/market/settle-deals.ts';
import { expireWithdrawals } from '../core/withdrawals/expire-withdrawals.ts';
import { appContext, fund } from './helpers/app.ts';
import { startApi, type TestApi } from './helpers/api.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
let api: TestApi;
before(async () => {
  db = await createTestDatabase();
  api = await startApi(db);
});
after(async () => {
  await api.close();
  await db.close();
});

// Answers are probed as loose JSON here; their shapes are checked by the routes' own response schemas.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function ok(promise: Promise<{ status: number; body: Body }>, status = 200): Promise<Body> {
  const result = await promise;
  assert.equal(result.status, status, JSON.stringify(result.body));
  return result.body;
}

async function balance(poolId: string, token: string): Promise<Body> {
  return ok(api.call('GET', `/api/v1/pools/${poolId}/balance`, { token }));
}

async function verified(poolId: string): Promise<void> {
  const report = await verifyLedger(appContext(db).ledger, { poolId });
  assert.ok(report.ok, JSON.stringify(report));
}

async function poolWith(names: string[]) {
  const [owner, ...members] = await Promise.all(names.map((name) => api.user(name)));
  if (!owner) throw new Error('no owner');
  const created = await ok(
    api.call('POST', '/api/v1/pools', { token: owner.token, body: { name: `pool of ${names[0]}`, type: 'public' } }),
    201,
  );
  const poolId = created.pool.id as string;
  for (const member of members)
    await ok(api.call('POST', `/api/v1/pools/${poolId}/join`, { token: member.token, body: {} }));
  return { poolId, currency: created.pool.currency as string, owner, members };
}

async function machine(poolId: string, token: string, name: string) {
  const body = await ok(
    api.call('POST', `/api/v1/pools/${poolId}/machines`, {
      token,
      body: {
        name,
        hardware: { cpu: 'Ryzen 9 7950X', gpu: 'RTX 4090', ramGb: 64, os: 'Linux' },
        hwid: `hwid-${name}-${poolId}`,
      },
    }),
    201,
  );
  return body.machine.id as string;
}

describe('marketplace', () => {
  test('a seeker buys a GameBoost slot, the node is paid less fee and pool cut, its rating goes up', async () => {
    const { poolId, currency, owner, members } = await poolWith(['gb-owner', 'gb-node', 'gb-seeker']);
    const [node, seeker] = members as [{ userId: string; token: string }, { userId: string; token: string }];
    await ok(
      api.call('PATCH', `/api/v1/pools/${poolId}/settings`, {
        token: owner.token,
        body: { ownerCutBps: 500, minPricesMicros: { gameboost_slot: '1000000' } },
      }),
    );
    const machineId = await machine(poolId, node.token, 'rig');
    const low = await api.call('POST', `/api/v1/pools/${poolId}/offers`, {
      token: node.token,
      body: { kind: 'gameboost_slot', title: 'RTX 4090, 1440p', priceMicros: '500000', machineId },
    });
    assert.equal(low.problem?.code, 'PRICE_BELOW_MINIMUM');
    const offer = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/offers`, {
          token: node.token,
          body: { kind: 'gameboost_slot', title: 'RTX 4090, 1440p', priceMicros: '3000000', machineId, quantity: 10 },
        }),
        201,
      )
    ).offer;
    assert.equal(offer.sellerRating, 50);
    const listed = await ok(
      api.call('GET', `/api/v1/pools/${poolId}/offers?kind=gameboost_slot`, { token: seeker.token }),
    );
    assert.equal(listed.total, 1);

    const poor = await api.call('POST', `/api/v1/offers/${offer.id}/accept`, {
      token: seeker.token,
      body: { quantity: 2 },
      key: 'buy-0',
    });
    assert.equal(poor.problem?.code, 'INSUFFICIENT_FUNDS');
    await fund(db, { poolId, currency }, seeker.userId, 10_000_000n);
    const own = await api.call('POST', `/api/v1/offers/${offer.id}/accept`, {
      token: node.token,
      body: {},
      key: 'own',
    });
    assert.equal(own.problem?.code, 'OWN_OFFER');
    const deal = (
      await ok(
        api.call('POST', `/api/v1/offers/${offer.id}/accept`, {
          token: seeker.token,
          body: { quantity: 2 },
          key: 'buy-1',
        }),
        201,
      )
    ).deal;
    assert.equal(deal.status, 'reserved');
    assert.equal(deal.totalMicros, '6000000');
    assert.equal(deal.feeMicros, '600000');
    assert.equal(deal.poolCutMicros, '300000');
    const replay = await api.call<Body>('POST', `/api/v1/offers/${offer.id}/accept`, {
      token: seeker.token,
      body: { quantity: 2 },
      key: 'buy-1',
    });
    assert.equal(replay.body.deal.id, deal.id);
    assert.equal((await balance(poolId, seeker.token)).availableMicros, '4000000');
    assert.equal(
      (await ok(api.call('GET', `/api/v1/offers/${offer.id}`, { token: seeker.token }))).offer.quantityLeft,
      8,
    );

    const early = await api.call('POST', `/api/v1/deals/${deal.id}/deliver`, { token: seeker.token });
    assert.equal(early.problem?.code, 'NOT_DEAL_PARTY');
    await ok(api.call('POST', `/api/v1/deals/${deal.id}/deliver`, { token: node.token }));
    const done = (await ok(api.call('POST', `/api/v1/deals/${deal.id}/confirm`, { token: seeker.token }))).deal;
    assert.equal(done.status, 'completed');
    const again = await api.call('POST', `/api/v1/deals/${deal.id}/confirm`, { token: seeker.token });
    assert.equal(again.problem?.code, 'DEAL_WRONG_STATE');
    assert.equal((await balance(poolId, node.token)).postedMicros, '5100000');
    assert.equal((await balance(poolId, seeker.token)).postedMicros, '4000000');
    const standing = await ok(
      api.call('GET', `/api/v1/pools/${poolId}/members/${node.userId}/standing`, { token: seeker.token }),
    );
    assert.equal(standing.completedSales, 1);
    assert.ok(standing.rating > 50);
    await verified(poolId);
  });

  test('the purchase cap, cancellation and the auto-completion after the dispute window', async () => {
    const { poolId, currency, owner, members } = await poolWith(['cap-owner', 'cap-seller', 'cap-buyer']);
    const [seller, buyer] = members as [{ userId: string; token: string }, { userId: string; token: string }];
    await ok(
      api.call('PATCH', `/api/v1/pools/${poolId}/settings`, {
        token: owner.token,
        body: { memberPurchaseCapMicros: '5000000' },
      }),
    );
    await fund(db, { poolId, currency }, buyer.userId, 20_000_000n);
    const offer = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/offers`, {
          token: seller.token,
          body: { kind: 'cosmetic', title: 'Golden badge', priceMicros: '2000000' },
        }),
        201,
      )
    ).offer;
    const first = (
      await ok(
        api.call('POST', `/api/v1/offers/${offer.id}/accept`, { token: buyer.token, body: { quantity: 2 }, key: 'c1' }),
        201,
      )
    ).deal;
    const capped = await api.call('POST', `/api/v1/offers/${offer.id}/accept`, {
      token: buyer.token,
      body: {},
      key: 'c2',
    });
    assert.equal(capped.problem?.code, 'PURCHASE_CAP_REACHED');
    assert.equal((await balance(poolId, buyer.token)).availableMicros, '16000000');
    await ok(api.call('POST', `/api/v1/deals/${first.id}/cancel`, { token: buyer.token }));
    assert.equal((await balance(poolId, buyer.token)).availableMicros, '20000000');

    const second = (
      await ok(api.call('POST', `/api/v1/offers/${offer.id}/accept`, { token: buyer.token, body: {}, key: 'c3' }), 201)
    ).deal;
    await ok(api.call('POST', `/api/v1/deals/${second.id}/deliver`, { token: seller.token }));
    const late = await api.call('POST', `/api/v1/deals/${second.id}/cancel`, { token: buyer.token });
    assert.equal(late.problem?.code, 'DEAL_WRONG_STATE');
    await db.pool.query("update deals set completes_at = now() - interval '1 second' where id = $1", [second.id]);
    const settled = await settleDeals(appContext(db));
    assert.equal(settled.completed, 1);
    assert.equal((await balance(poolId, seller.token)).postedMicros, '1800000');
    await verified(poolId);
  });
});

describe('withdrawals', () => {
  test('a member earns by contribution, withdraws, two officers approve, the owner pays and records it', async () => {
    const { poolId, owner, members } = await poolWith(['wd-owner', 'wd-officer', 'wd-miner']);
    const [officer, miner] = members as [{ userId: string; token: string }, { userId: string; token: string }];
    await ok(
      api.call('PUT', `/api/v1/pools/${poolId}/members/${officer.userId}/role`, {
        token: owner.token,
        body: { role: 'officer' },
      }),
    );
    await ok(
      api.call('PATCH', `/api/v1/pools/${poolId}/settings`, { token: owner.token, body: { withdrawalQuorum: 2 } }),
    );
    const machineId = await machine(poolId, miner.token, 'miner-rig');
    const start = new Date(Date.now() - 3_600_000).toISOString();
    await ok(
      api.call('POST', `/api/v1/pools/${poolId}/contributions`, {
        token: owner.token,
        body: { userId: miner.userId, units: '300', machineId },
        key: 'w1',
      }),
      201,
    );
    await ok(
      api.call('POST', `/api/v1/pools/${poolId}/contributions`, {
        token: owner.token,
        body: { userId: officer.userId, units: '100' },
        key: 'w2',
      }),
      201,
    );
    const reward = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/rewards/settle`, {
          token: owner.token,
          body: {
            amountMicros: '10000001',
            windowStart: start,
            windowEnd: new Date(Date.now() + 1000).toISOString(),
            source: 'external',
            reference: 'pool-payout-77',
          },
          key: 'r1',
        }),
        201,
      )
    ).reward;
    assert.equal(reward.status, 'held');
    assert.deepEqual(reward.shares.map((s: Body) => s.amountMicros).sort(), ['2500000', '7500001'].sort());
    assert.equal((await balance(poolId, miner.token)).postedMicros, '0');
    await ok(api.call('POST', `/api/v1/rewards/${reward.id}/release`, { token: owner.token }));
    assert.equal((await balance(poolId, miner.token)).availableMicros, '7500001');

    const bad = await api.call('POST', `/api/v1/pools/${poolId}/withdrawals`, {
      token: miner.token,
      body: { amountMicros: '5000000', destinationKind: 'usdt_trc20', destination: '0xnot-tron' },
      key: 'x0',
    });
    assert.equal(bad.problem?.code, 'INVALID_DESTINATION');
    const wd = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/withdrawals`, {
          token: miner.token,
          body: {
            amountMicros: '5000000',
            destinationKind: 'usdt_trc20',
            destination: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE',
          },
          key: 'x1',
        }),
        201,
      )
    ).withdrawal;
    assert.equal(wd.status, 'requested');
    assert.equal(wd.quorum, 2);
    assert.equal((await balance(poolId, miner.token)).availableMicros, '2500001');
    const self = await api.call('POST', `/api/v1/withdrawals/${wd.id}/approve`, { token: miner.token });
    assert.equal(self.problem?.code, 'NOT_AN_OFFICER');
    const one = (await ok(api.call('POST', `/api/v1/withdrawals/${wd.id}/approve`, { token: officer.token })))
      .withdrawal;
    assert.equal(one.approvals, 1);
    assert.equal(one.status, 'requested');
    const twice = (await ok(api.call('POST', `/api/v1/withdrawals/${wd.id}/approve`, { token: officer.token })))
      .withdrawal;
    assert.equal(twice.approvals, 1);
    const early = await api.call('POST', `/api/v1/withdrawals/${wd.id}/complete`, {
      token: owner.token,
      body: { reference: 'tx' },
      key: 'c0',
    });
    assert.equal(early.problem?.code, 'WITHDRAWAL_WRONG_STATE');
    const confirmed = (await ok(api.call('POST', `/api/v1/withdrawals/${wd.id}/approve`, { token: owner.token })))
      .withdrawal;
    assert.equal(confirmed.status, 'confirmed');
    const byOfficer = await api.call('POST', `/api/v1/withdrawals/${wd.id}/complete`, {
      token: officer.token,
      body: { reference: 'tx' },
      key: 'c1',
    });
    assert.equal(byOfficer.problem?.code, 'NOT_POOL_OWNER');
    const completed = (
      await ok(
        api.call('POST', `/api/v1/withdrawals/${wd.id}/complete`, {
          token: owner.token,
          body: { reference: 'tron-tx-abc' },
          key: 'c2',
        }),
      )
    ).withdrawal;
    assert.equal(completed.status, 'completed');
    assert.equal((await balance(poolId, miner.token)).postedMicros, '2500001');
    const mine = await ok(api.call('GET', `/api/v1/pools/${poolId}/withdrawals`, { token: miner.token }));
    assert.deepEqual(
      mine.items.map((w: Body) => w.status),
      ['completed'],
    );

    const rejected = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/withdrawals`, {
          token: miner.token,
          body: { amountMicros: '1000000', destinationKind: 'iban', destination: 'DE89 3704 0044 0532 0130 00' },
          key: 'x2',
        }),
        201,
      )
    ).withdrawal;
    await ok(api.call('POST', `/api/v1/withdrawals/${rejected.id}/reject`, { token: officer.token }));
    const closed = (await ok(api.call('POST', `/api/v1/withdrawals/${rejected.id}/reject`, { token: owner.token })))
      .withdrawal;
    assert.equal(closed.status, 'rejected');
    assert.equal((await balance(poolId, miner.token)).availableMicros, '2500001');

    const stale = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/withdrawals`, {
          token: miner.token,
          body: { amountMicros: '1000000', destinationKind: 'paypal', destination: 'miner@example.com' },
          key: 'x3',
        }),
        201,
      )
    ).withdrawal;
    await db.pool.query(
      "update prompts set expires_at = now() - interval '1 second' where id = (select prompt_id from withdrawals where id = $1)",
      [stale.id],
    );
    assert.equal(await expireWithdrawals(appContext(db)), 1);
    assert.equal(
      (await ok(api.call('GET', `/api/v1/withdrawals/${stale.id}`, { token: miner.token }))).withdrawal.status,
      'expired',
    );
    assert.equal((await balance(poolId, miner.token)).availableMicros, '2500001');
    await verified(poolId);
  });
});

describe('premium pool income and disputes', () => {
  test('a premium pool charges membership fees into the treasury and distributes them as income', async () => {
    const { poolId, currency, owner, members } = await poolWith(['pr-owner', 'pr-a', 'pr-b', 'pr-c']);
    await db.pool.query("update pools set type = 'premium' where id = $1", [poolId]);
    await ok(
      api.call('PATCH', `/api/v1/pools/${poolId}/settings`, {
        token: owner.token,
        body: { membershipFeeMicros: '1000000' },
      }),
    );
    const [a, b, c] = members as { userId: string; token: string }[];
    await fund(db, { poolId, currency }, a!.userId, 3_000_000n);
    await fund(db, { poolId, currency }, b!.userId, 3_000_000n);
    const charged = await ok(
      api.call('POST', `/api/v1/pools/${poolId}/membership-fees/charge`, {
        token: owner.token,
        body: { period: '2026-11' },
        key: 'f1',
      }),
    );
    assert.deepEqual(charged, { paid: 2, unpaid: 1, collectedMicros: '2000000' });
    const again = await ok(
      api.call('POST', `/api/v1/pools/${poolId}/membership-fees/charge`, {
        token: owner.token,
        body: { period: '2026-11' },
        key: 'f2',
      }),
    );
    assert.equal(again.paid, 0);
    const byMember = await api.call('POST', `/api/v1/pools/${poolId}/membership-fees/charge`, {
      token: a!.token,
      body: { period: '2026-12' },
      key: 'f3',
    });
    assert.equal(byMember.problem?.code, 'NOT_POOL_OWNER');
    const start = new Date(Date.now() - 60_000).toISOString();
    for (const [i, m] of [a, b, c].entries())
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/contributions`, {
          token: owner.token,
          body: { userId: m!.userId, units: '1' },
          key: `pc${i}`,
        }),
        201,
      );
    const tooMuch = await api.call('POST', `/api/v1/pools/${poolId}/rewards/settle`, {
      token: owner.token,
      body: { amountMicros: '2000001', windowStart: start, windowEnd: new Date(Date.now() + 1000).toISOString() },
      key: 'pr0',
    });
    assert.equal(tooMuch.problem?.code, 'INSUFFICIENT_FUNDS');
    const reward = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/rewards/settle`, {
          token: owner.token,
          body: { amountMicros: '2000000', windowStart: start, windowEnd: new Date(Date.now() + 1000).toISOString() },
          key: 'pr1',
        }),
        201,
      )
    ).reward;
    // Three equal contributions share 2 exactly: 666,667 + 666,667 + 666,666 (largest remainder, earlier ids first).
    assert.deepEqual(reward.shares.map((s: Body) => s.amountMicros).sort(), ['666666', '666667', '666667']);
    const total = reward.shares.reduce((sum: bigint, s: Body) => sum + BigInt(s.amountMicros), 0n);
    assert.equal(total, 2_000_000n);
    await ok(api.call('POST', `/api/v1/rewards/${reward.id}/cancel`, { token: owner.token }));
    const again2 = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/rewards/settle`, {
          token: owner.token,
          body: { amountMicros: '2000000', windowStart: start, windowEnd: new Date(Date.now() + 1000).toISOString() },
          key: 'pr2',
        }),
        201,
      )
    ).reward;
    await ok(api.call('POST', `/api/v1/rewards/${again2.id}/release`, { token: owner.token }));
    assert.equal(
      (await balance(poolId, c!.token)).postedMicros,
      String(BigInt(again2.shares.find((s: Body) => s.userId === c!.userId).amountMicros)),
    );
    await verified(poolId);
  });

  test('a dispute over low quality: frozen in escrow, parties cannot vote, an officer settles a partial refund', async () => {
    const { poolId, currency, owner, members } = await poolWith(['dp-owner', 'dp-officer', 'dp-node', 'dp-seeker']);
    const [officer, node, seeker] = members as { userId: string; token: string }[];
    await ok(
      api.call('PUT', `/api/v1/pools/${poolId}/members/${officer!.userId}/role`, {
        token: owner.token,
        body: { role: 'officer' },
      }),
    );
    await fund(db, { poolId, currency }, seeker!.userId, 10_000_000n);
    const machineId = await machine(poolId, node!.token, 'laggy');
    const offer = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/offers`, {
          token: node!.token,
          body: { kind: 'compute_time', title: 'GPU hour', priceMicros: '4000000', machineId },
        }),
        201,
      )
    ).offer;
    const deal = (
      await ok(
        api.call('POST', `/api/v1/offers/${offer.id}/accept`, { token: seeker!.token, body: {}, key: 'd1' }),
        201,
      )
    ).deal;
    await ok(api.call('POST', `/api/v1/deals/${deal.id}/deliver`, { token: node!.token }));
    const outsider = await api.call('POST', `/api/v1/pools/${poolId}/disputes`, {
      token: officer!.token,
      body: { dealId: deal.id, statement: 'meh' },
    });
    assert.equal(outsider.problem?.code, 'NOT_DEAL_PARTY');
    const dispute = (
      await ok(
        api.call('POST', `/api/v1/pools/${poolId}/disputes`, {
          token: seeker!.token,
          body: { dealId: deal.id, statement: '12 fps and constant freezes' },
        }),
        201,
      )
    ).dispute;
    assert.equal(dispute.status, 'open');
    const twice = await api.call('POST', `/api/v1/pools/${poolId}/disputes`, {
      token: node!.token,
      body: { dealId: deal.id, statement: 'it was fine' },
    });
    assert.equal(twice.problem?.code, 'DISPUTE_ALREADY_OPEN');
    await ok(
      api.call('POST', `/api/v1/disputes/${dispute.id}/statements`, {
        token: node!.token,
        body: { text: 'The machine ran at 60 fps on my side' },
      }),
      201,
    );
    assert.equal(
      (await ok(api.call('GET', `/api/v1/deals/${deal.id}`, { token: seeker!.token }))).deal.status,
      'disputed',
    );
    const confirm = await api.call('POST', `/api/v1/deals/${deal.id}/confirm`, { token: seeker!.token });
    assert.equal(confirm.problem?.code, 'DEAL_WRONG_STATE');
    const party = await api.call('POST', `/api/v1/disputes/${dispute.id}/votes`, {
      token: seeker!.token,
      body: { outcome: 'refund_full' },
    });
    assert.equal(party.problem?.code, 'DISPUTE_PARTY_CANNOT_VOTE');
    const member = await api.call('POST', `/api/v1/disputes/${dispute.id}/votes`, {
      token: (await api.user('dp-seeker')).token,
      body: { outcome: 'payout' },
    });
    assert.equal(member.problem?.code, 'DISPUTE_PARTY_CANNOT_VOTE');
    const vote = await ok(
      api.call('POST', `/api/v1/disputes/${dispute.id}/votes`, {
        token: officer!.token,
        body: { outcome: 'refund_partial', refundMicros: '1500000' },
      }),
    );
    assert.equal(vote.result, 'resolved');
    assert.equal(vote.dispute.status, 'completed');
    assert.equal(vote.dispute.refundMicros, '1500000');
    const late = await api.call('POST', `/api/v1/disputes/${dispute.id}/votes`, {
      token: owner.token,
      body: { outcome: 'payout' },
    });
    assert.equal(late.problem?.code, 'DISPUTE_WRONG_STATE');
    // 10 − 4 + 1.5 refunded; the node gets 2.5 less its 10% fee (0.25).
    assert.equal((await balance(poolId, seeker!.token)).postedMicros, '7500000');
    assert.equal((await balance(poolId, node!.token)).postedMicros, '2250000');
    const standing = await ok(
      api.call('GET', `/api/v1/pools/${poolId}/members/${node!.userId}/standing`, { token: seeker!.token }),
    );
    assert.equal(standing.disputesLostAsSeller, 1);
    assert.ok(standing.rating < 50);
    await verified(poolId);
  });
});
