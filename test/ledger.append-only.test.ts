import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { GENESIS_HASH, transferHash } from '../core/ledger/chain.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { expireDueHolds } from '../core/ledger/expire-due-holds.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { releaseHold } from '../core/ledger/release-hold.ts';
import { reverseTransfer } from '../core/ledger/reverse-transfer.ts';
import { balanceOf, type Transfer } from '../core/ledger/types.ts';
import { verifyLedger, type ChainReport } from '../core/ledger/verify-ledger.ts';
import { voidHold } from '../core/ledger/void-hold.ts';
import { isAppError } from '../core/errors.ts';
import { uuidv7 } from '../lib/uuid.ts';
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
    `select * from ${table} where pool_id = $1 order by lane, seq`,
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

/** Inserts a transfer row as it is, past the engine (the table has no foreign keys; INSERT is not refused). */
async function insertRow(row: Transfer): Promise<void> {
  await db.pool.query(
    `insert into ledger_transfers (id, pool_id, lane, seq, kind, debit_account_id, credit_account_id, amount, currency,
       pending_id, timeout_at, linked_id, code, memo, created_at, prev_hash, hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      row.id,
      row.poolId,
      row.lane,
      row.seq.toString(),
      row.kind,
      row.debitAccountId,
      row.creditAccountId,
      row.amountMicros.toString(),
      row.currency,
      row.pendingId,
      row.timeoutAt,
      row.linkedId,
      row.code,
      row.memo,
      row.createdAt,
      row.prevHash,
      row.hash,
    ],
  );
}

/** A posted transfer row with a valid hash after `prevHash`; `overrides` change any field before hashing. */
function forgedRow(base: Transfer, overrides: Partial<Transfer>, prevHash: string): Transfer {
  const row = { ...base, id: uuidv7(), linkedId: null, memo: 'inserted behind the engine', ...overrides, prevHash };
  return { ...row, hash: transferHash(prevHash, row) };
}

/** The report of one lane of one pool's chain; there must be exactly one. */
function chainOf(chains: ChainReport[], poolId: string, lane: number): ChainReport {
  const found = chains.filter((c) => c.poolId === poolId && c.lane === lane);
  assert.equal(found.length, 1, `one report for pool ${poolId} lane ${lane}`);
  return found[0] as ChainReport;
}

/** Tampering with one lane leaves the pool's other lanes verifying. */
function assertOtherLanesIntact(chains: ChainReport[], poolId: string, lane: number): void {
  for (const chain of chains.filter((c) => c.poolId === poolId && c.lane !== lane)) {
    assert.equal(chain.brokenAtSeq, null, `lane ${chain.lane}`);
    assert.deepEqual(chain.checkpointMismatches, [], `lane ${chain.lane}`);
  }
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

    // The row is named by its place in the chain: (pool, lane, seq).
    await tamper([
      'update ledger_transfers set amount = amount + 1000000 where pool_id = $1 and lane = $2 and seq = $3',
      [pool.poolId, payment.lane, payment.seq.toString()],
    ]);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, false);
    const chain = chainOf(report.chains, pool.poolId, payment.lane);
    assert.equal(chain.brokenAtSeq, payment.seq.toString());
    assertOtherLanesIntact(report.chains, pool.poolId, payment.lane);
    const mismatched = new Map(report.balanceMismatches.map((m) => [m.accountId, m]));
    assert.deepEqual([...mismatched.keys()].sort(), [alice.accountId, bob.accountId].sort());
    const a = mismatched.get(alice.accountId);
    assert.equal((a?.computed.debitsPostedMicros ?? 0n) - (a?.stored.debitsPostedMicros ?? 0n), 1_000_000n);
    const b = mismatched.get(bob.accountId);
    assert.equal((b?.computed.creditsPostedMicros ?? 0n) - (b?.stored.creditsPostedMicros ?? 0n), 1_000_000n);
  });

  test('a row deleted from the end of the chain is caught: no gap is left, but the head remembers it', async () => {
    const { pool, alice, hold } = await scenario('tamper-delete');
    const head = (await db.ctx.store.chainHeads(pool.poolId)).find((h) => h.lane === hold.lane);
    assert.equal(head?.lastSeq, hold.seq, 'the hold is the last row of its lane');
    await tamper([
      'delete from ledger_transfers where pool_id = $1 and lane = $2 and seq = $3',
      [pool.poolId, hold.lane, hold.seq.toString()],
    ]);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, false);
    const chain = chainOf(report.chains, pool.poolId, hold.lane);
    assert.equal(chain.brokenAtSeq, hold.seq.toString());
    assert.equal(chain.lastSeq, (hold.seq - 1n).toString(), 'the walk ends one row short of the head');
    assertOtherLanesIntact(report.chains, pool.poolId, hold.lane);
    assert.ok(report.balanceMismatches.some((m) => m.accountId === alice.accountId));
  });

  test('the chain tail edited with a consistent hash is still caught by the earlier checkpoint', async () => {
    const { pool } = await scenario('tamper-tail');
    const [checkpoint, ...more] = await db.ctx.store.writeCheckpoints(pool.poolId);
    assert.ok(checkpoint);
    assert.deepEqual(more, [], 'a sequential scenario writes to one lane');
    assert.deepEqual(await db.ctx.store.writeCheckpoints(pool.poolId), [], 'no new checkpoint while the head stays');
    // The tail is the row at the checkpointed head of its lane.
    const [tail, ...beyond] = await db.ctx.store.chainPage(pool.poolId, checkpoint.lane, checkpoint.seq - 1n, 10);
    assert.ok(tail);
    assert.deepEqual(beyond, []);
    assert.equal(tail.lane, checkpoint.lane);
    assert.equal(tail.seq, checkpoint.seq);
    assert.equal(tail.hash, checkpoint.hash);
    const rowAt: [string, unknown[]] = [
      'update ledger_transfers set memo = $4, hash = $5 where pool_id = $1 and lane = $2 and seq = $3',
      [pool.poolId, tail.lane, tail.seq.toString()],
    ];
    const clean = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(clean.ok, true, JSON.stringify(clean));

    // The forger rewrites the memo and recomputes the row's own hash, so the row is self-consistent; the chain head
    // the writers advanced still remembers the old hash.
    const forged = { ...tail, memo: 'nothing to see here' };
    const forgedHash = transferHash(tail.prevHash, forged);
    const editRow: [string, unknown[]] = [rowAt[0], [...rowAt[1], forged.memo, forgedHash]];
    await tamper(editRow);
    const headOnly = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(headOnly.ok, false, 'the chain head no longer matches the last row');
    const headOnlyChain = chainOf(headOnly.chains, pool.poolId, tail.lane);
    assert.equal(headOnlyChain.brokenAtSeq, tail.seq.toString());
    assert.deepEqual(headOnlyChain.checkpointMismatches, [checkpoint.seq.toString()]);

    // A careful forger moves the head too (it has no trigger). Only the checkpoint published earlier catches that.
    await tamper(
      [rowAt[0], [...rowAt[1], tail.memo, tail.hash]],
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
    const chain = chainOf(report.chains, pool.poolId, tail.lane);
    assert.equal(chain.brokenAtSeq, null, 'the forged row and head are self-consistent');
    assert.equal(chain.checkpointsChecked, 1);
    assert.deepEqual(chain.checkpointMismatches, [checkpoint.seq.toString()]);
    assert.equal(chain.lastHash, forgedHash);
  });
});

describe('chain lanes', () => {
  test('batches in flight append to their own gap-free lanes; a lane head appears with its first batch', async () => {
    const pool = await createPool(db);
    const [alice, bob] = await createMembers(db, pool, 2);
    assert.ok(alice && bob);
    assert.deepEqual(await db.ctx.store.chainHeads(pool.poolId), [], 'opening accounts creates no chain head');
    await recordDeposit(db.ctx, {
      poolId: pool.poolId,
      currency: pool.currency,
      memberAccountId: alice.accountId,
      amountMicros: 10_000_000n,
      reference: 'lanes-deposit',
    });
    const [first, ...others] = await db.ctx.store.chainHeads(pool.poolId);
    assert.deepEqual(others, [], 'one batch, one lane');
    assert.equal(first?.lastSeq, 2n, 'the deposit chain is two rows');

    // Ten commands in one tick: the engine (two batches in flight by default) splits them into two batches of five,
    // each appending to its own lane.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.ctx.engine.submit({
          poolId: pool.poolId,
          idempotencyKey: `lanes-pay-${i}`,
          transfers: [
            {
              type: 'transfer',
              debitAccountId: alice.accountId,
              creditAccountId: bob.accountId,
              amountMicros: 100_000n,
              code: 'payment',
            },
          ],
        }),
      ),
    );
    const written = results.flatMap((r) => r.transfers);
    const byLane = new Map<number, Transfer[]>();
    for (const t of written) byLane.set(t.lane, [...(byLane.get(t.lane) ?? []), t]);
    assert.equal(byLane.size, 2, `lanes used: ${[...byLane.keys()].join(',')}`);
    for (const rows of byLane.values()) assert.equal(rows.length, 5);

    const heads = await db.ctx.store.chainHeads(pool.poolId);
    assert.deepEqual(
      heads.map((h) => h.lane),
      [...byLane.keys()].sort((a, b) => a - b),
      'a head for each lane written, in lane order',
    );
    assert.equal(
      heads.reduce((sum, h) => sum + h.lastSeq, 0n),
      12n,
    );
    for (const head of heads) {
      // Each lane on its own: seq 1..n with no gap, each row hashed onto the one before, the head at its end.
      const rows = await db.ctx.store.chainPage(pool.poolId, head.lane, 0n, 100);
      assert.deepEqual(
        rows.map((r) => r.seq),
        Array.from({ length: rows.length }, (_, i) => BigInt(i + 1)),
        `lane ${head.lane}`,
      );
      let prevHash = GENESIS_HASH;
      for (const row of rows) {
        assert.equal(row.lane, head.lane);
        assert.equal(row.prevHash, prevHash);
        assert.equal(row.hash, transferHash(prevHash, row));
        prevHash = row.hash;
      }
      assert.equal(head.lastSeq, BigInt(rows.length));
      assert.equal(head.lastHash, prevHash);
      assert.deepEqual(await db.ctx.store.chainPage(pool.poolId, head.lane, head.lastSeq, 100), []);
    }
    assert.equal((await balance(bob.accountId)).postedMicros, 1_000_000n);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(
      report.chains.map((c) => [c.lane, c.lastSeq, c.transfersChecked, c.brokenAtSeq]),
      heads.map((h) => [h.lane, h.lastSeq.toString(), Number(h.lastSeq), null]),
    );
  });

  test('writeCheckpoints seals each lane that moved, once, each with a LedgerCheckpointSealed event', async () => {
    const pool = await createPool(db);
    const [alice, bob] = await createMembers(db, pool, 2);
    assert.ok(alice && bob);
    assert.deepEqual(await db.ctx.store.writeCheckpoints(pool.poolId), [], 'nothing to seal before any transfer');
    await recordDeposit(db.ctx, {
      poolId: pool.poolId,
      currency: pool.currency,
      memberAccountId: alice.accountId,
      amountMicros: 10_000_000n,
      reference: 'seal-deposit',
    });
    const pay = (key: string) =>
      db.ctx.engine.submit({
        poolId: pool.poolId,
        idempotencyKey: key,
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
    await Promise.all(Array.from({ length: 4 }, (_, i) => pay(`seal-pay-${i}`)));
    const heads = await db.ctx.store.chainHeads(pool.poolId);
    assert.equal(heads.length, 2);

    const sealed = await db.ctx.store.writeCheckpoints(pool.poolId);
    assert.deepEqual(
      sealed.map((c) => [c.poolId, c.lane, c.seq, c.hash]),
      heads.map((h) => [h.poolId, h.lane, h.lastSeq, h.lastHash]),
      'one checkpoint per lane, at its head',
    );
    for (const head of heads) {
      assert.deepEqual(
        (await db.ctx.store.checkpoints(pool.poolId, head.lane)).map((c) => [c.lane, c.seq, c.hash]),
        [[head.lane, head.lastSeq, head.lastHash]],
      );
    }
    assert.deepEqual(await db.ctx.store.writeCheckpoints(pool.poolId), [], 'no lane moved since');

    // One more transfer moves one lane: only that lane gets a new checkpoint.
    const [moved] = (await pay('seal-pay-last')).transfers;
    assert.ok(moved);
    const again = await db.ctx.store.writeCheckpoints(pool.poolId);
    assert.deepEqual(
      again.map((c) => [c.lane, c.seq, c.hash]),
      [[moved.lane, moved.seq, moved.hash]],
    );

    const { rows: events } = await db.pool.query<{ payload: { lane: number; seq: string; hash: string } }>(
      "select payload from outbox_events where pool_id = $1 and type = 'LedgerCheckpointSealed' order by id",
      [pool.poolId],
    );
    // One event per checkpoint (the events of one call come in no particular order).
    const byLaneAndSeq = (a: { lane: number; seq: string }, b: { lane: number; seq: string }) =>
      a.lane - b.lane || Number(BigInt(a.seq) - BigInt(b.seq));
    assert.deepEqual(
      events.map((e) => e.payload).sort(byLaneAndSeq),
      [...sealed, ...again].map((c) => ({ lane: c.lane, seq: c.seq.toString(), hash: c.hash })).sort(byLaneAndSeq),
    );

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
    const checked = new Map(report.chains.map((c) => [c.lane, c.checkpointsChecked]));
    for (const head of heads) assert.equal(checked.get(head.lane), head.lane === moved.lane ? 2 : 1);
  });
});

describe('verification without foreign keys', () => {
  test('rows naming a missing account, pool or hold, and rows outside their lane, are reported', async () => {
    const { pool, bob, payment, hold } = await scenario('orphans');
    const clean = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(clean.ok, true, JSON.stringify(clean));
    assert.deepEqual(clean.violations, []);

    // A row in a lane that has no head, from an account that does not exist.
    const noAccount = forgedRow(payment, { debitAccountId: uuidv7(), lane: 9, seq: 1n }, GENESIS_HASH);
    // A row hashed onto the end of the hold's lane, beyond the head, resolving a hold that does not exist.
    const head = (await db.ctx.store.chainHeads(pool.poolId)).find((h) => h.lane === hold.lane);
    assert.ok(head);
    const noHold = forgedRow(
      hold,
      { kind: 'void_pending', pendingId: uuidv7(), timeoutAt: null, lane: hold.lane, seq: head.lastSeq + 1n },
      head.lastHash,
    );
    // A row of a pool that does not exist.
    const ghostPoolId = uuidv7();
    const noPool = forgedRow(payment, { poolId: ghostPoolId, lane: 0, seq: 1n }, GENESIS_HASH);
    for (const row of [noAccount, noHold, noPool]) await insertRow(row);

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, false);
    assert.deepEqual([...report.violations].sort(), [
      ...[
        `transfer ${noAccount.id} names a missing account, pool or hold`,
        `transfer ${noAccount.id} lies outside its chain (lane 9, seq 1)`,
        `transfer ${noHold.id} names a missing account, pool or hold`,
        `transfer ${noHold.id} lies outside its chain (lane ${hold.lane}, seq ${noHold.seq})`,
      ].sort(),
    ]);
    // The appended row is also beyond the head the writers left, and the lane without a head is not a chain.
    assert.equal(chainOf(report.chains, pool.poolId, hold.lane).brokenAtSeq, noHold.seq.toString());
    assert.ok(!report.chains.some((c) => c.lane === 9));
    assert.ok(report.balanceMismatches.some((m) => m.accountId === bob.accountId));

    const ghost = await verifyLedger(db.ctx, { poolId: ghostPoolId });
    assert.equal(ghost.ok, false);
    assert.deepEqual([...ghost.violations].sort(), [
      ...[
        `transfer ${noPool.id} names a missing account, pool or hold`,
        `transfer ${noPool.id} lies outside its chain (lane 0, seq 1)`,
      ].sort(),
    ]);
  });
});

describe("reading a pool's transfers", () => {
  test("listTransfers: newest first by id, paged with beforeId, only the pool's own rows", async () => {
    const { pool, hold } = await scenario('listing');
    await releaseHold(db.ctx, { holdId: hold.id, amountMicros: 500_000n, feeBps: 1000, idempotencyKey: 'listing-r' });
    await scenario('listing-other-pool');
    const lanes = await db.ctx.store.chainHeads(pool.poolId);
    const inChains = (await Promise.all(lanes.map((h) => db.ctx.store.chainPage(pool.poolId, h.lane, 0n, 100)))).flat();
    assert.equal(inChains.length, 6, 'deposit (2), payment, hold, release and its fee');

    const all = await db.ctx.store.listTransfers(pool.poolId, { limit: 100 });
    assert.deepEqual(
      all.map((t) => t.id),
      inChains
        .map((t) => t.id)
        .sort()
        .reverse(),
      'every row of the pool once, by id descending',
    );
    for (let i = 1; i < all.length; i += 1) {
      assert.ok((all[i - 1]?.createdAt.getTime() ?? 0) >= (all[i]?.createdAt.getTime() ?? 0), 'newest first');
    }
    assert.deepEqual(await db.ctx.store.listTransfers(pool.poolId, { limit: 100 }), all);

    const paged: Transfer[] = [];
    let beforeId: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const rows = await db.ctx.store.listTransfers(pool.poolId, { beforeId, limit: 4 });
      paged.push(...rows);
      if (rows.length < 4) break;
      beforeId = rows.at(-1)?.id;
    }
    assert.deepEqual(
      paged.map((t) => t.id),
      all.map((t) => t.id),
    );
    assert.deepEqual(await db.ctx.store.listTransfers(pool.poolId, { beforeId: all.at(-1)?.id, limit: 4 }), []);
    assert.deepEqual(await db.ctx.store.listTransfers(pool.poolId, { limit: 0 }), []);
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
    // The fee leaves the payer's released funds: alice pays it, to the platform (no user).
    assert.equal(feeEvents[0]?.payload.debitUserId, alice.userId);
    assert.equal(feeEvents[0]?.payload.creditUserId, null);
    assert.equal(feeEvents[0]?.payload.holdId, null);

    // Every payload is a LedgerEventPayload built from its transfer row and the accounts it names.
    const { rows: all } = await db.pool.query<{ type: string; payload: Record<string, unknown> }>(
      'select type, payload from outbox_events where pool_id = $1 and payload ? $2 order by id',
      [pool.poolId, 'transferId'],
    );
    assert.equal(all.length, 10);
    const userOf = new Map([
      [alice.accountId, alice.userId],
      [bob.accountId, bob.userId],
    ]);
    const transfers = new Map((await db.ctx.store.listTransfers(pool.poolId, { limit: 100 })).map((t) => [t.id, t]));
    for (const { type, payload } of all) {
      const transfer = transfers.get(payload.transferId as string);
      assert.ok(transfer, `the event names a transfer of the pool: ${JSON.stringify(payload)}`);
      const hold =
        transfer.kind === 'pending'
          ? transfer
          : transfer.pendingId
            ? (await db.ctx.store.getHold(transfer.pendingId))?.transfer
            : null;
      assert.deepEqual(
        { ...payload, timeoutAt: payload.timeoutAt === null ? null : new Date(payload.timeoutAt as string).getTime() },
        {
          transferId: transfer.id,
          kind: transfer.kind,
          debitAccountId: transfer.debitAccountId,
          creditAccountId: transfer.creditAccountId,
          debitUserId: userOf.get(transfer.debitAccountId) ?? null,
          creditUserId: userOf.get(transfer.creditAccountId) ?? null,
          currency: transfer.currency,
          code: transfer.code,
          amountMicros: transfer.amountMicros.toString(),
          holdId: hold?.id ?? null,
          holdMicros: hold?.amountMicros.toString() ?? null,
          timeoutAt: transfer.timeoutAt?.getTime() ?? null,
          linkedId: transfer.linkedId,
        },
        type,
      );
    }

    const report = await verifyLedger(db.ctx, { poolId: pool.poolId });
    assert.equal(report.ok, true, JSON.stringify(report));
  });
});
