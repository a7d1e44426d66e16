import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { isAppError, type ErrorCode } from '../core/errors.ts';
import { platformAccounts, type LedgerContext } from '../core/ledger/context.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { LedgerEngine } from '../core/ledger/engine.ts';
import { expireDueHolds } from '../core/ledger/expire-due-holds.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { releaseHold } from '../core/ledger/release-hold.ts';
import { balanceOf, type HoldStatus, type Transfer } from '../core/ledger/types.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { voidHold } from '../core/ledger/void-hold.ts';
import { PgLedgerStore } from '../db/ledger-store.ts';
import { createPgPool } from '../db/pg.ts';
import { createMembers, createPool, createTestDatabase, type TestDatabase } from './helpers/db.ts';

/**
 * Model-based test: random sequences of ledger operations run against the real database and, side by side, against
 * a model made of plain numbers (no applyCommand, no allocate). The model predicts every accept and every refusal
 * with its code, and every member's balance after every step.
 */

const UNIT = 1_000_000n;
const MEMBERS = 4;
const OPENING_DEPOSIT = 50n * UNIT;
/** Holds either time out within the run (after one deliberate wait) or never do. */
const SHORT_TIMEOUT_SECONDS = 1;
const LONG_TIMEOUT_SECONDS = 3600;

/** A hold among all of the run's holds, or (mostly) among those still pending. */
interface HoldRef {
  index: number;
  pendingOnly: boolean;
}

type Op =
  | { t: 'deposit'; m: number; amount: bigint }
  /** `to` and the chain's `b`, `c` are offsets from the previous member: 0 names the same account. */
  | { t: 'transfer'; from: number; to: number; amount: bigint }
  | { t: 'chain'; a: number; b: number; c: number; first: bigint; second: bigint }
  | { t: 'hold'; from: number; to: number; amount: bigint; short: boolean }
  /** perMille null posts the whole hold; above 1000 asks for more than the hold. */
  | { t: 'release'; h: HoldRef; perMille: number | null; feeBps: number }
  | { t: 'void'; h: HoldRef }
  | { t: 'expire'; h: HoldRef }
  | { t: 'sweep' }
  | { t: 'wait' }
  /** The same key and input as an earlier accepted command: must replay. */
  | { t: 'retry'; k: number }
  /** The same key as an earlier accepted command with another input: must fail IDEMPOTENCY_KEY_REUSED. */
  | { t: 'reuse'; k: number };

const memberArb = fc.nat({ max: MEMBERS - 1 });
const offsetArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 9, arbitrary: fc.integer({ min: 1, max: MEMBERS - 1 }) },
);
const amountArb = fc.oneof(fc.bigInt({ min: 1n, max: 60n * UNIT }), fc.bigInt({ min: 1n, max: 1_000n }));
const ref = fc.nat({ max: 1_000 });
const holdRef: fc.Arbitrary<HoldRef> = fc.record({
  index: ref,
  pendingOnly: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('deposit' as const), m: memberArb, amount: amountArb }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ t: fc.constant('transfer' as const), from: memberArb, to: offsetArb, amount: amountArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('chain' as const),
      a: memberArb,
      b: offsetArb,
      c: offsetArb,
      first: amountArb,
      second: amountArb,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('hold' as const),
      from: memberArb,
      to: offsetArb,
      amount: amountArb,
      short: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('release' as const),
      h: holdRef,
      perMille: fc.option(fc.integer({ min: 1, max: 1_200 })),
      feeBps: fc.oneof(fc.constantFrom(0, 1000, 10_000), fc.integer({ min: 0, max: 10_000 })),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('void' as const), h: holdRef }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('expire' as const), h: holdRef }) },
  { weight: 2, arbitrary: fc.constant({ t: 'sweep' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('retry' as const), k: ref }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('reuse' as const), k: ref }) },
);

interface ModelHold {
  id: string;
  from: number;
  to: number;
  amount: bigint;
  short: boolean;
  timeoutAtMs: number;
  status: HoldStatus;
}

type Prediction = { ok: true; apply: (transfers: Transfer[]) => void } | { ok: false; code: ErrorCode };

/** One command as the model sees it: a key, what its input is (equal descriptors ⇔ equal requests), how to run it. */
interface Attempt {
  key: string;
  descriptor: string;
  run: () => Promise<Transfer[] | { transfers: Transfer[]; replayed: boolean }>;
  /** The same key with another input. */
  mutant: () => Promise<unknown>;
  predict: () => Prediction;
}

type Observed = { ok: true; transfers: Transfer[]; replayed: boolean } | { ok: false; code: ErrorCode };

class Model {
  readonly posted: bigint[] = Array.from({ length: MEMBERS }, () => 0n);
  readonly debitsPending: bigint[] = Array.from({ length: MEMBERS }, () => 0n);
  readonly creditsPending: bigint[] = Array.from({ length: MEMBERS }, () => 0n);
  feeMicros = 0n;
  readonly holds: ModelHold[] = [];
  waited = false;
  /** Keys of accepted commands: their descriptor and the transfer ids a replay must return. */
  readonly keys = new Map<string, { descriptor: string; ids: string[] }>();
  readonly accepted: Attempt[] = [];

  available(m: number): bigint {
    return (this.posted[m] ?? 0n) - (this.debitsPending[m] ?? 0n);
  }

  timedOut(hold: ModelHold): boolean {
    return hold.short && this.waited;
  }

  /** Short holds created before the wait may or may not have timed out yet: the model does not touch them. */
  uncertain(hold: ModelHold): boolean {
    return hold.short && !this.waited;
  }

  /** Posted transfers between members, in order, all or nothing (what a linked chain promises). */
  predictMoves(legs: [number, number, bigint][]): Prediction {
    const available = Array.from({ length: MEMBERS }, (_, m) => this.available(m));
    for (const [from, to, amount] of legs) {
      if (from === to) return { ok: false, code: 'SAME_ACCOUNT' };
      if ((available[from] ?? 0n) < amount) return { ok: false, code: 'INSUFFICIENT_FUNDS' };
      available[from] = (available[from] ?? 0n) - amount;
      available[to] = (available[to] ?? 0n) + amount;
    }
    return {
      ok: true,
      apply: () => {
        for (const [from, to, amount] of legs) {
          this.posted[from] = (this.posted[from] ?? 0n) - amount;
          this.posted[to] = (this.posted[to] ?? 0n) + amount;
        }
      },
    };
  }

  /** The hold state machine, written out again from the design rather than imported. */
  resolutionRefusal(hold: ModelHold, action: 'post' | 'void' | 'expire'): ErrorCode | null {
    if (hold.status === 'posted') return 'HOLD_ALREADY_POSTED';
    if (hold.status === 'voided') return 'HOLD_ALREADY_VOIDED';
    if (hold.status === 'expired') return 'HOLD_EXPIRED';
    if (action === 'expire') return this.timedOut(hold) ? null : 'HOLD_NOT_YET_EXPIRED';
    return this.timedOut(hold) ? 'HOLD_EXPIRED' : null;
  }

  unreserve(hold: ModelHold): void {
    this.debitsPending[hold.from] = (this.debitsPending[hold.from] ?? 0n) - hold.amount;
    this.creditsPending[hold.to] = (this.creditsPending[hold.to] ?? 0n) - hold.amount;
  }
}

/** The platform fee on a gross amount: rate in basis points; an exact half micro stays with the payee. */
const feeOf = (grossMicros: bigint, feeBps: number) => (grossMicros * BigInt(feeBps) + 4_999n) / 10_000n;

let db: TestDatabase;
let runCounter = 0;
/** How often each outcome came up over all runs, to show (and check) what the random sequences exercised. */
const outcomes = new Map<string, number>();
const count = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

async function observe(run: Attempt['run']): Promise<Observed> {
  try {
    const result = await run();
    return Array.isArray(result)
      ? { ok: true, transfers: result, replayed: false }
      : { ok: true, transfers: result.transfers, replayed: result.replayed };
  } catch (error) {
    if (isAppError(error)) return { ok: false, code: error.code };
    throw error;
  }
}

async function runScenario(ops: Op[]): Promise<void> {
  const runId = (runCounter += 1);
  const pgPool = createPgPool(db.url, 4);
  const store = new PgLedgerStore(pgPool);
  const ctx: LedgerContext = { engine: new LedgerEngine(store), store };
  try {
    const pool = await createPool(db);
    const members = (await createMembers(db, pool, MEMBERS)).map((m) => m.accountId);
    const accountOf = (m: number) => members[m] ?? assert.fail(`member ${m}`);
    const fee = (await platformAccounts(ctx, pool.currency)).fee;
    const feeStartMicros = balanceOf(fee).postedMicros;
    const model = new Model();
    const trace: string[] = [];

    const check = async (label: string) => {
      for (let m = 0; m < MEMBERS; m += 1) {
        const account = await store.getAccount(accountOf(m));
        assert.ok(account);
        const posted = model.posted[m] ?? 0n;
        const pending = model.debitsPending[m] ?? 0n;
        assert.deepEqual(
          { ...balanceOf(account), creditsPendingMicros: account.creditsPendingMicros },
          {
            postedMicros: posted,
            pendingMicros: pending,
            availableMicros: posted - pending,
            creditsPendingMicros: model.creditsPending[m],
          },
          `member ${m} after ${label}\n${trace.join('\n')}`,
        );
      }
      const feeAccount = await store.getAccount(fee.id);
      assert.equal((feeAccount ? balanceOf(feeAccount).postedMicros : 0n) - feeStartMicros, model.feeMicros, label);
    };

    /** Runs one command and compares the outcome with what the model expects; accepted ones update the model. */
    const attempt = async (a: Attempt, label: string) => {
      const stored = model.keys.get(a.key);
      const expected: Prediction | { replay: string[] } = stored
        ? stored.descriptor === a.descriptor
          ? { replay: stored.ids }
          : { ok: false, code: 'IDEMPOTENCY_KEY_REUSED' }
        : a.predict();
      const observed = await observe(a.run);
      const context = `${label}\n${trace.join('\n')}`;
      if ('replay' in expected) {
        assert.ok(observed.ok, `${label}: expected a replay, got ${observed.ok ? '' : observed.code}\n${context}`);
        assert.equal(observed.replayed, true, context);
        assert.deepEqual(
          observed.transfers.map((t) => t.id),
          expected.replay,
          context,
        );
        trace.push(`${label} → replayed`);
        count('replayed');
      } else if (!expected.ok) {
        assert.deepEqual(observed.ok ? 'accepted' : observed.code, expected.code, context);
        trace.push(`${label} → ${expected.code}`);
        count(expected.code);
      } else {
        assert.ok(observed.ok, `${label}: expected acceptance, got ${observed.ok ? '' : observed.code}\n${context}`);
        assert.equal(observed.replayed, false, context);
        expected.apply(observed.transfers);
        model.keys.set(a.key, { descriptor: a.descriptor, ids: observed.transfers.map((t) => t.id) });
        model.accepted.push(a);
        trace.push(`${label} → ok`);
        count(`${label.split('"')[3] ?? '?'} ok`);
      }
    };

    /** For expiry, "pending" prefers the holds that are due, so that expiries do happen. */
    const holdAt = (ref: HoldRef, preferDue = false) => {
      const pending = model.holds.filter((hold) => hold.status === 'pending' && !model.uncertain(hold));
      const due = pending.filter((hold) => model.timedOut(hold));
      const from = ref.pendingOnly && pending.length > 0 ? (preferDue && due.length > 0 ? due : pending) : model.holds;
      return from[ref.index % Math.max(1, from.length)];
    };
    const other = (m: number, offset: number) => (m + offset) % MEMBERS;
    const submitOne = (key: string, input: Parameters<typeof ctx.engine.submit>[0]['transfers'][number]) =>
      ctx.engine.submit({ poolId: pool.poolId, idempotencyKey: key, transfers: [input] });
    const move = (from: number, to: number, amountMicros: bigint) => ({
      type: 'transfer' as const,
      debitAccountId: accountOf(from),
      creditAccountId: accountOf(to),
      amountMicros,
      code: 'p2p',
    });

    const opening: Op[] = Array.from({ length: MEMBERS }, (_, m) => ({ t: 'deposit', m, amount: OPENING_DEPOSIT }));
    for (const [step, op] of [...opening, ...ops].entries()) {
      const key = `prop${runId}:${step}`;
      const label = `#${step} ${JSON.stringify(op, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
      switch (op.t) {
        case 'deposit': {
          const input = (amountMicros: bigint) => () =>
            recordDeposit(ctx, {
              poolId: pool.poolId,
              currency: pool.currency,
              memberAccountId: accountOf(op.m),
              amountMicros,
              reference: key,
            });
          await attempt(
            {
              key: `deposit:${key}`,
              descriptor: `deposit ${op.m} ${op.amount}`,
              run: input(op.amount),
              mutant: input(op.amount + 1n),
              predict: () => ({
                ok: true,
                apply: () => {
                  model.posted[op.m] = (model.posted[op.m] ?? 0n) + op.amount;
                },
              }),
            },
            label,
          );
          break;
        }
        case 'transfer':
          await attempt(
            {
              key,
              descriptor: label,
              run: () => submitOne(key, move(op.from, other(op.from, op.to), op.amount)),
              mutant: () => submitOne(key, move(op.from, other(op.from, op.to), op.amount + 1n)),
              predict: () => model.predictMoves([[op.from, other(op.from, op.to), op.amount]]),
            },
            label,
          );
          break;
        case 'chain': {
          const b = other(op.a, op.b);
          const c = other(b, op.c);
          const chain = (first: bigint) => () =>
            ctx.engine.submit({
              poolId: pool.poolId,
              idempotencyKey: key,
              transfers: [move(op.a, b, first), move(b, c, op.second)],
            });
          await attempt(
            {
              key,
              descriptor: label,
              run: chain(op.first),
              mutant: chain(op.first + 1n),
              predict: () =>
                model.predictMoves([
                  [op.a, b, op.first],
                  [b, c, op.second],
                ]),
            },
            label,
          );
          break;
        }
        case 'hold': {
          // After the wait no new hold may time out mid-run: the model could not tell when it did.
          const short = op.short && !model.waited;
          const to = other(op.from, op.to);
          const place = (amountMicros: bigint) => async () => {
            const { hold, replayed } = await createHold(ctx, {
              poolId: pool.poolId,
              payerAccountId: accountOf(op.from),
              payeeAccountId: accountOf(to),
              amountMicros,
              timeoutSeconds: short ? SHORT_TIMEOUT_SECONDS : LONG_TIMEOUT_SECONDS,
              idempotencyKey: key,
            });
            return { transfers: [hold], replayed };
          };
          await attempt(
            {
              key,
              descriptor: label,
              run: place(op.amount),
              mutant: place(op.amount + 1n),
              predict: () => {
                if (op.from === to) return { ok: false, code: 'SAME_ACCOUNT' };
                if (model.available(op.from) < op.amount) return { ok: false, code: 'INSUFFICIENT_FUNDS' };
                return {
                  ok: true,
                  apply: ([hold]) => {
                    assert.ok(hold?.timeoutAt);
                    model.debitsPending[op.from] = (model.debitsPending[op.from] ?? 0n) + op.amount;
                    model.creditsPending[to] = (model.creditsPending[to] ?? 0n) + op.amount;
                    model.holds.push({
                      id: hold.id,
                      from: op.from,
                      to,
                      amount: op.amount,
                      short,
                      timeoutAtMs: hold.timeoutAt.getTime(),
                      status: 'pending',
                    });
                  },
                };
              },
            },
            label,
          );
          break;
        }
        case 'release': {
          const hold = holdAt(op.h);
          if (!hold || model.uncertain(hold)) continue;
          const gross = op.perMille === null ? hold.amount : (hold.amount * BigInt(op.perMille)) / 1000n || 1n;
          const release = (amountMicros: bigint | undefined) => async () => {
            const result = await releaseHold(ctx, {
              holdId: hold.id,
              amountMicros,
              feeBps: op.feeBps,
              idempotencyKey: key,
            });
            const grossMicros = amountMicros ?? hold.amount;
            const feeMicros = feeOf(grossMicros, op.feeBps);
            assert.equal(result.returnedMicros, hold.amount - grossMicros);
            assert.equal(result.fee?.amountMicros ?? 0n, feeMicros);
            assert.equal(result.posted.amountMicros, grossMicros - feeMicros, 'the payee receives gross − fee');
            if (result.fee) {
              // The fee leaves the payer's released funds, in the release's chain.
              assert.equal(result.fee.debitAccountId, accountOf(hold.from));
              assert.equal(result.fee.creditAccountId, fee.id);
              assert.equal(result.fee.code, 'platform_fee');
              assert.ok(result.posted.linkedId && result.fee.linkedId === result.posted.linkedId);
            }
            return { transfers: result.fee ? [result.posted, result.fee] : [result.posted], replayed: result.replayed };
          };
          await attempt(
            {
              key,
              descriptor: label,
              run: release(op.perMille === null ? undefined : gross),
              mutant: release(gross === 1n ? 2n : gross - 1n),
              predict: () => {
                const refusal = model.resolutionRefusal(hold, 'post');
                if (refusal) return { ok: false, code: refusal };
                if (gross > hold.amount) return { ok: false, code: 'HOLD_AMOUNT_EXCEEDED' };
                // A fee that would take the whole released amount is refused rather than posting nothing.
                if (feeOf(gross, op.feeBps) >= gross) return { ok: false, code: 'INVALID_AMOUNT' };
                return {
                  ok: true,
                  apply: () => {
                    const feeMicros = feeOf(gross, op.feeBps);
                    model.unreserve(hold);
                    model.posted[hold.from] = (model.posted[hold.from] ?? 0n) - gross;
                    model.posted[hold.to] = (model.posted[hold.to] ?? 0n) + gross - feeMicros;
                    model.feeMicros += feeMicros;
                    hold.status = 'posted';
                  },
                };
              },
            },
            label,
          );
          break;
        }
        case 'void': {
          const hold = holdAt(op.h);
          if (!hold || model.uncertain(hold)) continue;
          const cancel = (memo?: string) => async () => {
            const { voided, replayed } = await voidHold(ctx, { holdId: hold.id, idempotencyKey: key, memo });
            return { transfers: [voided], replayed };
          };
          await attempt(
            {
              key,
              descriptor: label,
              run: cancel(),
              mutant: cancel('another memo'),
              predict: () => {
                const refusal = model.resolutionRefusal(hold, 'void');
                if (refusal) return { ok: false, code: refusal };
                return {
                  ok: true,
                  apply: () => {
                    model.unreserve(hold);
                    hold.status = 'voided';
                  },
                };
              },
            },
            label,
          );
          break;
        }
        case 'expire': {
          const hold = holdAt(op.h, true);
          if (!hold || model.uncertain(hold)) continue;
          // The sweep's own key: an expiry the sweep already wrote replays.
          const expireKey = `expire:${hold.id}`;
          await attempt(
            {
              key: expireKey,
              descriptor: 'expire',
              run: () => submitOne(expireKey, { type: 'expire', holdId: hold.id }),
              mutant: () => submitOne(expireKey, { type: 'void', holdId: hold.id }),
              predict: () => {
                const refusal = model.resolutionRefusal(hold, 'expire');
                if (refusal) return { ok: false, code: refusal };
                return {
                  ok: true,
                  apply: () => {
                    model.unreserve(hold);
                    hold.status = 'expired';
                  },
                };
              },
            },
            label,
          );
          break;
        }
        case 'sweep': {
          if (model.holds.some((hold) => model.uncertain(hold) && hold.status === 'pending')) continue;
          const due = model.holds.filter((hold) => hold.status === 'pending' && model.timedOut(hold));
          // Other runs' pools may have due holds too; the sweep expires them as well.
          const expired = await expireDueHolds(ctx, { limit: 1_000 });
          assert.ok(expired >= due.length, `${label}: swept ${expired}, expected at least ${due.length}`);
          for (const hold of due) {
            const view = await store.getHold(hold.id);
            assert.equal(view?.resolution?.kind, 'expire_pending', label);
            model.unreserve(hold);
            hold.status = 'expired';
            model.keys.set(`expire:${hold.id}`, { descriptor: 'expire', ids: [view.resolution.id] });
          }
          trace.push(`${label} → expired ${due.length}`);
          count(`sweep expired ${due.length > 0 ? 'some' : 'none'}`);
          break;
        }
        case 'wait': {
          const short = model.holds.filter((hold) => hold.short);
          if (model.waited || short.length === 0) continue;
          const untilMs = Math.max(...short.map((hold) => hold.timeoutAtMs)) + 150;
          await sleep(Math.max(0, untilMs - Date.now()));
          model.waited = true;
          trace.push(`${label} → waited`);
          count('waited');
          break;
        }
        case 'retry': {
          const earlier = model.accepted[op.k % Math.max(1, model.accepted.length)];
          if (!earlier) continue;
          await attempt(earlier, `${label} of ${earlier.key}`);
          break;
        }
        case 'reuse': {
          const earlier = model.accepted[op.k % Math.max(1, model.accepted.length)];
          if (!earlier) continue;
          await attempt(
            {
              ...earlier,
              descriptor: `${earlier.descriptor} (changed)`,
              run: async () => {
                await earlier.mutant();
                return assert.fail('a changed request under a used key was accepted');
              },
            },
            `${label} of ${earlier.key}`,
          );
          break;
        }
      }
      await check(label);
    }

    for (const hold of model.holds) {
      const view = await store.getHold(hold.id);
      const kind = view?.resolution?.kind ?? null;
      const expectedKind = {
        pending: null,
        posted: 'post_pending',
        voided: 'void_pending',
        expired: 'expire_pending',
      }[hold.status];
      assert.equal(kind, expectedKind, hold.id);
    }
    const report = await verifyLedger(ctx);
    assert.equal(
      report.ok,
      true,
      JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)),
    );
  } finally {
    await ctx.engine.idle();
    await pgPool.end();
  }
}

/**
 * A run: some operations, then (in about half of the runs) one wait until every short hold has timed out, then more
 * operations, which now see those holds as expired. One wait at most keeps a run near a second.
 */
const runArb = fc
  .record({
    first: fc.array(opArb, { minLength: 5, maxLength: 15, size: 'max' }),
    wait: fc.boolean(),
    /** Runs that wait place a small short hold first, so that there is something to expire. */
    due: fc.record({
      from: memberArb,
      to: fc.integer({ min: 1, max: MEMBERS - 1 }),
      amount: fc.bigInt({ min: 1n, max: UNIT }),
    }),
    then: fc.array(opArb, { minLength: 5, maxLength: 15, size: 'max' }),
  })
  .map(({ first, wait, due, then }): Op[] =>
    wait ? [{ t: 'hold', short: true, ...due }, ...first, { t: 'wait' }, ...then] : [...first, ...then],
  );

test('random sequences of ledger operations match a plain model, step by step', async (t) => {
  await fc.assert(
    fc.asyncProperty(runArb, (ops) => runScenario(ops)),
    { numRuns: 25 },
  );
  assert.ok(runCounter >= 25);
  t.diagnostic(JSON.stringify(Object.fromEntries([...outcomes].sort())));
  // The sequences exercised acceptance, refusal and replay, not just one of them.
  for (const outcome of [
    'transfer ok',
    'hold ok',
    'release ok',
    'INSUFFICIENT_FUNDS',
    'replayed',
    'IDEMPOTENCY_KEY_REUSED',
  ]) {
    assert.ok((outcomes.get(outcome) ?? 0) > 0, `no ${outcome} in any run`);
  }
});
