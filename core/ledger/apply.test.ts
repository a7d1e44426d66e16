import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_MICROS } from '../money/amount.ts';
import { applyCommand, type ApplyOutcome, type BatchState, type HoldRecord } from './apply.ts';
import {
  balanceOf,
  MAX_CHAIN_LENGTH,
  MAX_HOLD_TIMEOUT_SECONDS,
  type Account,
  type AccountKind,
  type Transfer,
  type TransferInput,
} from './types.ts';

const POOL = '00000000-0000-7000-8000-00000000000a';
const OTHER_POOL = '00000000-0000-7000-8000-00000000000b';
const NOW_MS = Date.UTC(2030, 0, 1);

let nextId = 1;
const id = () => `00000000-0000-7000-8000-${(nextId++).toString(16).padStart(12, '0')}`;

function account(overrides: Partial<Account> & { creditsPostedMicros?: bigint } = {}): Account {
  const kind: AccountKind = overrides.kind ?? 'member';
  return {
    id: id(),
    poolId: POOL,
    currency: 'PRC',
    kind,
    userId: kind === 'member' ? id() : null,
    noOverdraft: !['custodial', 'external'].includes(kind),
    debitsPendingMicros: 0n,
    debitsPostedMicros: 0n,
    creditsPendingMicros: 0n,
    creditsPostedMicros: 0n,
    ...overrides,
  };
}

function stateOf(accounts: Account[], holds: Transfer[] = [], nowMs = NOW_MS): BatchState {
  return {
    nowMs,
    accounts: new Map(accounts.map((a) => [a.id, a])),
    holds: new Map(holds.map((h): [string, HoldRecord] => [h.id, { transfer: h, resolution: null }])),
  };
}

/** A deep copy good enough for deepEqual: accounts and hold records are flat objects of primitives and Dates. */
function snapshot(state: BatchState) {
  return {
    nowMs: state.nowMs,
    accounts: new Map([...state.accounts].map(([k, v]) => [k, { ...v }])),
    holds: new Map([...state.holds].map(([k, v]) => [k, { ...v, transfer: { ...v.transfer } }])),
  };
}

function run(state: BatchState, transfers: TransferInput[], poolId = POOL): ApplyOutcome {
  return applyCommand(state, { poolId, idempotencyKey: 'k', transfers });
}

function expectFailure(outcome: ApplyOutcome, code: string, index = 0): void {
  assert.deepEqual(outcome, { ok: false, code, index });
}

const transfer = (from: Account, to: Account, amountMicros: bigint, memo?: string): TransferInput => ({
  type: 'transfer',
  debitAccountId: from.id,
  creditAccountId: to.id,
  amountMicros,
  code: 'test',
  memo,
});

const hold = (from: Account, to: Account, amountMicros: bigint, timeoutSeconds = 60): TransferInput => ({
  type: 'hold',
  debitAccountId: from.id,
  creditAccountId: to.id,
  amountMicros,
  timeoutSeconds,
  code: 'test-hold',
});

/** Places a hold through applyCommand and loads it into the state as the next batch would. */
function placeHold(state: BatchState, from: Account, to: Account, amountMicros: bigint, timeoutSeconds = 60) {
  const outcome = run(state, [hold(from, to, amountMicros, timeoutSeconds)]);
  assert.ok(outcome.ok);
  const draft = outcome.transfers[0];
  assert.ok(draft);
  const sealed: Transfer = { ...draft, lane: 0, seq: 1n, prevHash: '0', hash: '1' };
  state.holds.set(sealed.id, { transfer: sealed, resolution: null });
  return sealed;
}

const bal = (state: BatchState, a: Account) => balanceOf(state.accounts.get(a.id) as Account);

describe('applyCommand: single transfers', () => {
  test('moves posted money', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const outcome = run(state, [transfer(alice, bob, 400n, 'rent')]);
    assert.ok(outcome.ok);
    assert.equal(outcome.transfers.length, 1);
    const [draft] = outcome.transfers;
    assert.equal(draft?.kind, 'posted');
    assert.equal(draft?.amountMicros, 400n);
    assert.equal(draft?.memo, 'rent');
    assert.equal(draft?.linkedId, null, 'a single transfer is not linked');
    assert.equal(draft?.createdAt.getTime(), NOW_MS);
    assert.deepEqual(bal(state, alice), { postedMicros: 600n, pendingMicros: 0n, availableMicros: 600n });
    assert.deepEqual(bal(state, bob), { postedMicros: 400n, pendingMicros: 0n, availableMicros: 400n });
    assert.equal(draft?.debitAccountId, alice.id);
    assert.equal(draft?.creditAccountId, bob.id);
  });

  test('INSUFFICIENT_FUNDS when the debit exceeds available, counting pending debits', () => {
    const alice = account({ creditsPostedMicros: 1_000n, debitsPendingMicros: 300n });
    const bob = account({ creditsPendingMicros: 300n });
    const state = stateOf([alice, bob]);
    const before = snapshot(state);
    expectFailure(run(state, [transfer(alice, bob, 701n)]), 'INSUFFICIENT_FUNDS');
    assert.deepEqual(snapshot(state), before);
    // Exactly the available amount is fine.
    assert.ok(run(state, [transfer(alice, bob, 700n)]).ok);
    assert.equal(bal(state, alice).availableMicros, 0n);
  });

  test('accounts that may overdraw (custodial, external) go below zero', () => {
    const external = account({ kind: 'external', poolId: null });
    const bob = account();
    const state = stateOf([external, bob]);
    assert.ok(run(state, [transfer(external, bob, 5_000n)]).ok);
    assert.equal(bal(state, external).postedMicros, -5_000n);
  });

  test('SAME_ACCOUNT, ACCOUNT_NOT_FOUND and INVALID_AMOUNT', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const ghost = account();
    const state = stateOf([alice, bob]);
    const before = snapshot(state);
    expectFailure(run(state, [transfer(alice, alice, 1n)]), 'SAME_ACCOUNT');
    expectFailure(run(state, [transfer(alice, ghost, 1n)]), 'ACCOUNT_NOT_FOUND');
    expectFailure(run(state, [transfer(ghost, bob, 1n)]), 'ACCOUNT_NOT_FOUND');
    expectFailure(run(state, [transfer(alice, bob, 0n)]), 'INVALID_AMOUNT');
    expectFailure(run(state, [transfer(alice, bob, -5n)]), 'INVALID_AMOUNT');
    expectFailure(run(state, [transfer(alice, bob, MAX_MICROS + 1n)]), 'INVALID_AMOUNT');
    assert.deepEqual(snapshot(state), before);
  });

  test('CURRENCY_MISMATCH between the two accounts', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const euro = account({ currency: 'EUR' });
    const state = stateOf([alice, euro]);
    const before = snapshot(state);
    expectFailure(run(state, [transfer(alice, euro, 1n)]), 'CURRENCY_MISMATCH');
    expectFailure(run(state, [hold(alice, euro, 1n)]), 'CURRENCY_MISMATCH');
    assert.deepEqual(snapshot(state), before);
  });

  test('POOL_MISMATCH for an account of another pool; platform accounts serve every pool', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const stranger = account({ poolId: OTHER_POOL });
    const fee = account({ kind: 'platform_fee', poolId: null });
    const state = stateOf([alice, stranger, fee]);
    const before = snapshot(state);
    expectFailure(run(state, [transfer(alice, stranger, 1n)]), 'POOL_MISMATCH');
    expectFailure(run(state, [transfer(alice, fee, 1n)], OTHER_POOL), 'POOL_MISMATCH');
    assert.deepEqual(snapshot(state), before);
    assert.ok(run(state, [transfer(alice, fee, 1n)]).ok);
    assert.equal(bal(state, fee).postedMicros, 1n);
  });

  test('AMOUNT_OVERFLOW when a total would pass the largest storable amount', () => {
    const external = account({ kind: 'external', poolId: null, debitsPostedMicros: MAX_MICROS - 10n });
    const bob = account();
    const state = stateOf([external, bob]);
    const before = snapshot(state);
    expectFailure(run(state, [transfer(external, bob, 11n)]), 'AMOUNT_OVERFLOW');
    assert.deepEqual(snapshot(state), before);
    assert.ok(run(state, [transfer(external, bob, 10n)]).ok);
  });

  test('INVALID_CHAIN for an empty chain or one longer than the ledger takes', () => {
    const alice = account({ creditsPostedMicros: 1_000_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    expectFailure(run(state, []), 'INVALID_CHAIN');
    const tooLong = Array.from({ length: MAX_CHAIN_LENGTH + 1 }, () => transfer(alice, bob, 1n));
    expectFailure(run(state, tooLong), 'INVALID_CHAIN');
    assert.equal(bal(state, alice).postedMicros, 1_000_000n);
    const longest = Array.from({ length: MAX_CHAIN_LENGTH }, () => transfer(alice, bob, 1n));
    assert.ok(run(state, longest).ok);
    assert.equal(bal(state, bob).postedMicros, BigInt(MAX_CHAIN_LENGTH));
  });
});

describe('applyCommand: linked chains', () => {
  test('all transfers share one linkedId and apply in order', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const carol = account();
    const state = stateOf([alice, bob, carol]);
    // bob can pay carol only because alice paid bob earlier in the same chain.
    const outcome = run(state, [transfer(alice, bob, 1_000n), transfer(bob, carol, 900n)]);
    assert.ok(outcome.ok);
    const [first, second] = outcome.transfers;
    assert.ok(first?.linkedId);
    assert.equal(second?.linkedId, first.linkedId);
    assert.notEqual(first.id, second?.id);
    assert.deepEqual(
      [alice, bob, carol].map((a) => bal(state, a).postedMicros),
      [0n, 100n, 900n],
    );
  });

  test('a failure anywhere in the chain leaves the state exactly as before (all or nothing)', () => {
    const buyer = account({ creditsPostedMicros: 1_000n });
    const seller = account();
    const fee = account({ kind: 'platform_fee', poolId: null });
    const owner = account({ kind: 'treasury' });
    const pending = account({ creditsPostedMicros: 500n });
    const state = stateOf([buyer, seller, fee, owner, pending]);
    const existing = placeHold(state, pending, seller, 200n);
    const before = snapshot(state);

    // Purchase: seller proceeds, fee and owner cut; the owner cut is more than the buyer has left.
    expectFailure(
      run(state, [transfer(buyer, seller, 900n), transfer(buyer, fee, 90n), transfer(buyer, owner, 11n)]),
      'INSUFFICIENT_FUNDS',
      2,
    );
    assert.deepEqual(snapshot(state), before);

    // A resolution inside a failing chain is rolled back too: the hold stays pending.
    expectFailure(
      run(state, [{ type: 'post', holdId: existing.id }, transfer(seller, fee, 1n), transfer(seller, seller, 1n)]),
      'SAME_ACCOUNT',
      2,
    );
    assert.deepEqual(snapshot(state), before);
    assert.equal(state.holds.get(existing.id)?.resolution, null);

    // The same account touched twice before the failure is restored to its first value.
    expectFailure(
      run(state, [transfer(buyer, seller, 100n), transfer(buyer, seller, 100n), { type: 'void', holdId: 'nope' }]),
      'HOLD_NOT_FOUND',
      2,
    );
    assert.deepEqual(snapshot(state), before);

    // And the chain that fits goes through whole.
    const outcome = run(state, [transfer(buyer, seller, 900n), transfer(buyer, fee, 90n), transfer(buyer, owner, 10n)]);
    assert.ok(outcome.ok);
    assert.equal(outcome.transfers.length, 3);
    const linked = new Set(outcome.transfers.map((t) => t.linkedId));
    assert.equal(linked.size, 1, 'one chain id');
    assert.ok(!linked.has(null));
    assert.equal(bal(state, buyer).postedMicros, 0n);
  });

  test('a hold resolved twice in one chain fails at the second resolution', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const h = placeHold(state, alice, bob, 500n);
    const before = snapshot(state);
    expectFailure(
      run(state, [
        { type: 'post', holdId: h.id, amountMicros: 100n },
        { type: 'void', holdId: h.id },
      ]),
      'HOLD_ALREADY_POSTED',
      1,
    );
    assert.deepEqual(snapshot(state), before);
  });
});

describe('applyCommand: holds', () => {
  test('a hold reserves funds: pending debits count against available', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const outcome = run(state, [hold(alice, bob, 600n, 30)]);
    assert.ok(outcome.ok);
    const [draft] = outcome.transfers;
    assert.equal(draft?.kind, 'pending');
    assert.equal(draft?.timeoutAt?.getTime(), NOW_MS + 30_000);
    assert.deepEqual(bal(state, alice), { postedMicros: 1_000n, pendingMicros: 600n, availableMicros: 400n });
    assert.equal(state.accounts.get(bob.id)?.creditsPendingMicros, 600n);
    assert.equal(bal(state, bob).postedMicros, 0n);
    assert.equal(draft?.pendingId, null);
    expectFailure(run(state, [hold(alice, bob, 401n)]), 'INSUFFICIENT_FUNDS');
    expectFailure(run(state, [transfer(alice, bob, 401n)]), 'INSUFFICIENT_FUNDS');
  });

  test('INVALID_TIMEOUT outside 1 second .. 1 year or not whole seconds', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const before = snapshot(state);
    for (const seconds of [0, -1, 0.5, 1.5, MAX_HOLD_TIMEOUT_SECONDS + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectFailure(run(state, [hold(alice, bob, 1n, seconds)]), 'INVALID_TIMEOUT');
    }
    assert.deepEqual(snapshot(state), before);
    assert.ok(run(state, [hold(alice, bob, 1n, 1)]).ok);
    assert.ok(run(state, [hold(alice, bob, 1n, MAX_HOLD_TIMEOUT_SECONDS)]).ok);
  });

  test('full post moves the whole hold with nothing returned and no fee leg', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const h = placeHold(state, alice, bob, 600n);
    const outcome = run(state, [{ type: 'post', holdId: h.id }]);
    assert.ok(outcome.ok);
    const [posted] = outcome.transfers;
    assert.equal(posted?.kind, 'post_pending');
    assert.equal(posted?.pendingId, h.id);
    assert.equal(posted?.amountMicros, 600n);
    assert.equal(posted?.debitAccountId, alice.id);
    assert.equal(posted?.creditAccountId, bob.id);
    assert.deepEqual(bal(state, alice), { postedMicros: 400n, pendingMicros: 0n, availableMicros: 400n });
    assert.deepEqual(bal(state, bob), { postedMicros: 600n, pendingMicros: 0n, availableMicros: 600n });
    assert.equal(state.accounts.get(bob.id)?.creditsPendingMicros, 0n);
    assert.equal(state.holds.get(h.id)?.resolution, 'post_pending');
    assert.equal(outcome.transfers.length, 1, 'no fee asked, no fee leg');
  });

  test('partial post moves part and returns the remainder to the payer', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const h = placeHold(state, alice, bob, 600n);
    const outcome = run(state, [{ type: 'post', holdId: h.id, amountMicros: 250n }]);
    assert.ok(outcome.ok);
    assert.equal(outcome.transfers[0]?.amountMicros, 250n);
    assert.deepEqual(bal(state, alice), { postedMicros: 750n, pendingMicros: 0n, availableMicros: 750n });
    assert.deepEqual(bal(state, bob), { postedMicros: 250n, pendingMicros: 0n, availableMicros: 250n });
    assert.equal(state.accounts.get(alice.id)?.debitsPendingMicros, 0n, 'the remainder 350 no longer reserved');
  });

  test('HOLD_AMOUNT_EXCEEDED for a post above the hold; INVALID_AMOUNT for zero; nothing moves', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const h = placeHold(state, alice, bob, 600n);
    const before = snapshot(state);
    expectFailure(run(state, [{ type: 'post', holdId: h.id, amountMicros: 601n }]), 'HOLD_AMOUNT_EXCEEDED');
    expectFailure(run(state, [{ type: 'post', holdId: h.id, amountMicros: 0n }]), 'INVALID_AMOUNT');
    expectFailure(run(state, [{ type: 'post', holdId: h.id, amountMicros: -1n }]), 'INVALID_AMOUNT');
    assert.deepEqual(snapshot(state), before);
    assert.ok(run(state, [{ type: 'post', holdId: h.id, amountMicros: 600n }]).ok);
  });

  test('void returns everything; a resolved hold refuses every further resolution', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const voided = placeHold(state, alice, bob, 600n);
    const outcome = run(state, [{ type: 'void', holdId: voided.id, memo: 'changed my mind' }]);
    assert.ok(outcome.ok);
    assert.equal(outcome.transfers[0]?.kind, 'void_pending');
    assert.equal(outcome.transfers[0]?.amountMicros, 600n);
    assert.equal(outcome.transfers[0]?.pendingId, voided.id);
    assert.deepEqual(bal(state, alice), { postedMicros: 1_000n, pendingMicros: 0n, availableMicros: 1_000n });

    const posted = placeHold(state, alice, bob, 100n);
    assert.ok(run(state, [{ type: 'post', holdId: posted.id }]).ok);
    const before = snapshot(state);
    expectFailure(run(state, [{ type: 'post', holdId: voided.id }]), 'HOLD_ALREADY_VOIDED');
    expectFailure(run(state, [{ type: 'void', holdId: voided.id }]), 'HOLD_ALREADY_VOIDED');
    expectFailure(run(state, [{ type: 'post', holdId: posted.id }]), 'HOLD_ALREADY_POSTED');
    expectFailure(run(state, [{ type: 'void', holdId: posted.id }]), 'HOLD_ALREADY_POSTED');
    expectFailure(run(state, [{ type: 'expire', holdId: posted.id }]), 'HOLD_ALREADY_POSTED');
    assert.deepEqual(snapshot(state), before);
  });

  test('HOLD_NOT_FOUND and POOL_MISMATCH for resolutions', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const h = placeHold(state, alice, bob, 100n);
    const before = snapshot(state);
    expectFailure(run(state, [{ type: 'post', holdId: id() }]), 'HOLD_NOT_FOUND');
    expectFailure(run(state, [{ type: 'void', holdId: h.id }], OTHER_POOL), 'POOL_MISMATCH');
    assert.deepEqual(snapshot(state), before);
  });

  test('an expired hold can only expire: post and void fail HOLD_EXPIRED, then expire returns the funds', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const state = stateOf([alice, bob]);
    const h = placeHold(state, alice, bob, 600n, 10);
    const before = snapshot(state);
    expectFailure(run(state, [{ type: 'expire', holdId: h.id }]), 'HOLD_NOT_YET_EXPIRED');

    state.nowMs = NOW_MS + 10_000; // the timeout instant itself counts as passed
    before.nowMs = state.nowMs;
    expectFailure(run(state, [{ type: 'post', holdId: h.id }]), 'HOLD_EXPIRED');
    expectFailure(run(state, [{ type: 'post', holdId: h.id, amountMicros: 1n }]), 'HOLD_EXPIRED');
    expectFailure(run(state, [{ type: 'void', holdId: h.id }]), 'HOLD_EXPIRED');
    assert.deepEqual(snapshot(state), before);

    const outcome = run(state, [{ type: 'expire', holdId: h.id }]);
    assert.ok(outcome.ok);
    assert.equal(outcome.transfers[0]?.kind, 'expire_pending');
    assert.equal(outcome.transfers[0]?.amountMicros, 600n);
    assert.equal(outcome.transfers[0]?.pendingId, h.id);
    assert.deepEqual(bal(state, alice), { postedMicros: 1_000n, pendingMicros: 0n, availableMicros: 1_000n });
    expectFailure(run(state, [{ type: 'expire', holdId: h.id }]), 'HOLD_EXPIRED');
    expectFailure(run(state, [{ type: 'post', holdId: h.id }]), 'HOLD_EXPIRED');
  });

  test('a release with its fee as one chain: the payee gets gross − fee, the fee leaves the released funds', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const fee = account({ kind: 'platform_fee', poolId: null });
    const state = stateOf([alice, bob, fee]);
    const h = placeHold(state, alice, bob, 1_000n);
    const outcome = run(state, [
      { type: 'post', holdId: h.id, amountMicros: 800n, fee: { accountId: fee.id, amountMicros: 80n } },
    ]);
    assert.ok(outcome.ok);
    const [release, feeLeg] = outcome.transfers;
    assert.equal(release?.kind, 'post_pending');
    assert.equal(release?.amountMicros, 720n);
    assert.equal(feeLeg?.kind, 'posted');
    assert.equal(feeLeg?.code, 'platform_fee');
    assert.equal(feeLeg?.debitAccountId, alice.id);
    assert.equal(feeLeg?.creditAccountId, fee.id);
    assert.equal(feeLeg?.amountMicros, 80n);
    assert.ok(release?.linkedId && release.linkedId === feeLeg?.linkedId, 'the two legs share a chain id');
    assert.deepEqual(
      [alice, bob, fee].map((a) => bal(state, a).postedMicros),
      [200n, 720n, 80n],
    );
    assert.equal(bal(state, alice).pendingMicros, 0n, 'the 200 not released returned to the payer');

    // A fee of the whole released amount (or more) is refused and the hold stays pending.
    const h2 = placeHold(state, alice, bob, 200n);
    const before = snapshot(state);
    for (const amountMicros of [10n, 11n]) {
      expectFailure(
        run(state, [{ type: 'post', holdId: h2.id, amountMicros: 10n, fee: { accountId: fee.id, amountMicros } }]),
        'INVALID_AMOUNT',
      );
    }
    expectFailure(
      run(state, [{ type: 'post', holdId: h2.id, fee: { accountId: id(), amountMicros: 1n } }]),
      'ACCOUNT_NOT_FOUND',
    );
    expectFailure(
      run(state, [{ type: 'post', holdId: h2.id, fee: { accountId: alice.id, amountMicros: 1n } }]),
      'SAME_ACCOUNT',
    );
    expectFailure(
      run(state, [{ type: 'post', holdId: h2.id, amountMicros: 10n, fee: { accountId: fee.id, amountMicros: -1n } }]),
      'INVALID_AMOUNT',
    );
    assert.deepEqual(snapshot(state), before);

    // The fee account must keep the hold's currency and belong to the hold's pool (or to none).
    const euroFee = account({ kind: 'platform_fee', poolId: null, currency: 'EUR' });
    const strangerFee = account({ kind: 'treasury', poolId: OTHER_POOL });
    for (const a of [euroFee, strangerFee]) state.accounts.set(a.id, a);
    const beforeForeign = snapshot(state);
    expectFailure(
      run(state, [{ type: 'post', holdId: h2.id, fee: { accountId: euroFee.id, amountMicros: 1n } }]),
      'CURRENCY_MISMATCH',
    );
    expectFailure(
      run(state, [{ type: 'post', holdId: h2.id, fee: { accountId: strangerFee.id, amountMicros: 1n } }]),
      'POOL_MISMATCH',
    );
    assert.deepEqual(snapshot(state), beforeForeign);
    assert.equal(state.holds.get(h2.id)?.resolution, null);
  });

  test('a fee of zero writes no fee leg; a fee leg that cannot be credited rolls back the whole release', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const fee = account({ kind: 'platform_fee', poolId: null, creditsPostedMicros: MAX_MICROS - 5n });
    const state = stateOf([alice, bob, fee]);
    const h = placeHold(state, alice, bob, 100n);
    const before = snapshot(state);
    // The fee account would pass the largest storable amount: the resolution applied before the fee leg is undone.
    expectFailure(
      run(state, [{ type: 'post', holdId: h.id, fee: { accountId: fee.id, amountMicros: 6n } }]),
      'AMOUNT_OVERFLOW',
    );
    assert.deepEqual(snapshot(state), before);
    assert.equal(state.holds.get(h.id)?.resolution, null);

    const outcome = run(state, [{ type: 'post', holdId: h.id, fee: { accountId: fee.id, amountMicros: 0n } }]);
    assert.ok(outcome.ok);
    assert.equal(outcome.transfers.length, 1);
    assert.equal(outcome.transfers[0]?.amountMicros, 100n);
    assert.equal(outcome.transfers[0]?.linkedId, null, 'a lone release without a fee is not linked');
    assert.deepEqual(
      [alice, bob, fee].map((a) => bal(state, a).postedMicros),
      [900n, 100n, MAX_MICROS - 5n],
    );
  });

  test('a release with a fee inside a longer chain: both legs carry the chain id, the debit stays within the hold', () => {
    const alice = account({ creditsPostedMicros: 1_000n });
    const bob = account();
    const carol = account();
    const fee = account({ kind: 'platform_fee', poolId: null });
    const state = stateOf([alice, bob, carol, fee]);
    const h = placeHold(state, alice, bob, 500n);
    // Release 500 with a fee of 50, then bob passes on what he received (450) in the same chain.
    const outcome = run(state, [
      { type: 'post', holdId: h.id, fee: { accountId: fee.id, amountMicros: 50n } },
      transfer(bob, carol, 450n),
    ]);
    assert.ok(outcome.ok);
    assert.deepEqual(
      outcome.transfers.map((t) => [t.kind, t.amountMicros]),
      [
        ['post_pending', 450n],
        ['posted', 50n],
        ['posted', 450n],
      ],
    );
    const linked = new Set(outcome.transfers.map((t) => t.linkedId));
    assert.equal(linked.size, 1);
    assert.ok(!linked.has(null));
    const payer = state.accounts.get(alice.id) as Account;
    assert.equal(payer.debitsPostedMicros, 500n, 'release + fee = the gross, never more than the hold');
    assert.equal(payer.debitsPendingMicros, 0n);
    assert.deepEqual(
      [alice, bob, carol, fee].map((a) => bal(state, a).postedMicros),
      [500n, 0n, 450n, 50n],
    );
    // The payee cannot pass on the gross: only gross − fee reached him.
    const h2 = placeHold(state, alice, bob, 100n);
    const before = snapshot(state);
    expectFailure(
      run(state, [
        { type: 'post', holdId: h2.id, fee: { accountId: fee.id, amountMicros: 10n } },
        transfer(bob, carol, 91n),
      ]),
      'INSUFFICIENT_FUNDS',
      1,
    );
    assert.deepEqual(snapshot(state), before);
  });
});
