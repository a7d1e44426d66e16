import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import type pg from 'pg';
import { isAppError, type ErrorCode } from '../core/errors.ts';
import { platformAccounts, type LedgerContext } from '../core/ledger/context.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { LedgerEngine } from '../core/ledger/engine.ts';
import { expireDueHolds } from '../core/ledger/expire-due-holds.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { releaseHold } from '../core/ledger/release-hold.ts';
import { balanceOf, type Balance, type Transfer } from '../core/ledger/types.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { voidHold } from '../core/ledger/void-hold.ts';
import { PgLedgerStore } from '../db/ledger-store.ts';
import { createPgPool } from '../db/pg.ts';
import { createMembers, createPool, createTestDatabase, type TestDatabase } from './helpers/db.ts';

const UNIT = 1_000_000n;
/** Separate engines with separate connection pools stand for separate processes of the service. */
const PROCESSES = 4;

let db: TestDatabase;
const processes: { pool: pg.Pool; ctx: LedgerContext }[] = [];
/** db.ctx plus every "process": callers spread over these. */
let contexts: LedgerContext[] = [];

before(async () => {
  db = await createTestDatabase();
  for (let i = 0; i < PROCESSES; i += 1) {
    const pool = createPgPool(db.url, 4);
    const store = new PgLedgerStore(pool);
    processes.push({ pool, ctx: { engine: new LedgerEngine(store), store } });
  }
  contexts = [db.ctx, ...processes.map((p) => p.ctx)];
});

after(async () => {
  for (const { pool, ctx } of processes) {
    await ctx.engine.idle();
    await pool.end();
  }
  await db.close();
});

afterEach(async () => {
  for (const ctx of contexts) await ctx.engine.idle();
  const report = await verifyLedger(db.ctx);
  assert.equal(
    report.ok,
    true,
    JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value), 2),
  );
});

let keySeq = 0;
const key = (label: string) => `conc:${label}:${(keySeq += 1)}`;
const ctxAt = (i: number): LedgerContext => contexts[i % contexts.length] as LedgerContext;

async function setup(memberCount: number, fundUnits: bigint[] = []) {
  const pool = await createPool(db);
  const members = await createMembers(db, pool, memberCount);
  for (const [i, units] of fundUnits.entries()) {
    const member = members[i];
    assert.ok(member);
    await recordDeposit(db.ctx, {
      poolId: pool.poolId,
      currency: pool.currency,
      memberAccountId: member.accountId,
      amountMicros: units * UNIT,
      reference: key('fund'),
    });
  }
  return { pool, members };
}

async function balance(accountId: string): Promise<Balance> {
  const account = await db.ctx.store.getAccount(accountId);
  assert.ok(account);
  return balanceOf(account);
}

async function feeAccountId(currency: string): Promise<string> {
  return (await platformAccounts(db.ctx, currency)).fee.id;
}

async function transferCount(poolId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'select count(*)::int n from ledger_transfers where pool_id = $1',
    [poolId],
  );
  return rows[0]?.n ?? -1;
}

function codeOf(result: PromiseSettledResult<unknown>): ErrorCode | 'ok' {
  if (result.status === 'fulfilled') return 'ok';
  if (isAppError(result.reason)) return result.reason.code;
  throw result.reason;
}

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

const tally = (results: PromiseSettledResult<unknown>[]) => {
  const counts: Record<string, number> = {};
  for (const result of results) counts[codeOf(result)] = (counts[codeOf(result)] ?? 0) + 1;
  return counts;
};

describe('holds against one balance', () => {
  test('six holds of 1,000 against an available 5,000 from several processes: exactly five accepted', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { pool, members } = await setup(2, [5_000n]);
      const [payer, payee] = members;
      assert.ok(payer && payee);
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          createHold(ctxAt(i + round), {
            poolId: pool.poolId,
            payerAccountId: payer.accountId,
            payeeAccountId: payee.accountId,
            amountMicros: 1_000n * UNIT,
            timeoutSeconds: 3600,
            idempotencyKey: key('six'),
          }),
        ),
      );
      assert.deepEqual(tally(results), { ok: 5, INSUFFICIENT_FUNDS: 1 }, `round ${round}`);
      assert.deepEqual(await balance(payer.accountId), {
        postedMicros: 5_000n * UNIT,
        pendingMicros: 5_000n * UNIT,
        availableMicros: 0n,
      });
      assert.equal(new Set(fulfilled(results).map((r) => r.hold.id)).size, 5);
    }
  });

  test('six holds of 1,000 against 5,000 on one engine (one batch): exactly five accepted', async () => {
    const { pool, members } = await setup(2, [5_000n]);
    const [payer, payee] = members;
    assert.ok(payer && payee);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        createHold(db.ctx, {
          poolId: pool.poolId,
          payerAccountId: payer.accountId,
          payeeAccountId: payee.accountId,
          amountMicros: 1_000n * UNIT,
          timeoutSeconds: 3600,
          idempotencyKey: key('six-one'),
        }),
      ),
    );
    assert.deepEqual(tally(results), { ok: 5, INSUFFICIENT_FUNDS: 1 });
    assert.equal((await balance(payer.accountId)).availableMicros, 0n);
  });
});

describe('a hold resolves exactly once', () => {
  test('posting or voiding a voided or already-posted hold fails and moves nothing', async () => {
    const { pool, members } = await setup(2, [100n]);
    const [payer, payee] = members;
    assert.ok(payer && payee);
    const hold = (label: string) =>
      createHold(db.ctx, {
        poolId: pool.poolId,
        payerAccountId: payer.accountId,
        payeeAccountId: payee.accountId,
        amountMicros: 10n * UNIT,
        timeoutSeconds: 3600,
        idempotencyKey: key(label),
      });
    const voided = (await hold('to-void')).hold;
    const posted = (await hold('to-post')).hold;
    await voidHold(db.ctx, { holdId: voided.id, idempotencyKey: key('void') });
    await releaseHold(db.ctx, { holdId: posted.id, feeBps: 1000, idempotencyKey: key('post') });

    const fee = await feeAccountId(pool.currency);
    const before = await Promise.all([payer.accountId, payee.accountId, fee].map(balance));
    const countBefore = await transferCount(pool.poolId);

    const attempts = contexts.flatMap((ctx) => [
      {
        want: 'HOLD_ALREADY_VOIDED',
        run: releaseHold(ctx, { holdId: voided.id, feeBps: 1000, idempotencyKey: key('x') }),
      },
      {
        want: 'HOLD_ALREADY_VOIDED',
        run: releaseHold(ctx, { holdId: voided.id, amountMicros: UNIT, feeBps: 0, idempotencyKey: key('x') }),
      },
      { want: 'HOLD_ALREADY_VOIDED', run: voidHold(ctx, { holdId: voided.id, idempotencyKey: key('x') }) },
      {
        want: 'HOLD_ALREADY_POSTED',
        run: releaseHold(ctx, { holdId: posted.id, feeBps: 1000, idempotencyKey: key('x') }),
      },
      {
        want: 'HOLD_ALREADY_POSTED',
        run: releaseHold(ctx, { holdId: posted.id, amountMicros: UNIT, feeBps: 0, idempotencyKey: key('x') }),
      },
      { want: 'HOLD_ALREADY_POSTED', run: voidHold(ctx, { holdId: posted.id, idempotencyKey: key('x') }) },
    ]);
    const results = await Promise.allSettled(attempts.map((attempt) => attempt.run));
    results.forEach((result, i) => assert.equal(codeOf(result), attempts[i]?.want, `attempt ${i}`));

    assert.deepEqual(await Promise.all([payer.accountId, payee.accountId, fee].map(balance)), before);
    assert.equal(await transferCount(pool.poolId), countBefore);
  });

  test('concurrent partial posts of one hold: exactly one wins and never more than the hold', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { pool, members } = await setup(2, [1_000n]);
      const [payer, payee] = members;
      assert.ok(payer && payee);
      const { hold } = await createHold(db.ctx, {
        poolId: pool.poolId,
        payerAccountId: payer.accountId,
        payeeAccountId: payee.accountId,
        amountMicros: 800n * UNIT,
        timeoutSeconds: 3600,
        idempotencyKey: key('partial-hold'),
      });
      const amounts = [100n, 200n, 300n, 400n, 500n, 600n, 700n, 800n, 801n].map((units) => units * UNIT);
      const results = await Promise.allSettled(
        amounts.map((amountMicros, i) =>
          releaseHold(ctxAt(i + round), { holdId: hold.id, amountMicros, feeBps: 0, idempotencyKey: key('partial') }),
        ),
      );
      const codes = results.map(codeOf);
      assert.equal(codes.filter((code) => code === 'ok').length, 1, `round ${round}: ${codes.join(',')}`);
      // 801 is above the hold: it can only lose, with HOLD_AMOUNT_EXCEEDED or to the winner's resolution.
      assert.notEqual(codes.at(-1), 'ok');
      for (const code of codes) assert.ok(['ok', 'HOLD_ALREADY_POSTED', 'HOLD_AMOUNT_EXCEEDED'].includes(code), code);

      const [winner] = fulfilled(results);
      assert.ok(winner);
      assert.ok(winner.posted.amountMicros <= hold.amountMicros);
      assert.equal(winner.returnedMicros, hold.amountMicros - winner.posted.amountMicros);
      assert.deepEqual(await balance(payee.accountId), {
        postedMicros: winner.posted.amountMicros,
        pendingMicros: 0n,
        availableMicros: winner.posted.amountMicros,
      });
      assert.deepEqual(await balance(payer.accountId), {
        postedMicros: 1_000n * UNIT - winner.posted.amountMicros,
        pendingMicros: 0n,
        availableMicros: 1_000n * UNIT - winner.posted.amountMicros,
      });
      const view = await db.ctx.store.getHold(hold.id);
      assert.equal(view?.resolution?.id, winner.posted.id);
    }
  });

  test('concurrent void and post of the same hold: exactly one wins', async () => {
    const { pool, members } = await setup(2, [1_000n]);
    const [payer, payee] = members;
    assert.ok(payer && payee);
    let postWins = 0;
    let voidWins = 0;
    for (let round = 0; round < 10; round += 1) {
      const { hold } = await createHold(db.ctx, {
        poolId: pool.poolId,
        payerAccountId: payer.accountId,
        payeeAccountId: payee.accountId,
        amountMicros: 10n * UNIT,
        timeoutSeconds: 3600,
        idempotencyKey: key('vp-hold'),
      });
      const payeeBefore = await balance(payee.accountId);
      const payerBefore = await balance(payer.accountId);
      // Alternate which one is submitted first, and from which process.
      const post = () => releaseHold(ctxAt(round), { holdId: hold.id, feeBps: 0, idempotencyKey: key('vp-post') });
      const cancel = () => voidHold(ctxAt(round + 1), { holdId: hold.id, idempotencyKey: key('vp-void') });
      const [postResult, voidResult] =
        round % 2 === 0
          ? await Promise.allSettled([post(), cancel()])
          : await Promise.allSettled([cancel(), post()]).then(([v, p]) => [p, v] as const);
      assert.ok(postResult && voidResult);
      const outcome = [codeOf(postResult), codeOf(voidResult)];
      if (outcome[0] === 'ok') {
        postWins += 1;
        assert.deepEqual(outcome, ['ok', 'HOLD_ALREADY_POSTED']);
        assert.equal((await balance(payee.accountId)).postedMicros, payeeBefore.postedMicros + 10n * UNIT);
        assert.equal((await balance(payer.accountId)).postedMicros, payerBefore.postedMicros - 10n * UNIT);
      } else {
        voidWins += 1;
        assert.deepEqual(outcome, ['HOLD_ALREADY_VOIDED', 'ok']);
        assert.equal((await balance(payee.accountId)).postedMicros, payeeBefore.postedMicros);
        assert.equal((await balance(payer.accountId)).postedMicros, payerBefore.postedMicros);
      }
      assert.equal((await balance(payer.accountId)).pendingMicros, 0n);
      const view = await db.ctx.store.getHold(hold.id);
      assert.equal(view?.resolution?.kind, outcome[0] === 'ok' ? 'post_pending' : 'void_pending');
    }
    assert.equal(postWins + voidWins, 10);
  });

  test('an expiry sweep run by every process at once expires each due hold once; posts after the timeout fail', async () => {
    const { pool, members } = await setup(2, [100n]);
    const [payer, payee] = members;
    assert.ok(payer && payee);
    const holds: Transfer[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { hold } = await createHold(db.ctx, {
        poolId: pool.poolId,
        payerAccountId: payer.accountId,
        payeeAccountId: payee.accountId,
        amountMicros: 10n * UNIT,
        timeoutSeconds: 1,
        idempotencyKey: key('expiring'),
      });
      holds.push(hold);
    }
    const lastTimeoutMs = Math.max(...holds.map((hold) => hold.timeoutAt?.getTime() ?? 0));
    await sleep(Math.max(0, lastTimeoutMs - Date.now()) + 150);

    const [sweeps, posts] = await Promise.all([
      Promise.all(contexts.map((ctx) => expireDueHolds(ctx, { limit: 100 }))),
      Promise.allSettled(
        holds.map((hold, i) => releaseHold(ctxAt(i), { holdId: hold.id, feeBps: 0, idempotencyKey: key('late') })),
      ),
    ]);
    assert.equal(
      sweeps.reduce((sum, n) => sum + n, 0),
      holds.length,
      `sweeps ${sweeps.join(',')}`,
    );
    for (const result of posts) assert.equal(codeOf(result), 'HOLD_EXPIRED');
    for (const hold of holds) assert.equal((await db.ctx.store.getHold(hold.id))?.resolution?.kind, 'expire_pending');
    assert.deepEqual(await balance(payer.accountId), {
      postedMicros: 100n * UNIT,
      pendingMicros: 0n,
      availableMicros: 100n * UNIT,
    });
    assert.equal((await balance(payee.accountId)).postedMicros, 0n);
    assert.deepEqual(await db.ctx.store.dueHolds(100), []);
  });
});

describe('idempotent retries racing each other', () => {
  /** A funded payer, a payee and a pending hold of 100 units. */
  async function heldFunds(label: string) {
    const { pool, members } = await setup(2, [1_000n]);
    const [payer, payee] = members;
    assert.ok(payer && payee);
    const { hold } = await createHold(db.ctx, {
      poolId: pool.poolId,
      payerAccountId: payer.accountId,
      payeeAccountId: payee.accountId,
      amountMicros: 100n * UNIT,
      timeoutSeconds: 3600,
      idempotencyKey: key(label),
    });
    return { pool, payer, payee, hold };
  }

  /** The same release (same key, same input) sent twice from every process at once. */
  function retriedRelease(holdId: string, idempotencyKey: string) {
    return Promise.allSettled(
      [...contexts, ...contexts].map((ctx) =>
        releaseHold(ctx, { holdId, amountMicros: 60n * UNIT, feeBps: 1000, idempotencyKey }),
      ),
    );
  }

  test('a retried release, sent concurrently from several processes, moves money once', async () => {
    for (let round = 0; round < 6; round += 1) {
      const { pool, payer, payee, hold } = await heldFunds('retry-hold');
      const fee = await feeAccountId(pool.currency);
      const feeBefore = await balance(fee);
      const results = await retriedRelease(hold.id, key('retry-release'));

      assert.ok(fulfilled(results).length >= 1);
      assert.equal(fulfilled(results).filter((r) => !r.replayed).length, 1, 'one caller applied it');
      for (const result of results) assert.ok(['ok', 'HOLD_ALREADY_POSTED'].includes(codeOf(result)));
      assert.equal(new Set(fulfilled(results).map((r) => r.posted.id)).size, 1, 'every success names one transfer');

      // 60 posted of 100, 40 returned; 10% of 60 to the platform.
      assert.deepEqual(await balance(payer.accountId), {
        postedMicros: 940n * UNIT,
        pendingMicros: 0n,
        availableMicros: 940n * UNIT,
      });
      assert.equal((await balance(payee.accountId)).postedMicros, 54n * UNIT);
      assert.equal((await balance(fee)).postedMicros - feeBefore.postedMicros, 6n * UNIT);
      const { rows } = await db.pool.query<{ n: number }>(
        "select count(*)::int n from ledger_transfers where pool_id = $1 and kind = 'post_pending'",
        [pool.poolId],
      );
      assert.equal(rows[0]?.n, 1);
    }
  });

  test('every copy of a retried release gets the stored result back, never an error', async () => {
    // The same key with the same input replays the stored result (DESIGN: Idempotency) — whichever process the
    // retry lands on and however close behind the first copy it arrives.
    const failures: string[] = [];
    for (let round = 0; round < 6; round += 1) {
      const { hold } = await heldFunds('replay-hold');
      const results = await retriedRelease(hold.id, key('replay-release'));
      const codes = results.map(codeOf).filter((code) => code !== 'ok');
      if (codes.length > 0) failures.push(`round ${round}: ${codes.join(',')}`);
      const ids = new Set(fulfilled(results).map((r) => r.posted.id));
      assert.ok(ids.size <= 1);
    }
    assert.deepEqual(failures, [], 'retries of one release answered with errors instead of the stored result');
  });

  test('on one engine, a release retried while the first copy is still in flight replays instead of failing', async () => {
    // The smallest reproduction: one process, two batches in flight (the engine's default), no other client.
    const { hold } = await heldFunds('one-engine-hold');
    const input = { holdId: hold.id, amountMicros: 60n * UNIT, feeBps: 1000, idempotencyKey: key('one-engine') };
    const results = await Promise.allSettled([releaseHold(db.ctx, input), releaseHold(db.ctx, input)]);
    // 60 released once: 54 to the payee, 6 to the fee account in the same chain.
    assert.equal((await db.ctx.store.getHold(hold.id))?.resolution?.amountMicros, 54n * UNIT, 'posted once');
    assert.deepEqual(results.map(codeOf), ['ok', 'ok']);
    // Which copy wins depends on which batch takes the locks first; exactly one applies, the other replays it.
    assert.deepEqual(
      fulfilled(results)
        .map((r) => r.replayed)
        .sort(),
      [false, true],
    );
    assert.equal(new Set(fulfilled(results).map((r) => r.posted.id)).size, 1, 'both answers name the same transfer');
  });

  test('a retried transfer of the whole balance, concurrently from several processes, replays instead of failing', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 6; round += 1) {
      const { pool, members } = await setup(2, [50n]);
      const [from, to] = members;
      assert.ok(from && to);
      const idempotencyKey = key('retry-transfer');
      const results = await Promise.allSettled(
        [...contexts, ...contexts].map((ctx) =>
          ctx.engine.submit({
            poolId: pool.poolId,
            idempotencyKey,
            transfers: [
              {
                type: 'transfer',
                debitAccountId: from.accountId,
                creditAccountId: to.accountId,
                amountMicros: 50n * UNIT,
                code: 'payment',
              },
            ],
          }),
        ),
      );
      // Money moves once whatever the answers.
      assert.equal((await balance(to.accountId)).postedMicros, 50n * UNIT);
      assert.equal((await balance(from.accountId)).postedMicros, 0n);
      assert.equal(fulfilled(results).filter((r) => !r.replayed).length, 1);
      const codes = results.map(codeOf).filter((code) => code !== 'ok');
      if (codes.length > 0) failures.push(`round ${round}: ${codes.join(',')}`);
    }
    assert.deepEqual(failures, [], 'retries of one transfer answered with errors instead of the stored result');
  });
});

describe('many clients', () => {
  test('many concurrent random transfers between 20 accounts conserve the total, balance by balance', async () => {
    const ACCOUNTS = 20;
    const TRANSFERS = 400;
    const { pool, members } = await setup(
      ACCOUNTS,
      Array.from({ length: ACCOUNTS }, () => 100n),
    );
    // A seeded generator: the same sequence every run, so a failure can be replayed.
    let seed = 0x2f6b_1d3a;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return (seed >>> 8) % n;
    };
    const plans = Array.from({ length: TRANSFERS }, () => {
      const from = random(ACCOUNTS);
      const to = (from + 1 + random(ACCOUNTS - 1)) % ACCOUNTS;
      return { from, to, amountMicros: BigInt(1 + random(40_000_000)) };
    });
    const results = await Promise.allSettled(
      plans.map((plan, i) =>
        ctxAt(i).engine.submit({
          poolId: pool.poolId,
          idempotencyKey: key('random'),
          transfers: [
            {
              type: 'transfer',
              debitAccountId: members[plan.from]?.accountId ?? '',
              creditAccountId: members[plan.to]?.accountId ?? '',
              amountMicros: plan.amountMicros,
              code: 'payment',
            },
          ],
        }),
      ),
    );
    const expected = Array.from({ length: ACCOUNTS }, () => 100n * UNIT);
    let accepted = 0;
    results.forEach((result, i) => {
      const code = codeOf(result);
      assert.ok(code === 'ok' || code === 'INSUFFICIENT_FUNDS', code);
      if (code !== 'ok') return;
      accepted += 1;
      const plan = plans[i];
      assert.ok(plan);
      expected[plan.from] = (expected[plan.from] ?? 0n) - plan.amountMicros;
      expected[plan.to] = (expected[plan.to] ?? 0n) + plan.amountMicros;
    });
    assert.ok(accepted > TRANSFERS / 2, `only ${accepted} of ${TRANSFERS} accepted`);
    const balances = await Promise.all(members.map((member) => balance(member.accountId)));
    balances.forEach((b, i) => {
      assert.ok(b.postedMicros >= 0n);
      assert.equal(b.postedMicros, expected[i], `account ${i}`);
    });
    assert.equal(
      balances.reduce((sum, b) => sum + b.postedMicros, 0n),
      BigInt(ACCOUNTS) * 100n * UNIT,
    );
    // Every accepted transfer has exactly one row, in gap-free lanes of the pool's chain (the 20 deposits are 40 rows).
    assert.equal(await transferCount(pool.poolId), accepted + 2 * ACCOUNTS);
    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
    const lanes = report.chains.filter((chain) => chain.poolId === pool.poolId);
    assert.equal(
      lanes.reduce((sum, chain) => sum + BigInt(chain.lastSeq), 0n),
      BigInt(accepted + 2 * ACCOUNTS),
    );
    assert.ok(
      lanes.every((chain) => chain.brokenAtSeq === null && BigInt(chain.transfersChecked) === BigInt(chain.lastSeq)),
    );
    // Every engine ran two batches at once (its default), each on its own lane: the pool's chain has lanes 0 and 1,
    // which batches of different processes share under the lane head's lock.
    assert.deepEqual(
      lanes.map((chain) => chain.lane),
      [0, 1],
    );
  });

  test('maxInFlight: that many batches at once, each on its own lane, never more lanes than the chain has', async () => {
    const ACCOUNTS = 8;
    const { pool, members } = await setup(
      ACCOUNTS,
      Array.from({ length: ACCOUNTS }, () => 100n),
    );
    for (const [maxInFlight, commands, lanesExpected] of [
      [4, 40, 4],
      [32, 64, 16],
    ] as const) {
      const pgPool = createPgPool(db.url, 4);
      const store = new PgLedgerStore(pgPool);
      const engine = new LedgerEngine(store, { maxInFlight });
      try {
        // Submitted in one tick: the queue is shared evenly between the free slots.
        const results = await Promise.all(
          Array.from({ length: commands }, (_, i) =>
            engine.submit({
              poolId: pool.poolId,
              idempotencyKey: key(`in-flight-${maxInFlight}`),
              transfers: [
                {
                  type: 'transfer',
                  debitAccountId: members[i % ACCOUNTS]?.accountId ?? '',
                  creditAccountId: members[(i + 1) % ACCOUNTS]?.accountId ?? '',
                  amountMicros: UNIT,
                  code: 'payment',
                },
              ],
            }),
          ),
        );
        const perLane = new Map<number, number>();
        for (const t of results.flatMap((r) => r.transfers)) perLane.set(t.lane, (perLane.get(t.lane) ?? 0) + 1);
        assert.deepEqual(
          [...perLane.keys()].sort((a, b) => a - b),
          Array.from({ length: lanesExpected }, (_, lane) => lane),
          `maxInFlight ${maxInFlight}`,
        );
        for (const [lane, n] of perLane) assert.equal(n, commands / lanesExpected, `lane ${lane}`);
      } finally {
        await engine.idle();
        await pgPool.end();
      }
    }
    // Each account sent and received the same number of units.
    for (const member of members) assert.equal((await balance(member.accountId)).postedMicros, 100n * UNIT);
    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.chains.length, 16);
    assert.equal(
      report.chains.reduce((sum, chain) => sum + BigInt(chain.transfersChecked), 0n),
      BigInt(2 * ACCOUNTS + 40 + 64),
    );
  });
});
