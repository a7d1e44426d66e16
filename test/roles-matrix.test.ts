/**
 * Every role against every pool action, through the real use cases: each cell runs in a pool of its own and expects
 * either success or one precise error code. The table below is the specification of who may do what.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor, AppContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import { createMemberHold } from '../core/holds/create-member-hold.ts';
import { getBalance, listPoolLedger, verifyPoolLedger } from '../core/holds/pool-reads.ts';
import { releaseMemberHold, voidMemberHold } from '../core/holds/resolve-member-hold.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { leavePool } from '../core/members/leave-pool.ts';
import { listMembers } from '../core/members/list-members.ts';
import { moderateMember } from '../core/members/moderate-member.ts';
import { setOfficer } from '../core/members/set-officer.ts';
import { transferOwnership } from '../core/members/transfer-ownership.ts';
import { updatePlatformSettings } from '../core/platform/settings.ts';
import { bindChat } from '../core/pools/bind-chat.ts';
import { getPool } from '../core/pools/get-pool.ts';
import { setPoolSuspended } from '../core/pools/suspend-pool.ts';
import { updatePoolSettings } from '../core/pools/update-pool-settings.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { buyMachineSlots } from '../core/machines/buy-machine-slots.ts';
import { registerMachine } from '../core/machines/register-machine.ts';
import { removeMachine } from '../core/machines/remove-machine.ts';
import { createReferralCode } from '../core/referrals/referral-codes.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { acceptOffer } from '../core/market/accept-offer.ts';
import { cancelDeal } from '../core/market/cancel-deal.ts';
import { confirmDeal } from '../core/market/complete-deal.ts';
import { createOffer } from '../core/market/create-offer.ts';
import { deliverDeal } from '../core/market/deliver-deal.ts';
import { updateOffer } from '../core/market/update-offer.ts';
import { openDispute } from '../core/disputes/open-dispute.ts';
import { voteOnDispute } from '../core/disputes/vote-dispute.ts';
import { listFraudFlags } from '../core/fraud/fraud-flags.ts';
import { recordContribution } from '../core/rewards/record-contribution.ts';
import { settleRewards } from '../core/rewards/settle-rewards.ts';
import { completeWithdrawal } from '../core/withdrawals/complete-withdrawal.ts';
import { decideWithdrawal } from '../core/withdrawals/decide-withdrawal.ts';
import { requestWithdrawal } from '../core/withdrawals/request-withdrawal.ts';
import { actor, appContext, fund } from './helpers/app.ts';
import { createMembers, createPool, createTestDatabase, createUser, type TestDatabase } from './helpers/db.ts';

let db: TestDatabase;
let adminId: string;
before(async () => {
  db = await createTestDatabase();
  adminId = await createUser(db, 'global-admin');
  await db.pool.query('update users set is_global_admin = true where id = $1', [adminId]);
});
after(() => db.close());

const ROLES = ['admin', 'owner', 'officer', 'member', 'suspended', 'banned', 'outsider'] as const;
type Role = (typeof ROLES)[number];

/** A pool with one person in each role, two more officers and members to act on, funds, and two open holds. */
async function world() {
  const pool = await createPool(db);
  const [officer, member, suspended, banned, target, officer2] = await createMembers(db, pool, 6);
  assert.ok(officer && member && suspended && banned && target && officer2);
  const outsider = await createUser(db);
  const set = (userId: string, column: 'role' | 'status', value: string) =>
    db.pool.query(`update pool_members set ${column} = $1 where pool_id = $2 and user_id = $3`, [
      value,
      pool.poolId,
      userId,
    ]);
  await set(officer.userId, 'role', 'officer');
  await set(officer2.userId, 'role', 'officer');
  for (const who of [pool.ownerId, officer.userId, member.userId, suspended.userId, banned.userId])
    await fund(db, pool, who, 10_000_000n);
  await db.pool.query('update pools set machine_slot_price_micros = 1000000 where id = $1', [pool.poolId]);
  const machine = await registerMachine(appContext(db), actor(target.userId), {
    poolId: pool.poolId,
    name: 'target rig',
    hardware: { cpu: 'i5', ramGb: 16, os: 'Windows' },
    hwid: `target-${pool.poolId}`,
  });
  await set(suspended.userId, 'status', 'suspended');
  await set(banned.userId, 'status', 'banned');
  const hold = async (payer: string, payee: string, key: string) => {
    const [payerAccount, payeeAccount] = await Promise.all(
      [payer, payee].map((userId) =>
        db.ctx.store.openAccount({ poolId: pool.poolId, currency: pool.currency, kind: 'member', userId }),
      ),
    );
    assert.ok(payerAccount && payeeAccount);
    const created = await createHold(db.ctx, {
      poolId: pool.poolId,
      payerAccountId: payerAccount.id,
      payeeAccountId: payeeAccount.id,
      amountMicros: 1_000_000n,
      timeoutSeconds: 3600,
      idempotencyKey: `${key}-${pool.poolId}`,
    });
    return created.hold.id;
  };
  const ids: Record<Role, string> = {
    admin: adminId,
    owner: pool.ownerId,
    officer: officer.userId,
    member: member.userId,
    suspended: suspended.userId,
    banned: banned.userId,
    outsider,
  };
  let economy: Promise<Economy> | null = null;
  return {
    pool,
    ids,
    /** The marketplace, a dispute, withdrawals and a contribution, made on first use (most cells need none). */
    economy: () => (economy ??= economyOf(pool.poolId, ids, target.userId, officer2.userId)),
    target: target.userId,
    targetMachine: machine.id,
    officer2: officer2.userId,
    /** member → target: the member is the payer, the target the payee. */
    memberHold: await hold(member.userId, target.userId, 'member-hold'),
    /** officer → target: a plain member is no party to it. */
    otherHold: await hold(officer.userId, target.userId, 'other-hold'),
  };
}

/**
 * The target sells a cosmetic; the member has bought one (reserved) and the second officer another (delivered, then
 * disputed by them); the member asked for one withdrawal (waiting) and another (approved by the owner); the target
 * contributed work.
 */
async function economyOf(poolId: string, ids: Record<Role, string>, target: string, officer2: string) {
  const ctx = appContext(db);
  await fund(db, { poolId, currency: 'PRC' }, officer2, 10_000_000n);
  const offer = await createOffer(ctx, actor(target), {
    poolId,
    kind: 'cosmetic',
    title: 'Badge',
    priceMicros: 1_000_000n,
  });
  const { deal } = await acceptOffer(ctx, actor(ids.member), { offerId: offer.id, idempotencyKey: key() });
  const disputed = (await acceptOffer(ctx, actor(officer2), { offerId: offer.id, idempotencyKey: key() })).deal;
  await deliverDeal(ctx, actor(target), { dealId: disputed.id });
  const dispute = await openDispute(ctx, actor(officer2), { dealId: disputed.id, statement: 'not as described' });
  const withdraw = () =>
    requestWithdrawal(ctx, actor(ids.member), {
      poolId,
      amountMicros: 500_000n,
      destinationKind: 'paypal',
      destination: 'member@example.com',
      idempotencyKey: key(),
    });
  const waiting = (await withdraw()).withdrawal;
  const approved = (await withdraw()).withdrawal;
  await decideWithdrawal(ctx, actor(ids.owner), { withdrawalId: approved.id, choice: 'approve' });
  await recordContribution(ctx, actor(ids.owner), { poolId, userId: target, units: 10n, idempotencyKey: key() });
  return { offerId: offer.id, dealId: deal.id, disputeId: dispute.id, waiting: waiting.id, approved: approved.id };
}
type Economy = Awaited<ReturnType<typeof economyOf>>;

type World = Awaited<ReturnType<typeof world>>;
type Action = (ctx: AppContext, who: Actor, w: World) => Promise<unknown>;

const key = () => `matrix-${Math.random().toString(36).slice(2)}`;

const ACTIONS: Record<string, Action> = {
  'view pool': (ctx, who, w) => getPool(ctx, who, { poolId: w.pool.poolId }),
  'change pool rules': (ctx, who, w) => updatePoolSettings(ctx, who, w.pool.poolId, { rules: 'be kind' }),
  'set minimum prices': (ctx, who, w) =>
    updatePoolSettings(ctx, who, w.pool.poolId, { minPricesMicros: { compute_time: 1_000_000n } }),
  'bind a Telegram chat': (ctx, who, w) =>
    bindChat(ctx, who, {
      poolId: w.pool.poolId,
      platform: 'telegram',
      chatId: `-100${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    }),
  'appoint an officer': (ctx, who, w) =>
    setOfficer(ctx, who, { poolId: w.pool.poolId, userId: w.target, officer: true }),
  'remove an officer': (ctx, who, w) =>
    setOfficer(ctx, who, { poolId: w.pool.poolId, userId: w.officer2, officer: false }),
  'transfer ownership': (ctx, who, w) => transferOwnership(ctx, who, { poolId: w.pool.poolId, toUserId: w.target }),
  'suspend a member': (ctx, who, w) =>
    moderateMember(ctx, who, { poolId: w.pool.poolId, userId: w.target, action: 'suspend' }),
  'ban a member': (ctx, who, w) => moderateMember(ctx, who, { poolId: w.pool.poolId, userId: w.target, action: 'ban' }),
  'suspend an officer': (ctx, who, w) =>
    moderateMember(ctx, who, { poolId: w.pool.poolId, userId: w.officer2, action: 'suspend' }),
  'hold own funds for a member': (ctx, who, w) =>
    createMemberHold(ctx, who, {
      poolId: w.pool.poolId,
      payeeUserId: w.target,
      amountMicros: 500_000n,
      idempotencyKey: key(),
    }),
  "release the member's hold": (ctx, who, w) =>
    releaseMemberHold(ctx, who, { holdId: w.memberHold, idempotencyKey: key() }),
  "release someone else's hold": (ctx, who, w) =>
    releaseMemberHold(ctx, who, { holdId: w.otherHold, idempotencyKey: key() }),
  "void the member's hold": (ctx, who, w) => voidMemberHold(ctx, who, { holdId: w.memberHold, idempotencyKey: key() }),
  'register a machine': (ctx, who, w) =>
    registerMachine(ctx, who, {
      poolId: w.pool.poolId,
      name: 'my rig',
      hardware: { cpu: 'Ryzen 5', ramGb: 32, os: 'Linux' },
      hwid: `hw-${who.userId}`,
    }),
  "remove a member's machine": (ctx, who, w) =>
    removeMachine(ctx, who, { poolId: w.pool.poolId, machineId: w.targetMachine }),
  'buy machine slots': (ctx, who, w) =>
    buyMachineSlots(ctx, who, { poolId: w.pool.poolId, slots: 1, idempotencyKey: key() }),
  'create a referral code': (ctx, who, w) =>
    createReferralCode(ctx, who, { poolId: w.pool.poolId, publicUrl: 'https://realms.example' }),
  'see own balance': (ctx, who, w) => getBalance(ctx, who, { poolId: w.pool.poolId }),
  'read the pool ledger': (ctx, who, w) => listPoolLedger(ctx, who, { poolId: w.pool.poolId, limit: 10 }),
  'verify the pool ledger': (ctx, who, w) => verifyPoolLedger(ctx, who, { poolId: w.pool.poolId }),
  'list members': (ctx, who, w) => listMembers(ctx, who, { poolId: w.pool.poolId, limit: 10 }),
  'join the pool': (ctx, who, w) => joinPool(ctx, who, { poolId: w.pool.poolId }),
  'leave the pool': (ctx, who, w) => leavePool(ctx, who, { poolId: w.pool.poolId }),
  'change the platform fee': (ctx, who) => updatePlatformSettings(ctx, who, { platformFeeBps: 1000 }),
  'suspend the pool': (ctx, who, w) => setPoolSuspended(ctx, who, { poolId: w.pool.poolId, suspended: true }),
  'list an offer': (ctx, who, w) =>
    createOffer(ctx, who, { poolId: w.pool.poolId, kind: 'cosmetic', title: 'Hat', priceMicros: 2_000_000n }),
  'buy an offer': async (ctx, who, w) =>
    acceptOffer(ctx, who, { offerId: (await w.economy()).offerId, idempotencyKey: key() }),
  "pause someone's offer": async (ctx, who, w) =>
    updateOffer(ctx, who, { offerId: (await w.economy()).offerId, status: 'paused' }),
  "confirm the member's deal": async (ctx, who, w) => confirmDeal(ctx, who, { dealId: (await w.economy()).dealId }),
  "cancel the member's deal": async (ctx, who, w) => cancelDeal(ctx, who, { dealId: (await w.economy()).dealId }),
  "dispute the member's deal": async (ctx, who, w) =>
    openDispute(ctx, who, { dealId: (await w.economy()).dealId, statement: 'never arrived' }),
  'vote on a dispute': async (ctx, who, w) =>
    voteOnDispute(ctx, who, { disputeId: (await w.economy()).disputeId, outcome: 'refund_full' }),
  'request a withdrawal': (ctx, who, w) =>
    requestWithdrawal(ctx, who, {
      poolId: w.pool.poolId,
      amountMicros: 1_000_000n,
      destinationKind: 'usdt_erc20',
      destination: '0x52908400098527886E0F7030069857D2E4169EE7',
      idempotencyKey: key(),
    }),
  "approve the member's withdrawal": async (ctx, who, w) =>
    decideWithdrawal(ctx, who, { withdrawalId: (await w.economy()).waiting, choice: 'approve' }),
  'record a paid withdrawal': async (ctx, who, w) =>
    completeWithdrawal(ctx, who, { withdrawalId: (await w.economy()).approved, reference: 'bank 42' }),
  'record a contribution': (ctx, who, w) =>
    recordContribution(ctx, who, { poolId: w.pool.poolId, userId: w.target, units: 5n, idempotencyKey: key() }),
  'distribute an external reward': async (ctx, who, w) => {
    await w.economy();
    return settleRewards(ctx, who, {
      poolId: w.pool.poolId,
      amountMicros: 3_000_000n,
      windowStart: new Date(Date.now() - 3_600_000),
      windowEnd: new Date(Date.now() + 60_000),
      source: 'external',
      reference: 'payout-1',
      idempotencyKey: key(),
    });
  },
  "see the pool's fraud flags": (ctx, who, w) => listFraudFlags(ctx, who, { poolId: w.pool.poolId, limit: 10 }),
  'see fraud flags of every pool': (ctx, who) => listFraudFlags(ctx, who, { limit: 10 }),
};

const OK = 'ok';
/** Columns in ROLES order: admin, owner, officer, member, suspended, banned, outsider. */
const MATRIX: Record<keyof typeof ACTIONS, readonly string[]> = {
  'view pool': [OK, OK, OK, OK, OK, OK, OK],
  'change pool rules': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'set minimum prices': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'bind a Telegram chat': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'appoint an officer': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'remove an officer': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'transfer ownership': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'suspend a member': ['NOT_A_MEMBER', OK, OK, 'NOT_AN_OFFICER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'ban a member': ['NOT_A_MEMBER', OK, OK, 'NOT_AN_OFFICER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'suspend an officer': [
    'NOT_A_MEMBER',
    OK,
    'ROLE_CHANGE_NOT_ALLOWED',
    'NOT_AN_OFFICER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'hold own funds for a member': ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  "release the member's hold": ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  "release someone else's hold": [
    'NOT_A_MEMBER',
    OK,
    OK,
    'NOT_HOLD_PARTY',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  "void the member's hold": [
    'NOT_A_MEMBER',
    OK,
    OK,
    'NOT_HOLD_PARTY',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'register a machine': ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  "remove a member's machine": [
    'NOT_A_MEMBER',
    OK,
    OK,
    'NOT_AN_OFFICER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'buy machine slots': ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'create a referral code': ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'see own balance': ['NOT_A_MEMBER', OK, OK, OK, OK, OK, 'NOT_A_MEMBER'],
  'read the pool ledger': ['NOT_A_MEMBER', OK, OK, OK, OK, 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'verify the pool ledger': ['NOT_A_MEMBER', OK, OK, OK, OK, 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'list members': ['NOT_A_MEMBER', OK, OK, OK, OK, 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'join the pool': [
    OK,
    'ALREADY_A_MEMBER',
    'ALREADY_A_MEMBER',
    'ALREADY_A_MEMBER',
    'ALREADY_A_MEMBER',
    'MEMBER_BANNED',
    OK,
  ],
  'leave the pool': ['NOT_A_MEMBER', 'OWNER_CANNOT_LEAVE', OK, OK, OK, 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'change the platform fee': [
    OK,
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
  ],
  'suspend the pool': [
    OK,
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
  ],
  'list an offer': ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'buy an offer': ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  "pause someone's offer": [
    'NOT_A_MEMBER',
    OK,
    OK,
    'NOT_DEAL_PARTY',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  "confirm the member's deal": [
    'NOT_A_MEMBER',
    'NOT_DEAL_PARTY',
    'NOT_DEAL_PARTY',
    OK,
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  "cancel the member's deal": ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  "dispute the member's deal": [
    'NOT_A_MEMBER',
    'NOT_DEAL_PARTY',
    'NOT_DEAL_PARTY',
    OK,
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'vote on a dispute': ['NOT_A_MEMBER', OK, OK, 'NOT_AN_OFFICER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  'request a withdrawal': ['NOT_A_MEMBER', OK, OK, OK, 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'NOT_A_MEMBER'],
  "approve the member's withdrawal": [
    'NOT_A_MEMBER',
    OK,
    OK,
    'NOT_AN_OFFICER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'record a paid withdrawal': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'record a contribution': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'distribute an external reward': [
    'NOT_A_MEMBER',
    OK,
    'NOT_POOL_OWNER',
    'NOT_POOL_OWNER',
    'MEMBER_SUSPENDED',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  "see the pool's fraud flags": [
    'NOT_A_MEMBER',
    OK,
    OK,
    'NOT_AN_OFFICER',
    'NOT_AN_OFFICER',
    'MEMBER_BANNED',
    'NOT_A_MEMBER',
  ],
  'see fraud flags of every pool': [
    OK,
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
    'NOT_GLOBAL_ADMIN',
  ],
};

/** 'ok', or the code of the business failure; anything else is a bug and fails the test. */
async function codeOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return OK;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

async function outcome(action: Action, role: Role): Promise<string> {
  const w = await world();
  return codeOf(action(appContext(db), actor(w.ids[role], role === 'admin'), w));
}

describe('role × action', () => {
  for (const [name, action] of Object.entries(ACTIONS)) {
    test(name, async () => {
      const expected = MATRIX[name];
      assert.ok(expected, `no expectations for ${name}`);
      const actual: string[] = [];
      for (const role of ROLES) actual.push(await outcome(action, role));
      assert.deepEqual(
        Object.fromEntries(ROLES.map((role, i) => [role, actual[i]])),
        Object.fromEntries(ROLES.map((role, i) => [role, expected[i]])),
      );
    });
  }
});

describe('in a pool the Global Admin suspended', () => {
  const SUSPENDED_POOL: [string, string][] = [
    ['hold own funds for a member', 'POOL_SUSPENDED'],
    ["release the member's hold", 'POOL_SUSPENDED'],
    ['change pool rules', 'POOL_SUSPENDED'],
    ['join the pool', 'POOL_SUSPENDED'],
    ['read the pool ledger', OK],
    ['see own balance', OK],
    ['leave the pool', OK],
    ['list an offer', 'POOL_SUSPENDED'],
    ['buy an offer', 'POOL_SUSPENDED'],
    ['request a withdrawal', 'POOL_SUSPENDED'],
  ];
  for (const [name, expected] of SUSPENDED_POOL) {
    test(`${name}: ${expected}`, async () => {
      const w = await world();
      const ctx = appContext(db);
      await w.economy();
      await setPoolSuspended(ctx, actor(adminId, true), { poolId: w.pool.poolId, suspended: true, reason: 'audit' });
      const who = name === 'join the pool' ? w.ids.outsider : name === 'change pool rules' ? w.ids.owner : w.ids.member;
      const action = ACTIONS[name];
      assert.ok(action);
      assert.equal(await codeOf(action(ctx, actor(who), w)), expected);
    });
  }
});

test('every cell left the ledger consistent', async () => {
  const report = await verifyLedger(db.ctx, {});
  assert.equal(report.ok, true, JSON.stringify(report.violations));
});
