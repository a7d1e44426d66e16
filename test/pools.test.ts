import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isAppError, type ErrorCode } from '../core/errors.ts';
import { createLinkCode, redeemLinkCode } from '../core/identities/link-codes.ts';
import { getBalance } from '../core/holds/pool-reads.ts';
import { platformAccounts } from '../core/ledger/context.ts';
import { balanceOf } from '../core/ledger/types.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { leavePool } from '../core/members/leave-pool.ts';
import { moderateMember } from '../core/members/moderate-member.ts';
import { setOfficer } from '../core/members/set-officer.ts';
import { transferOwnership } from '../core/members/transfer-ownership.ts';
import { bindChat, findPoolByChat } from '../core/pools/bind-chat.ts';
import { createPool, settlePendingPools } from '../core/pools/create-pool.ts';
import { hashPoolPassword, verifyPoolPassword } from '../core/pools/password.ts';
import { updatePoolSettings } from '../core/pools/update-pool-settings.ts';
import { getMe } from '../core/users/get-me.ts';
import { ensureUserByIdentity } from '../core/users/ensure-user.ts';
import { actor, appContext, fund, memoryLimiters } from './helpers/app.ts';
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

const count = async (sql: string, params: unknown[]) =>
  Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? -1);

describe('users and identities', () => {
  test('the first user is the Global Admin, later ones are not; the same identity is the same user', async () => {
    const fresh = await createTestDatabase();
    try {
      const em = fresh.orm.em.fork();
      const [a, b] = await Promise.all([
        ensureUserByIdentity(em, { platform: 'discord', externalId: '100', displayName: 'Ann' }),
        ensureUserByIdentity(fresh.orm.em.fork(), { platform: 'telegram', externalId: '200', displayName: 'Bob' }),
      ]);
      assert.equal([a, b].filter((u) => u.isGlobalAdmin).length, 1);
      const again = await ensureUserByIdentity(em, { platform: 'discord', externalId: '100', displayName: 'Ann B' });
      assert.equal(again.id, a.id);
      assert.equal(again.created, false);
    } finally {
      await fresh.close();
    }
  });

  test('a code shown on Discord and entered on Telegram makes one person of both', async () => {
    const ctx = appContext(db);
    const discord = await ensureUserByIdentity(ctx.em, { platform: 'discord', externalId: 'd-1', displayName: 'Kai' });
    const telegram = await ensureUserByIdentity(ctx.em, {
      platform: 'telegram',
      externalId: 't-1',
      displayName: 'Kai',
    });
    const { code, expiresAt } = await createLinkCode(ctx, actor(discord.id), { issuedOn: 'discord' });
    assert.match(code, /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    assert.ok(expiresAt.getTime() > Date.now());
    const linked = await redeemLinkCode(ctx, actor(telegram.id), { code: code.toLowerCase().replace('-', ' ') });
    assert.deepEqual(linked, { userId: discord.id, linked: ['telegram'] });
    const again = await ensureUserByIdentity(ctx.em, { platform: 'telegram', externalId: 't-1', displayName: 'x' });
    assert.equal(again.id, discord.id);
    const me = await getMe(ctx, actor(discord.id));
    assert.deepEqual(
      me.identities.map((i) => i.platform),
      ['discord', 'telegram'],
    );
    // A code works once.
    const other = await ensureUserByIdentity(ctx.em, { platform: 'telegram', externalId: 't-2', displayName: 'Z' });
    await rejects(redeemLinkCode(ctx, actor(other.id), { code }), 'LINK_CODE_INVALID');
  });

  test('linking refuses a second account that already has pools, and garbage codes; attempts are limited', async () => {
    const ctx = appContext(db);
    const a = await ensureUserByIdentity(ctx.em, { platform: 'discord', externalId: 'd-2', displayName: 'A' });
    const b = await ensureUserByIdentity(ctx.em, { platform: 'telegram', externalId: 't-3', displayName: 'B' });
    await createPool(ctx, actor(b.id), { name: 'B pool', type: 'public' });
    const { code } = await createLinkCode(ctx, actor(a.id), { issuedOn: 'discord' });
    await rejects(redeemLinkCode(ctx, actor(b.id), { code }), 'IDENTITY_ALREADY_LINKED');
    const c = await ensureUserByIdentity(ctx.em, { platform: 'telegram', externalId: 't-4', displayName: 'C' });
    for (let i = 0; i < 10; i += 1)
      await rejects(redeemLinkCode(ctx, actor(c.id), { code: 'OOOO-1111' }), 'LINK_CODE_INVALID');
    await rejects(redeemLinkCode(ctx, actor(c.id), { code }), 'RATE_LIMITED');
  });
});

describe('pools', () => {
  test('private pools keep a slow salted hash, never the password', async () => {
    const hash = await hashPoolPassword('correct horse');
    assert.match(hash, /^scrypt\$32768\$8\$1\$/);
    assert.ok(!hash.includes('correct'));
    assert.equal(await verifyPoolPassword('correct horse', hash), true);
    assert.equal(await verifyPoolPassword('correct horsE', hash), false);
    const owner = await createUser(db);
    const ctx = appContext(db);
    await rejects(createPool(ctx, actor(owner), { name: 'p', type: 'private' }), 'VALIDATION_FAILED');
    await rejects(
      createPool(ctx, actor(owner), { name: 'p', type: 'private', password: 'short' }),
      'VALIDATION_FAILED',
    );
    await rejects(
      createPool(ctx, actor(owner), { name: 'p', type: 'public', password: 'long enough' }),
      'VALIDATION_FAILED',
    );
    const { pool } = await createPool(ctx, actor(owner), {
      name: 'Secret club',
      type: 'private',
      password: 'open sesame',
    });
    assert.equal(pool.hasPassword, true);
    assert.equal(pool.ownerUserId, owner);
    assert.equal(pool.memberCount, 1);
  });

  test('joining a private pool: wrong passwords are refused, then limited even for the right one', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Vault', type: 'private', password: 'open sesame' });
    const guesser = await createUser(db);
    await rejects(joinPool(ctx, actor(guesser), { poolId: pool.id }), 'WRONG_POOL_PASSWORD');
    for (let i = 0; i < 4; i += 1)
      await rejects(
        joinPool(ctx, actor(guesser), { poolId: pool.id, password: `guess ${i}!!` }),
        'WRONG_POOL_PASSWORD',
      );
    const details = await rejects(
      joinPool(ctx, actor(guesser), { poolId: pool.id, password: 'open sesame' }),
      'RATE_LIMITED',
    );
    assert.ok(Number(details.retryAfterSeconds) > 0);
    // Someone else is not blocked by the guesser, and a success joins.
    const friend = await createUser(db);
    const joined = await joinPool(ctx, actor(friend), { poolId: pool.id, password: 'open sesame' });
    assert.equal(joined.role, 'member');
  });

  test('wrong passwords from many people are limited per pool', async () => {
    const ctx = appContext(db, { limiters: memoryLimiters() });
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Target', type: 'private', password: 'open sesame' });
    for (let i = 0; i < 20; i += 1) {
      const guesser = await createUser(db);
      await rejects(
        joinPool(ctx, actor(guesser), { poolId: pool.id, password: `wrong ${i} pw` }),
        'WRONG_POOL_PASSWORD',
      );
    }
    const late = await createUser(db);
    await rejects(joinPool(ctx, actor(late), { poolId: pool.id, password: 'open sesame' }), 'RATE_LIMITED');
  });

  test('a premium pool costs the premium price from a balance, exactly once, and nothing when refused', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool: home } = await createPool(ctx, actor(owner), { name: 'Home', type: 'public' });
    const rich = await createUser(db);
    await joinPool(ctx, actor(rich), { poolId: home.id });
    await fund(db, { poolId: home.id, currency: home.currency }, rich, 80_000_000n);
    const fee = (await platformAccounts(db.ctx, home.currency)).fee;
    const feeBefore = balanceOf((await db.ctx.store.getAccount(fee.id))!).postedMicros;
    const input = { name: 'Deluxe', type: 'premium' as const, fundingPoolId: home.id, idempotencyKey: 'premium-1' };
    const first = await createPool(ctx, actor(rich), input);
    assert.equal(first.pool.type, 'premium');
    assert.equal(first.pool.status, 'active');
    assert.equal(first.premiumFeeMicros, 50_000_000n);
    const replay = await createPool(ctx, actor(rich), input);
    assert.equal(replay.replayed, true);
    assert.equal(replay.pool.id, first.pool.id);
    assert.equal((await getBalance(ctx, actor(rich), { poolId: home.id })).availableMicros, 30_000_000n);
    assert.equal(balanceOf((await db.ctx.store.getAccount(fee.id))!).postedMicros - feeBefore, 50_000_000n);
    // Not enough left for a second one: refused, no pool stays behind, and the key may be used again.
    await rejects(createPool(ctx, actor(rich), { ...input, idempotencyKey: 'premium-2' }), 'INSUFFICIENT_FUNDS');
    assert.equal(await count("select count(*) n from pools where creation_key = 'premium-2'", []), 0);
    await rejects(createPool(ctx, actor(rich), { name: 'X', type: 'premium' }), 'VALIDATION_FAILED');
    // Someone else's key is not theirs to replay.
    await rejects(createPool(ctx, actor(owner), { ...input }), 'IDEMPOTENCY_KEY_REUSED');
  });

  test('a premium pool left pending by a crash is finished or removed by the settle job', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const stale = (id: string, key: string) =>
      db.pool.query(
        `insert into pools (id, name, type, currency, owner_user_id, status, creation_key, created_at)
         values ($1, 'stale', 'premium', 'PRC', $2, 'pending', $3, now() - interval '10 minutes')`,
        [id, owner, key],
      );
    const paidId = '01900000-0000-7000-8000-000000000001';
    const unpaidId = '01900000-0000-7000-8000-000000000002';
    await stale(paidId, 'paid-key');
    await stale(unpaidId, 'unpaid-key');
    await db.pool.query(
      "insert into ledger_idempotency (key, request_hash, transfer_ids) values ('pool-create:paid-key', 'x', '{}')",
    );
    const settled = await settlePendingPools(ctx);
    assert.deepEqual(settled, { activated: 1, removed: 1 });
    assert.equal(await count("select count(*) n from pools where id = $1 and status = 'active'", [paidId]), 1);
    assert.equal(await count("select count(*) n from pool_members where pool_id = $1 and role = 'owner'", [paidId]), 1);
    assert.equal(await count('select count(*) n from pools where id = $1', [unpaidId]), 0);
  });

  test('settings: the owner changes rules, caps, prices, quorum and timeouts; bad values change nothing', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Configurable', type: 'public' });
    const updated = await updatePoolSettings(ctx, actor(owner), pool.id, {
      rules: 'No cheating.',
      memberPurchaseCapMicros: 100_000_000n,
      capPeriodHours: 168,
      minPricesMicros: { gameboost_slot: 2_000_000n },
      holdTimeoutSeconds: 7200,
      disputeWindowHours: 48,
      machineSlotPriceMicros: 5_000_000n,
    });
    assert.equal(updated.settings.rules, 'No cheating.');
    assert.equal(updated.settings.memberPurchaseCapMicros, 100_000_000n);
    assert.deepEqual(updated.settings.minPricesMicros, { gameboost_slot: 2_000_000n });
    assert.equal(updated.settings.holdTimeoutSeconds, 7200);
    const details = await rejects(
      updatePoolSettings(ctx, actor(owner), pool.id, { withdrawalQuorum: 2 }),
      'VALIDATION_FAILED',
    );
    assert.equal(details.approvers, 1);
    await rejects(updatePoolSettings(ctx, actor(owner), pool.id, { holdTimeoutSeconds: 5 }), 'VALIDATION_FAILED');
    await rejects(
      updatePoolSettings(ctx, actor(owner), pool.id, { minPricesMicros: { compute_time: -1n } }),
      'INVALID_AMOUNT',
    );
    await rejects(updatePoolSettings(ctx, actor(owner), pool.id, { type: 'private' }), 'VALIDATION_FAILED');
    const now = await updatePoolSettings(ctx, actor(owner), pool.id, {});
    assert.equal(now.settings.holdTimeoutSeconds, 7200);
    assert.equal(now.type, 'public');
    const priv = await updatePoolSettings(ctx, actor(owner), pool.id, { type: 'private', password: 'members only' });
    assert.equal(priv.hasPassword, true);
    const events = await count(
      "select count(*) n from outbox_events where pool_id = $1 and type = 'PoolSettingsChanged'",
      [pool.id],
    );
    assert.equal(events, 2);
  });

  test('a guild or chat is bound to one pool at a time', async () => {
    const ctx = appContext(db);
    const [a, b] = [await createUser(db), await createUser(db)];
    const { pool: first } = await createPool(ctx, actor(a), { name: 'First', type: 'public' });
    const { pool: second } = await createPool(ctx, actor(b), { name: 'Second', type: 'public' });
    await bindChat(ctx, actor(a), { poolId: first.id, platform: 'discord', chatId: '123456789012345678' });
    await rejects(
      bindChat(ctx, actor(b), { poolId: second.id, platform: 'discord', chatId: '123456789012345678' }),
      'CHAT_ALREADY_BOUND',
    );
    await bindChat(ctx, actor(b), { poolId: second.id, platform: 'telegram', chatId: '-1001234567890' });
    assert.deepEqual(await findPoolByChat(ctx, 'discord', '123456789012345678'), { poolId: first.id });
    assert.deepEqual(await findPoolByChat(ctx, 'telegram', '-1001234567890'), { poolId: second.id });
    await rejects(
      bindChat(ctx, actor(a), { poolId: first.id, platform: 'telegram', chatId: 'abc' }),
      'VALIDATION_FAILED',
    );
  });
});

describe('membership', () => {
  test('leave keeps the balance; rejoining finds it again', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Leavers', type: 'public' });
    const member = await createUser(db);
    await joinPool(ctx, actor(member), { poolId: pool.id });
    await fund(db, { poolId: pool.id, currency: pool.currency }, member, 7_000_000n);
    await leavePool(ctx, actor(member), { poolId: pool.id });
    assert.equal((await getBalance(ctx, actor(member), { poolId: pool.id })).availableMicros, 7_000_000n);
    assert.deepEqual((await getMe(ctx, actor(member))).pools, []);
    const back = await joinPool(ctx, actor(member), { poolId: pool.id });
    assert.equal(back.rejoined, true);
    assert.equal((await getBalance(ctx, actor(member), { poolId: pool.id })).availableMicros, 7_000_000n);
  });

  test('a referral code credits the member who shared it; bad codes are refused', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Referrals', type: 'public' });
    await db.pool.query("insert into referral_codes (code, pool_id, user_id) values ('ABCD2345', $1, $2)", [
      pool.id,
      owner,
    ]);
    const friend = await createUser(db);
    const joined = await joinPool(ctx, actor(friend), { poolId: pool.id, referralCode: 'abcd2345' });
    assert.equal(joined.referredByUserId, owner);
    const stranger = await createUser(db);
    await rejects(
      joinPool(ctx, actor(stranger), { poolId: pool.id, referralCode: 'NOPE9999' }),
      'REFERRAL_CODE_INVALID',
    );
    await rejects(joinPool(ctx, actor(owner), { poolId: pool.id }), 'ALREADY_A_MEMBER');
  });

  test('ownership moves to a member and the old owner stays an officer; the new owner can then leave no more', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Handover', type: 'public' });
    const heir = await createUser(db);
    await joinPool(ctx, actor(heir), { poolId: pool.id });
    await transferOwnership(ctx, actor(owner), { poolId: pool.id, toUserId: heir });
    const roles = await db.pool.query<{ user_id: string; role: string }>(
      'select user_id, role from pool_members where pool_id = $1 order by role',
      [pool.id],
    );
    assert.deepEqual(Object.fromEntries(roles.rows.map((r) => [r.user_id, r.role])), {
      [owner]: 'officer',
      [heir]: 'owner',
    });
    await rejects(leavePool(ctx, actor(heir), { poolId: pool.id }), 'OWNER_CANNOT_LEAVE');
    await leavePool(ctx, actor(owner), { poolId: pool.id });
    await rejects(transferOwnership(ctx, actor(heir), { poolId: pool.id, toUserId: owner }), 'MEMBER_NOT_FOUND');
  });

  test('a ban keeps a person out until lifted; an officer needed for the quorum cannot be removed', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Moderated', type: 'public' });
    const [officer, troll] = [await createUser(db), await createUser(db)];
    await joinPool(ctx, actor(officer), { poolId: pool.id });
    await joinPool(ctx, actor(troll), { poolId: pool.id });
    await setOfficer(ctx, actor(owner), { poolId: pool.id, userId: officer, officer: true });
    await updatePoolSettings(ctx, actor(owner), pool.id, { withdrawalQuorum: 2 });
    await rejects(
      setOfficer(ctx, actor(owner), { poolId: pool.id, userId: officer, officer: false }),
      'ROLE_CHANGE_NOT_ALLOWED',
    );
    await moderateMember(ctx, actor(officer), { poolId: pool.id, userId: troll, action: 'ban', reason: 'spam' });
    await rejects(joinPool(ctx, actor(troll), { poolId: pool.id }), 'MEMBER_BANNED');
    await rejects(
      moderateMember(ctx, actor(officer), { poolId: pool.id, userId: owner, action: 'ban' }),
      'ROLE_CHANGE_NOT_ALLOWED',
    );
    await moderateMember(ctx, actor(owner), { poolId: pool.id, userId: troll, action: 'unban' });
    await joinPool(ctx, actor(troll), { poolId: pool.id });
    const reasons = await db.pool.query<{ payload: { reason: string | null; status: string } }>(
      "select payload from outbox_events where pool_id = $1 and type = 'MemberStatusChanged' order by id",
      [pool.id],
    );
    assert.deepEqual(
      reasons.rows.map((r) => [r.payload.status, r.payload.reason]),
      [
        ['banned', 'spam'],
        ['left', null],
      ],
    );
  });

  test('concurrent joins of one person make one membership', async () => {
    const ctx = appContext(db);
    const owner = await createUser(db);
    const { pool } = await createPool(ctx, actor(owner), { name: 'Race', type: 'public' });
    const member = await createUser(db);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => joinPool(appContext(db), actor(member), { poolId: pool.id })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(isAppError(r.reason, 'ALREADY_A_MEMBER'));
    assert.equal(
      await count('select count(*) n from pool_members where pool_id = $1 and user_id = $2', [pool.id, member]),
      1,
    );
  });
});

test('the ledger verifies after everything above', async () => {
  const report = await verifyLedger(db.ctx, {});
  assert.equal(report.ok, true, JSON.stringify(report.violations));
});
