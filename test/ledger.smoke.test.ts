import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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

test('deposit, hold, partial release with fee', async () => {
  const pool = await createPool(db);
  const [alice, bob] = await createMembers(db, pool, 2);
  assert.ok(alice && bob);
  await recordDeposit(db.ctx, {
    poolId: pool.poolId,
    currency: pool.currency,
    memberAccountId: alice.accountId,
    amountMicros: 5_000_000n,
    reference: 'smoke-1',
  });
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
  assert.equal(release.returnedMicros, 500_000n);
  assert.equal(release.fee?.amountMicros, 150_000n);
  const a = balanceOf((await db.ctx.store.getAccount(alice.accountId))!);
  const b = balanceOf((await db.ctx.store.getAccount(bob.accountId))!);
  assert.deepEqual(a, { postedMicros: 3_500_000n, pendingMicros: 0n, availableMicros: 3_500_000n });
  assert.deepEqual(b, { postedMicros: 1_350_000n, pendingMicros: 0n, availableMicros: 1_350_000n });
  const report = await verifyLedger(db.ctx);
  assert.equal(report.ok, true, JSON.stringify(report, null, 2));
});
