import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { transferHash } from '../core/ledger/chain.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { expireDueHolds } from '../core/ledger/expire-due-holds.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { releaseHold } from '../core/ledger/release-hold.ts';
import { reverseTransfer } from '../core/ledger/reverse-transfer.ts';
import { balanceOf, type Transfer } from '../core/ledger/types.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { voidHold } from '../core/ledger/void-hold.ts';
import { isAppError } from '../core/errors.ts';
import { createMembers, createPool, createTestDatabase, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

/** A pool with two funded members and a few transfers of every kind, so there are rows to attack. */
async function scenario(tag: string) {
  const pool = await createPool(db);
  const [alice, bob] = await createMembers(db, pool, 2);
  assert.ok(alice && bob);
  await recordDeposit(db.ctx, {
    poolId: pool.poolId,
    currency: pool.currency,
    memberAccountId: alice.accountId,
    amountMicros: 10_000_000n,
    reference: `${tag}-deposit`,
  });
  const paid = await db.ctx.engine.submit({
    poolId: pool.poolId,
    idempotencyKey: `${tag}-pay`,
    transfers: [
      {
        type: 'transfer',
        debitAccountId: alice.accountId,
        creditAccountId: bob.accountId,
        amountMicros: 3_000_000n,
        code: 'payment',
      },
    ],
  });
  const payment = paid.transfers[0];
  assert.ok(payment);
  const { hold } = await createHold(db.ctx, {
    poolId: pool.poolId,
    payerAccountId: alice.accountId,
    payeeAccountId: bob.accountId,
    amountMicros: 1_000_000n,
    timeoutSeconds: 3600,
    idempotencyKey: `${tag}-hold`,
  });
  return { pool, alice, bob, payment, hold };
}

async function balance(accountId: string) {
  const account = await db.ctx.store.getAccount(accountId);
  assert.ok(account, `account ${accountId} exists`);
  return balanceOf(account);
}

async function rowsOf(table: string, poolId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await db.pool.query<Record<string, unknown>>(
    `select * from ${table} where pool_id = $1 order by seq`,
    [poolId],
  );
  return rows;
}

async function transferRow(id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await db.pool.query<Record<string, unknown>>('select * from ledger_transfers where id = $1', [id]);
  return rows[0];
}

/**
 * Runs statements on one connection with the append-only trigger off, as a superuser tampering with history would.
 * Each statement must change exactly one row.
 */
async function tamper(...statements: [sql: string, params: unknown[]][]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('begin');
    await client.query('alter table ledger_transfers disable trigger ledger_transfers_append_only');
    for (const [sql, params] of statements) {
      const result = await client.query(sql, params);
      assert.equal(result.rowCount, 1, `the tampering statement changed one row: ${sql}`);
    }
    await client.query('alter table ledger_transfers enable trigger ledger_transfers_append_only');
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

function refusedBy(operation: string, table: string) {
  return (error: unknown) => {
    assert.equal((error as { code?: string }).code, 'P0001');
    assert.match(
      (error as Error).message,
      new RegExp(`ledger history is append-only: ${operation} on ${table} is refused`),
    );
    return true;
  };
}

describe('the database refuses to change ledger history', () => {
  let poolId: string;
  let payment: Transfer;
  before(async () => {
    const s = await scenario('refuse');
    poolId = s.pool.poolId;
    payment = s.payment;
    const checkpoints = await db.ctx.store.writeCheckpoints(poolId);
    assert.ok(checkpoints.length > 0, 'a checkpoint was written');
  });

  for (const table of ['ledger_transfers', 'ledger_checkpoints']) {
    test(`UPDATE, DELETE and TRUNCATE of ${table} fail with the trigger's error and change nothing`, async () => {
      const rowsBefore = await rowsOf(table, poolId);
      assert.ok(rowsBefore.length > 0);
      const setClause = table === 'ledger_transfers' ? 'amount = amount + 1' : "hash = 'forged'";
      await assert.rejects(
        db.pool.query(`update ${table} set ${setClause} where pool_id = $1`, [poolId]),
        refusedBy('UPDATE', table),
      );
      await assert.rejects(
        db.pool.query(`delete from ${table} where pool_id = $1`, [poolId]),
        refusedBy('DELETE', table),
      );
      await assert.rejects(db.pool.query(`truncate ${table} cascade`), refusedBy('TRUNCATE', table));
      assert.deepEqual(await rowsOf(table, poolId), rowsBefore);
    });
  }

  test('a single targeted UPDATE of one amount is refused too', async () => {
    await assert.rejects(
      db.pool.query('update ledger_transfers set amount = 1 where id = $1', [payment.id]),
      refusedBy('UPDATE', 'ledger_transfers'),
    );
    const report = await verifyLedger(db.ctx, { poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
  });
});

describe('corrections are reversing transfers', () => {
  test('reverseTransfer moves the same amount back and leaves the original row as it was', async () => {
    const { pool, alice, bob, payment, hold } = await scenario('reverse');
    const originalRow = await transferRow(payment.id);
    assert.ok(originalRow);
    const aliceBefore = await balance(alice.accountId);
    const bobBefore = await balance(bob.accountId);

    const reversal = await reverseTransfer(db.ctx, {
      poolId: pool.poolId,
      transfer: payment,
      idempotencyKey: 'reverse-1',
      memo: 'wrong recipient',
    });
    assert.equal(reversal.kind, 'posted');
    assert.equal(reversal.code, 'reversal');
    assert.equal(reversal.debitAccountId, bob.accountId);
    assert.equal(reversal.creditAccountId, alice.accountId);
    assert.equal(reversal.amountMicros, payment.amountMicros);
    assert.match(reversal.memo, new RegExp(`^reverses ${payment.id}: wrong recipient`));
    assert.ok(reversal.seq > payment.seq);

    assert.equal((await balance(alice.accountId)).postedMicros, aliceBefore.postedMicros + 3_000_000n);
    assert.equal((await balance(bob.accountId)).postedMicros, bobBefore.postedMicros - 3_000_000n);
    assert.deepEqual(await transferRow(payment.id), originalRow);

    // Retried with the same key, the reversal is not applied twice.
    const again = await reverseTransfer(db.ctx, {
      poolId: pool.poolId,
      transfer: payment,
      idempotencyKey: 'reverse-1',
      memo: 'wrong recipient',
    });
    assert.equal(again.id, reversal.id);
    assert.equal((await balance(alice.accountId)).postedMicros, aliceBefore.postedMicros + 3_000_000n);

    // Holds are voided, not reversed.
    await assert.rejects(
      reverseTransfer(db.ctx, { poolId: pool.poolId, transfer: hold, idempotencyKey: 'reverse-2', memo: 'x' }),
      (error) => isAppError(error, 'VALIDATION_FAILED'),
    );
    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
  });
});

describe('tampering is detected', () => {
  test('an amount edited behind the trigger breaks the chain at that seq and the balances', async () => {
    const { pool, alice, bob, payment } = await scenario('tamper-amount');
    const clean = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(clean.ok, true, JSON.stringify(clean));

    await tamper(['update ledger_transfers set amount = amount + 1000000 where id = $1', [payment.id]]);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, false);
    const chain = report.chains.find((c) => c.poolId === pool.poolId);
    assert.ok(chain);
    assert.equal(chain.brokenAtSeq, payment.seq.toString());
    const mismatched = new Map(report.balanceMismatches.map((m) => [m.accountId, m]));
    assert.deepEqual([...mismatched.keys()].sort(), [alice.accountId, bob.accountId].sort());
    const a = mismatched.get(alice.accountId);
    assert.equal((a?.computed.debitsPostedMicros ?? 0n) - (a?.stored.debitsPostedMicros ?? 0n), 1_000_000n);
    const b = mismatched.get(bob.accountId);
    assert.equal((b?.computed.creditsPostedMicros ?? 0n) - (b?.stored.creditsPostedMicros ?? 0n), 1_000_000n);
  });

  test('a row deleted from the end of the chain is caught: no gap is left, but the head remembers it', async () => {
    const { pool, alice, hold } = await scenario('tamper-delete');
    const [tail] = await db.ctx.store.listTransfers(pool.poolId, { limit: 1 });
    assert.equal(tail?.id, hold.id, 'the hold is the last row');
    await tamper(['delete from ledger_transfers where id = $1', [hold.id]]);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, false);
    const chain = report.chains.find((c) => c.poolId === pool.poolId);
    assert.equal(chain?.brokenAtSeq, hold.seq.toString());
    assert.ok(report.balanceMismatches.some((m) => m.accountId === alice.accountId));
  });

  test('the chain tail edited with a consistent hash is still caught by the earlier checkpoint', async () => {
    const { pool } = await scenario('tamper-tail');
    const [checkpoint, ...more] = await db.ctx.store.writeCheckpoints(pool.poolId);
    assert.ok(checkpoint);
    assert.deepEqual(more, [], 'a sequential scenario writes to one lane');
    assert.deepEqual(await db.ctx.store.writeCheckpoints(pool.poolId), [], 'no new checkpoint while the head stays');
    const [tail] = await db.ctx.store.listTransfers(pool.poolId, { limit: 1 });
    assert.ok(tail);
    assert.equal(tail.seq, checkpoint.seq);
    assert.equal(tail.hash, checkpoint.hash);
    const clean = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(clean.ok, true, JSON.stringify(clean));

    // The forger rewrites the memo and recomputes the row's own hash, so the row is self-consistent; the chain head
    // the writers advanced still remembers the old hash.
    const forged = { ...tail, memo: 'nothing to see here' };
    const forgedHash = transferHash(tail.prevHash, forged);
    const editRow: [string, unknown[]] = [
      'update ledger_transfers set memo = $2, hash = $3 where id = $1',
      [tail.id, forged.memo, forgedHash],
    ];
    await tamper(editRow);
    const headOnly = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(headOnly.ok, false, 'the chain head no longer matches the last row');
    assert.deepEqual(headOnly.chains[0]?.checkpointMismatches, [checkpoint.seq.toString()]);

    // A careful forger moves the head too (it has no trigger). Only the checkpoint published earlier catches that.
    await tamper(
      ['update ledger_transfers set memo = $2, hash = $3 where id = $1', [tail.id, tail.memo, tail.hash]],
      [
        'update ledger_pool_heads set last_hash = $2 where pool_id = $1 and lane = $3',
        [pool.poolId, tail.hash, tail.lane],
      ],
    );
    assert.equal((await verifyLedger(db.ctx, { poolId: pool.poolId })).ok, true, 'history restored verifies again');
    await tamper(editRow, [
      'update ledger_pool_heads set last_hash = $2 where pool_id = $1 and lane = $3',
      [pool.poolId, forgedHash, tail.lane],
    ]);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, false);
    const chain = report.chains.find((c) => c.poolId === pool.poolId);
    assert.ok(chain);
    assert.equal(chain.brokenAtSeq, null, 'the forged row and head are self-consistent');
    assert.equal(chain.checkpointsChecked, 1);
    assert.deepEqual(chain.checkpointMismatches, [checkpoint.seq.toString()]);
    assert.equal(chain.lastHash, forgedHash);
  });
});

describe('outbox events are written with the transfers', () => {
  test('every transfer gets its event in the same transaction; refused commands write none', async () => {
    const pool = await createPool(db);
    const [alice, bob] = await createMembers(db, pool, 2);
    assert.ok(alice && bob);
    const base = { poolId: pool.poolId, payerAccountId: alice.accountId, payeeAccountId: bob.accountId };
    await recordDeposit(db.ctx, {
      poolId: pool.poolId,
      currency: pool.currency,
      memberAccountId: alice.accountId,
      amountMicros: 10_000_000n,
      reference: 'outbox-deposit',
    });
    await db.ctx.engine.submit({
      poolId: pool.poolId,
      idempotencyKey: 'outbox-pay',
      transfers: [
        {
          type: 'transfer',
          debitAccountId: alice.accountId,
          creditAccountId: bob.accountId,
          amountMicros: 1_000_000n,
          code: 'payment',
        },
      ],
    });
    const released = await createHold(db.ctx, {
      ...base,
      amountMicros: 2_000_000n,
      timeoutSeconds: 3600,
      idempotencyKey: 'outbox-h1',
    });
    await releaseHold(db.ctx, {
      holdId: released.hold.id,
      amountMicros: 1_000_000n,
      feeBps: 1000,
      idempotencyKey: 'outbox-r1',
    });
    const voided = await createHold(db.ctx, {
      ...base,
      amountMicros: 1_000_000n,
      timeoutSeconds: 3600,
      idempotencyKey: 'outbox-h2',
    });
    await voidHold(db.ctx, { holdId: voided.hold.id, idempotencyKey: 'outbox-v2' });
    const expiring = await createHold(db.ctx, {
      ...base,
      amountMicros: 1_000_000n,
      timeoutSeconds: 1,
      idempotencyKey: 'outbox-h3',
    });
    // Refused: more than alice has. Replayed: a key seen before. Neither may add an event.
    await assert.rejects(
      createHold(db.ctx, { ...base, amountMicros: 1_000_000_000n, timeoutSeconds: 60, idempotencyKey: 'outbox-h4' }),
      (error) => isAppError(error, 'INSUFFICIENT_FUNDS'),
    );
    const replay = await voidHold(db.ctx, { holdId: voided.hold.id, idempotencyKey: 'outbox-v2' });
    assert.equal(replay.replayed, true);

    const timeoutAtMs = expiring.hold.timeoutAt?.getTime() ?? 0;
    await sleep(Math.max(0, timeoutAtMs - Date.now()) + 100);
    assert.ok((await expireDueHolds(db.ctx, { limit: 100 })) >= 1);
    assert.equal((await db.ctx.store.getHold(expiring.hold.id))?.resolution?.kind, 'expire_pending');

    const { rows: counts } = await db.pool.query<{ type: string; n: number }>(
      'select type, count(*)::int n from outbox_events where pool_id = $1 group by type order by type',
      [pool.poolId],
    );
    assert.deepEqual(Object.fromEntries(counts.map((row) => [row.type, row.n])), {
      HoldCreated: 3,
      HoldExpired: 1,
      HoldReleased: 1,
      HoldVoided: 1,
      // deposit chain (2) + payment + platform fee of the release
      TransferPosted: 4,
    });

    // One event per transfer, and each written by the very transaction that wrote its transfer (same xmin).
    const { rows: pairs } = await db.pool.query<{ kind: string; type: string; same_tx: boolean }>(
      `select t.kind, o.type, o.xmin::text = t.xmin::text same_tx
         from ledger_transfers t join outbox_events o on (o.payload->>'transferId')::uuid = t.id
        where t.pool_id = $1`,
      [pool.poolId],
    );
    const { rows: transferCount } = await db.pool.query<{ n: number }>(
      'select count(*)::int n from ledger_transfers where pool_id = $1',
      [pool.poolId],
    );
    assert.equal(pairs.length, transferCount[0]?.n);
    assert.equal(pairs.length, 10);
    for (const pair of pairs) assert.equal(pair.same_tx, true, `${pair.type} for a ${pair.kind} transfer`);
    const expectedType: Record<string, string> = {
      posted: 'TransferPosted',
      pending: 'HoldCreated',
      post_pending: 'HoldReleased',
      void_pending: 'HoldVoided',
      expire_pending: 'HoldExpired',
    };
    for (const pair of pairs) assert.equal(pair.type, expectedType[pair.kind]);

    const { rows: released1 } = await db.pool.query<{ payload: Record<string, string> }>(
      "select payload from outbox_events where pool_id = $1 and type = 'HoldReleased'",
      [pool.poolId],
    );
    // 1 of the 2 held was released: 0.9 reached bob, 0.1 went to the fee account, 1 returned to alice.
    assert.equal(released1[0]?.payload.holdId, released.hold.id);
    assert.equal(released1[0]?.payload.amountMicros, '900000');
    assert.equal(released1[0]?.payload.holdMicros, '2000000');
    assert.equal(released1[0]?.payload.creditUserId, bob.userId);
    assert.equal(released1[0]?.payload.debitUserId, alice.userId);
    const { rows: feeEvents } = await db.pool.query<{ payload: Record<string, string> }>(
      "select payload from outbox_events where pool_id = $1 and type = 'TransferPosted' and payload->>'code' = 'platform_fee'",
      [pool.poolId],
    );
    assert.equal(feeEvents[0]?.payload.amountMicros, '100000');
    assert.equal(feeEvents[0]?.payload.linkedId, released1[0]?.payload.linkedId, 'fee and release share a chain');
    assert.ok(feeEvents[0]?.payload.linkedId);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
  });
});
