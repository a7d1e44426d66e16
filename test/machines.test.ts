import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isAppError, type ErrorCode } from '../core/errors.ts';
import { getBalance } from '../core/holds/pool-reads.ts';
import { platformAccounts } from '../core/ledger/context.ts';
import { balanceOf } from '../core/ledger/types.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { buyMachineSlots, settleSlotPurchases } from '../core/machines/buy-machine-slots.ts';
import { listMachines } from '../core/machines/list-machines.ts';
import { machineLimit } from '../core/machines/machine-limit.ts';
import { registerMachine } from '../core/machines/register-machine.ts';
import { removeMachine } from '../core/machines/remove-machine.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { createPool } from '../core/pools/create-pool.ts';
import { updatePoolSettings } from '../core/pools/update-pool-settings.ts';
import { createReferralCode, listReferralCodes, revokeReferralCode } from '../core/referrals/referral-codes.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createTestDatabase, createUser, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

async function rejects(run: Promise<unknown>, code: ErrorCode): Promise<Record<string, unknown>> {
  try {
    await run;
  } catch (error) {
    assert.ok(isAppError(error), `expected ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return error.details;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

const hardware = { cpu: 'Ryzen 9 7950X', gpu: 'RTX 4090', ramGb: 64, os: 'Linux' };

async function poolWith(type: 'public' | 'premium' = 'public') {
  const ctx = appContext(db);
  const owner = await createUser(db);
  let poolId: string;
  if (type === 'premium') {
    const { pool: home } = await createPool(ctx, actor(owner), { name: 'Home', type: 'public' });
    await fund(db, { poolId: home.id, currency: home.currency }, owner, 50_000_000n);
    poolId = (
      await createPool(ctx, actor(owner), {
        name: 'Deluxe',
        type: 'premium',
        fundingPoolId: home.id,
        idempotencyKey: `p-${owner}`,
      })
    ).pool.id;
  } else {
    poolId = (await createPool(ctx, actor(owner), { name: 'Farm', type: 'public' })).pool.id;
  }
  const member = await createUser(db);
  await joinPool(ctx, actor(member), { poolId });
  return { ctx, owner, member, poolId, pool: { poolId, currency: 'PRC' } };
}

const register = (ctx: ReturnType<typeof appContext>, userId: string, poolId: string, i: number) =>
  registerMachine(ctx, actor(userId), { poolId, name: `rig-${i}`, hardware, hwid: `HWID-${poolId}-${userId}-${i}` });

describe('machines', () => {
  test('ten per member; the eleventh is refused with the limit and how to raise it', async () => {
    const { ctx, member, poolId } = await poolWith();
    for (let i = 0; i < 10; i += 1) await register(ctx, member, poolId, i);
    const details = await rejects(register(ctx, member, poolId, 10), 'MACHINE_LIMIT_REACHED');
    assert.deepEqual(details, { limit: 10, used: 10, howToRaise: ['refer', 'buy_slots'] });
    const stored = await db.pool.query<{ hwid_hash: string }>('select hwid_hash from machines where pool_id = $1', [
      poolId,
    ]);
    assert.ok(stored.rows.every((row) => /^[0-9a-f]{64}$/.test(row.hwid_hash) && !row.hwid_hash.includes('HWID')));
    const listed = await listMachines(ctx, actor(member), { poolId, limit: 4 });
    assert.equal(listed.length, 4);
    assert.equal(listed[0]?.name, 'rig-9');
  });

  test('premium pools start at 25', async () => {
    const { ctx, member, poolId } = await poolWith('premium');
    assert.equal((await machineLimit(ctx.em, poolId, member)).limit, 25);
  });

  test('concurrent registrations never pass the limit', async () => {
    const { member, poolId } = await poolWith();
    for (let i = 0; i < 8; i += 1) await register(appContext(db), member, poolId, i);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => register(appContext(db), member, poolId, 100 + i)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
    for (const r of results) if (r.status === 'rejected') assert.ok(isAppError(r.reason, 'MACHINE_LIMIT_REACHED'));
    assert.equal((await machineLimit(db.orm.em.fork(), poolId, member)).used, 10);
  });

  test('the same hardware twice, or the same name twice, is refused; removal by owner or officer only', async () => {
    const { ctx, owner, member, poolId } = await poolWith();
    const machine = await registerMachine(ctx, actor(member), {
      poolId,
      name: 'Main',
      hardware,
      hwid: 'same-hardware-id',
    });
    await rejects(
      registerMachine(ctx, actor(owner), { poolId, name: 'Other', hardware, hwid: 'same-hardware-id' }),
      'MACHINE_ALREADY_REGISTERED',
    );
    await rejects(
      registerMachine(ctx, actor(member), { poolId, name: 'main', hardware, hwid: 'another-hardware' }),
      'MACHINE_NAME_TAKEN',
    );
    const stranger = await createUser(db);
    await joinPool(ctx, actor(stranger), { poolId });
    await rejects(removeMachine(ctx, actor(stranger), { poolId, machineId: machine.id }), 'NOT_AN_OFFICER');
    await removeMachine(ctx, actor(owner), { poolId, machineId: machine.id });
    await rejects(removeMachine(ctx, actor(member), { poolId, machineId: machine.id }), 'MACHINE_NOT_FOUND');
    // Removed hardware may be registered again.
    await registerMachine(ctx, actor(member), { poolId, name: 'Main', hardware, hwid: 'same-hardware-id' });
  });

  test('+1 slot per 5 referred members who stay active', async () => {
    const { ctx, member, poolId } = await poolWith();
    const { code } = await createReferralCode(ctx, actor(member), { poolId, publicUrl: 'https://realms.example' });
    const friends: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const friend = await createUser(db);
      await joinPool(ctx, actor(friend), { poolId, referralCode: code });
      friends.push(friend);
      const limit = await machineLimit(ctx.em, poolId, member);
      assert.equal(limit.limit, i < 4 ? 10 : 11, `after ${i + 1} referrals`);
    }
    await db.pool.query("update pool_members set status = 'left' where pool_id = $1 and user_id = $2", [
      poolId,
      friends[0],
    ]);
    assert.equal((await machineLimit(ctx.em, poolId, member)).limit, 10);
    const listed = await listReferralCodes(ctx, actor(member), { poolId, publicUrl: 'https://realms.example' });
    assert.equal(listed.joined, 5);
    assert.equal(listed.stillActive, 4);
    assert.equal(listed.codes[0]?.link, `https://realms.example/join/${poolId}?ref=${code}`);
    await revokeReferralCode(ctx, actor(member), { poolId, code });
    const late = await createUser(db);
    await rejects(joinPool(ctx, actor(late), { poolId, referralCode: code }), 'REFERRAL_CODE_INVALID');
  });
});

describe('machine slots', () => {
  test('bought at the pool price: the owner gets it less the fee, exactly once, and the limit grows', async () => {
    const { ctx, owner, member, poolId, pool } = await poolWith();
    await rejects(
      buyMachineSlots(ctx, actor(member), { poolId, slots: 1, idempotencyKey: 'slots-0' }),
      'SLOTS_NOT_FOR_SALE',
    );
    await updatePoolSettings(ctx, actor(owner), poolId, { machineSlotPriceMicros: 1_500_000n });
    await fund(db, pool, member, 10_000_000n);
    const fee = (await platformAccounts(db.ctx, 'PRC')).fee;
    const feeBefore = balanceOf((await db.ctx.store.getAccount(fee.id))!).postedMicros;
    const first = await buyMachineSlots(ctx, actor(member), { poolId, slots: 3, idempotencyKey: 'slots-1' });
    assert.equal(first.totalMicros, 4_500_000n);
    assert.equal(first.feeMicros, 450_000n);
    const again = await buyMachineSlots(ctx, actor(member), { poolId, slots: 3, idempotencyKey: 'slots-1' });
    assert.equal(again.replayed, true);
    assert.equal(again.purchaseId, first.purchaseId);
    assert.equal((await getBalance(ctx, actor(member), { poolId })).availableMicros, 5_500_000n);
    assert.equal((await getBalance(ctx, actor(owner), { poolId })).availableMicros, 4_050_000n);
    assert.equal(balanceOf((await db.ctx.store.getAccount(fee.id))!).postedMicros - feeBefore, 450_000n);
    assert.equal((await machineLimit(ctx.em, poolId, member)).limit, 13);
    // Not enough for four more: refused, recorded as failed, nothing moved, the limit unchanged.
    await rejects(
      buyMachineSlots(ctx, actor(member), { poolId, slots: 4, idempotencyKey: 'slots-2' }),
      'INSUFFICIENT_FUNDS',
    );
    const failed = await db.pool.query<{ status: string }>(
      "select status from machine_slot_purchases where ledger_key = 'slots-2'",
    );
    assert.equal(failed.rows[0]?.status, 'failed');
    assert.equal((await getBalance(ctx, actor(member), { poolId })).availableMicros, 5_500_000n);
    assert.equal((await machineLimit(ctx.em, poolId, member)).limit, 13);
    await rejects(
      buyMachineSlots(ctx, actor(member), { poolId, slots: 2, idempotencyKey: 'slots-1' }),
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  test('purchases a crash left pending are settled from the ledger', async () => {
    const { ctx, member, poolId, pool } = await poolWith();
    await fund(db, pool, member, 1_000_000n);
    const insert = (id: string, key: string) =>
      db.pool.query(
        `insert into machine_slot_purchases (id, pool_id, user_id, slots, unit_price_micros, ledger_key, status, created_at)
         values ($1, $2, $3, 1, 1000, $4, 'pending', now() - interval '5 minutes')`,
        [id, poolId, member, key],
      );
    await insert('01900000-0000-7000-8000-0000000000a1', 'crash-paid');
    await insert('01900000-0000-7000-8000-0000000000a2', 'crash-unpaid');
    await db.pool.query(
      "insert into ledger_idempotency (key, request_hash, transfer_ids) values ('crash-paid', 'x', '{01900000-0000-7000-8000-0000000000ff}')",
    );
    assert.deepEqual(await settleSlotPurchases(ctx), { completed: 1, failed: 1 });
    assert.equal((await machineLimit(ctx.em, poolId, member)).purchasedSlots, 1);
  });
});

test('the ledger verifies after everything above', async () => {
  const report = await verifyLedger(db.ctx, {});
  assert.equal(report.ok, true, JSON.stringify(report.violations));
});
