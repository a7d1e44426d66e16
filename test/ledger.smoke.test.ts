import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isAppError } from '../core/errors.ts';
import { platformAccounts } from '../core/ledger/context.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { releaseHold } from '../core/ledger/release-hold.ts';
import { balanceOf } from '../core/ledger/types.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { createMembers, createPool, createTestDatabase, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

async function posted(accountId: string): Promise<bigint> {
  const account = await db.ctx.store.getAccount(accountId);
  assert.ok(account);
  return balanceOf(account).postedMicros;
}

async function transferCount(poolId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'select count(*)::int n from ledger_transfers where pool_id = $1',
    [poolId],
  );
  return rows[0]?.n ?? -1;
}

/** A pool with alice funded with `micros` and bob empty. */
async function funded(reference: string, micros: bigint) {
  const pool = await createPool(db);
  const [alice, bob] = await createMembers(db, pool, 2);
  assert.ok(alice && bob);
  await recordDeposit(db.ctx, {
    poolId: pool.poolId,
    currency: pool.currency,
    memberAccountId: alice.accountId,
    amountMicros: micros,
    reference,
  });
  return { pool, alice, bob };
}

test('deposit, hold, partial release with fee', async () => {
  const { pool, alice, bob } = await funded('smoke-1', 5_000_000n);
  const fee = (await platformAccounts(db.ctx, pool.currency)).fee;
  const feeBefore = await posted(fee.id);
  const { hold } = await createHold(db.ctx, {
    poolId: pool.poolId,
    payerAccountId: alice.accountId,
    payeeAccountId: bob.accountId,
    amountMicros: 2_000_000n,
    timeoutSeconds: 60,
    idempotencyKey: 'smoke-hold',
  });
  const release = await releaseHold(db.ctx, {
    holdId: hold.id,
    amountMicros: 1_500_000n,
    feeBps: 1000,
    idempotencyKey: 'smoke-release',
  });
  // 1.5 of the 2 held released: 1.35 reaches bob, 0.15 (10%) leaves alice's released funds for the platform, 0.5
  // returns to alice.
  assert.equal(release.returnedMicros, 500_000n);
  assert.equal(release.posted.kind, 'post_pending');
  assert.equal(release.posted.amountMicros, 1_350_000n);
  assert.equal(release.fee?.amountMicros, 150_000n);
  assert.equal(release.fee?.debitAccountId, alice.accountId);
  assert.equal(release.fee?.creditAccountId, fee.id);
  assert.ok(release.posted.linkedId && release.fee?.linkedId === release.posted.linkedId);
  assert.equal(release.replayed, false);
  const a = balanceOf((await db.ctx.store.getAccount(alice.accountId))!);
  const b = balanceOf((await db.ctx.store.getAccount(bob.accountId))!);
  assert.deepEqual(a, { postedMicros: 3_500_000n, pendingMicros: 0n, availableMicros: 3_500_000n });
  assert.deepEqual(b, { postedMicros: 1_350_000n, pendingMicros: 0n, availableMicros: 1_350_000n });
  assert.equal((await posted(fee.id)) - feeBefore, 150_000n);

  const again = await releaseHold(db.ctx, {
    holdId: hold.id,
    amountMicros: 1_500_000n,
    feeBps: 1000,
    idempotencyKey: 'smoke-release',
  });
  assert.deepEqual(again, { ...release, replayed: true });
  const report = await verifyLedger(db.ctx);
  assert.equal(report.ok, true, JSON.stringify(report, null, 2));
});

test('a release whose fee would take all of it is refused; the fee can go to a named account', async () => {
  const { pool, alice, bob } = await funded('smoke-2', 1_000_000n);
  const { hold } = await createHold(db.ctx, {
    poolId: pool.poolId,
    payerAccountId: alice.accountId,
    payeeAccountId: bob.accountId,
    amountMicros: 1_000_000n,
    timeoutSeconds: 60,
    idempotencyKey: 'smoke-2-hold',
  });
  const count = await transferCount(pool.poolId);
  await assert.rejects(
    releaseHold(db.ctx, { holdId: hold.id, feeBps: 10_000, idempotencyKey: 'smoke-2-all-fee' }),
    (error) => isAppError(error, 'INVALID_AMOUNT'),
  );
  assert.equal(await transferCount(pool.poolId), count);
  assert.equal((await db.ctx.store.getHold(hold.id))?.resolution, null, 'the hold stays pending');

  const treasury = await db.ctx.store.openAccount({
    poolId: pool.poolId,
    currency: pool.currency,
    kind: 'treasury',
    userId: null,
  });
  // 5% of 0.3 = 0.015 to the treasury; 0.7 not released returns to alice.
  const release = await releaseHold(db.ctx, {
    holdId: hold.id,
    amountMicros: 300_000n,
    feeBps: 500,
    feeAccountId: treasury.id,
    idempotencyKey: 'smoke-2-release',
  });
  assert.equal(release.posted.amountMicros, 285_000n);
  assert.equal(release.fee?.creditAccountId, treasury.id);
  assert.equal(release.fee?.amountMicros, 15_000n);
  assert.equal(release.returnedMicros, 700_000n);
  assert.deepEqual(await Promise.all([alice.accountId, bob.accountId, treasury.id].map(posted)), [
    700_000n,
    285_000n,
    15_000n,
  ]);
  const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
  assert.equal(report.ok, true, JSON.stringify(report, null, 2));
});

test('idempotency keys are 1..200 printable ASCII characters, else VALIDATION_FAILED and nothing is written', async () => {
  const { pool, alice, bob } = await funded('smoke-3', 1_000_000n);
  const command = (idempotencyKey: string) =>
    db.ctx.engine.submit({
      poolId: pool.poolId,
      idempotencyKey,
      transfers: [
        {
          type: 'transfer',
          debitAccountId: alice.accountId,
          creditAccountId: bob.accountId,
          amountMicros: 1_000n,
          code: 'payment',
        },
      ],
    });
  const count = await transferCount(pool.poolId);
  for (const key of ['', 'k'.repeat(201), 'clé', 'tab\there', 'line\nbreak', 'nul\u0000', 'del\u007f']) {
    await assert.rejects(command(key), (error) => isAppError(error, 'VALIDATION_FAILED'), JSON.stringify(key));
  }
  assert.equal(await transferCount(pool.poolId), count);
  assert.equal(await posted(bob.accountId), 0n);

  // The edges of the range are accepted and replay, quotes and backslashes included.
  for (const key of ['k'.repeat(200), ' ', `a'b"c\\d{e},NULL~`]) {
    const first = await command(key);
    assert.equal(first.replayed, false, JSON.stringify(key));
    const second = await command(key);
    assert.equal(second.replayed, true, JSON.stringify(key));
    assert.deepEqual(
      second.transfers.map((t) => t.id),
      first.transfers.map((t) => t.id),
    );
  }
  assert.equal(await posted(bob.accountId), 3_000n);
});

test('an unknown pool, an overlong memo and a malformed code fail as business errors and write nothing', async () => {
  const pool = await createPool(db);
  const [alice, bob] = await createMembers(db, pool, 2);
  assert.ok(alice && bob);
  await recordDeposit(db.ctx, {
    poolId: pool.poolId,
    currency: pool.currency,
    memberAccountId: alice.accountId,
    amountMicros: 10_000n,
    reference: 'smoke-limits',
  });
  const before = await transferCount(pool.poolId);
  const pay = (overrides: { poolId?: string; memo?: string; code?: string }, key: string) =>
    db.ctx.engine.submit({
      poolId: overrides.poolId ?? pool.poolId,
      idempotencyKey: key,
      transfers: [
        {
          type: 'transfer',
          debitAccountId: alice.accountId,
          creditAccountId: bob.accountId,
          amountMicros: 1_000n,
          code: overrides.code ?? 'payment',
          memo: overrides.memo,
        },
      ],
    });
  await assert.rejects(pay({ poolId: '01a20a43-0000-7000-8000-000000000000' }, 'limits-pool'), (error) =>
    isAppError(error, 'POOL_NOT_FOUND'),
  );
  await assert.rejects(pay({ memo: 'x'.repeat(501) }, 'limits-memo'), (error) =>
    isAppError(error, 'VALIDATION_FAILED'),
  );
  await assert.rejects(pay({ code: 'has spaces' }, 'limits-code'), (error) => isAppError(error, 'VALIDATION_FAILED'));
  assert.equal(await transferCount(pool.poolId), before);
  // The same batch carries on for the commands that are fine.
  const ok = await pay({ memo: 'y'.repeat(500) }, 'limits-ok');
  assert.equal(ok.transfers[0]?.memo.length, 500);
  assert.equal((await verifyLedger(db.ctx)).ok, true);
});
