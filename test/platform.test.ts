import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ConfigError, parseEnv } from '../config/env.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { createMembers, createPool, createTestDatabase, type TestDatabase } from './helpers/db.ts';

const BIN = new URL('../bin/power-realms.js', import.meta.url).pathname;

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

describe('config', () => {
  test('defaults parse', () => {
    const env = parseEnv({});
    assert.equal(env.PORT, 3000);
    assert.equal(env.HOST, '127.0.0.1');
    assert.equal(env.PLATFORM_FEE_BPS, 1000);
    assert.equal(env.DATABASE_URL, undefined);
  });

  test('a bad variable fails fast, named, without echoing its value', () => {
    assert.throws(
      () => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://secret-password@host/db' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /PORT/);
        assert.match(error.message, /DATABASE_URL/);
        assert.doesNotMatch(error.message, /secret-password/);
        return true;
      },
    );
  });
});

describe('the power-realms command', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.close());

  test('admin token: the first user is the Global Admin, the next is not', async () => {
    const first = await run(['admin', 'token', '--name', 'Founder', '--json'], { DATABASE_URL: db.url });
    assert.equal(first.code, 0, first.stderr);
    const founder = JSON.parse(first.stdout) as { userId: string; token: string; isGlobalAdmin: boolean };
    assert.match(founder.token, /^pr_[A-Za-z0-9_-]{43}$/);
    assert.equal(founder.isGlobalAdmin, true);
    const second = await run(['admin', 'token', '--name', 'Guest', '--json'], { DATABASE_URL: db.url });
    assert.equal((JSON.parse(second.stdout) as { isGlobalAdmin: boolean }).isGlobalAdmin, false);
    const { rows } = await db.pool.query<{ token_hash: string }>('select token_hash from personal_access_tokens');
    assert.equal(rows.length, 2);
    assert.ok(
      rows.every((row) => row.token_hash !== founder.token),
      'tokens are stored hashed',
    );
  });

  test('admin pool and admin deposit: idempotent on the reference, refuses bad input', async () => {
    const user = await run(['admin', 'token', '--name', 'Depositor', '--json'], { DATABASE_URL: db.url });
    const { userId } = JSON.parse(user.stdout) as { userId: string };
    const created = await run(['admin', 'pool', '--name', 'Render Farm', '--owner', userId, '--json'], {
      DATABASE_URL: db.url,
    });
    assert.equal(created.code, 0, created.stderr);
    const { poolId } = JSON.parse(created.stdout) as { poolId: string };
    const deposit = ['admin', 'deposit', '--pool', poolId, '--user', userId, '--amount-micros', '2500000'];
    const firstRun = await run([...deposit, '--reference', 'wire-7', '--json'], { DATABASE_URL: db.url });
    assert.equal(firstRun.code, 0, firstRun.stderr);
    const again = await run([...deposit, '--reference', 'wire-7', '--json'], { DATABASE_URL: db.url });
    const replay = JSON.parse(again.stdout) as { replayed: boolean; balance: { availableMicros: string } };
    assert.equal(replay.replayed, true);
    assert.equal(replay.balance.availableMicros, '2500000');
    const bad = await run(
      ['admin', 'deposit', '--pool', poolId, '--user', userId, '--amount-micros', '-5', '--reference', 'x'],
      {
        DATABASE_URL: db.url,
      },
    );
    assert.equal(bad.code, 2);
    const unknownPool = await run(
      [
        'admin',
        'deposit',
        '--pool',
        '01a20a45-0000-7000-8000-000000000000',
        '--user',
        userId,
        '--amount-micros',
        '1',
        '--reference',
        'y',
        '--json',
      ],
      { DATABASE_URL: db.url },
    );
    assert.equal(unknownPool.code, 1);
    assert.equal(
      (JSON.parse(unknownPool.stderr.trim().split('\n').pop() ?? '{}') as { error: string }).error,
      'POOL_NOT_FOUND',
    );
    const verify = await run(['admin', 'verify', '--json'], { DATABASE_URL: db.url });
    assert.equal(verify.code, 0);
    assert.equal((JSON.parse(verify.stdout) as { ok: boolean }).ok, true);
  });

  test('a bad environment variable stops the command with its name', async () => {
    const result = await run(['migrate'], { DATABASE_URL: db.url, PORT: 'not-a-port' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /PORT/);
  });

  test('start: health, readiness, parts that are off, the worker expires holds, SIGTERM drains', async () => {
    const pool = await createPool(db);
    const [payer, payee] = await createMembers(db, pool, 2);
    assert.ok(payer && payee);
    await recordDeposit(db.ctx, {
      poolId: pool.poolId,
      currency: pool.currency,
      memberAccountId: payer.accountId,
      amountMicros: 1_000n,
      reference: 'platform-test',
    });
    const { hold } = await createHold(db.ctx, {
      poolId: pool.poolId,
      payerAccountId: payer.accountId,
      payeeAccountId: payee.accountId,
      amountMicros: 400n,
      timeoutSeconds: 1,
      idempotencyKey: 'platform-test-hold',
    });

    const child: ChildProcess = spawn(process.execPath, [BIN, 'start'], {
      env: { ...process.env, DATABASE_URL: db.url, PORT: '0', HOLD_EXPIRY_SWEEP_SECONDS: '1', LOG_LEVEL: 'warn' },
      stdio: 'pipe',
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      let base: string | undefined;
      for (let i = 0; i < 100 && !base; i += 1) {
        base = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
        if (!base) await sleep(100);
      }
      assert.ok(base, `no listening line in:\n${stdout}`);
      assert.match(stdout, /Discord bot off: DISCORD_TOKEN not set/);
      assert.match(stdout, /Telegram bot off: TELEGRAM_BOT_TOKEN not set/);
      assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'alive' });
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, { database: 'ok', migrations: 'ok' });
      const missing = await fetch(`${base}/nope`);
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');

      let view = await db.ctx.store.getHold(hold.id);
      for (let i = 0; i < 150 && !view?.resolution; i += 1) {
        await sleep(100);
        view = await db.ctx.store.getHold(hold.id);
      }
      assert.equal(view?.resolution?.kind, 'expire_pending', 'the worker expired the hold');
      const payerAccount = await db.ctx.store.getAccount(payer.accountId);
      assert.equal(payerAccount?.debitsPendingMicros, 0n);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, 'SIGTERM drains and exits cleanly');
    assert.equal((await verifyLedger(db.ctx)).ok, true);
  });
});
