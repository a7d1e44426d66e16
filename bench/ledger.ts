/**
 * Ledger throughput against a pgbench baseline measured in the same run.
 *
 *   npm run bench -- ledger [--json] [--seconds N] [--clients N] [--accounts N]
 *
 * 1. Baseline: pgbench's built-in TPC-B-like script (scale 64) in a database of its own.
 * 2. Setup: N member accounts of one pool (default 10,000), each funded by recordDeposit through the engine.
 * 3. Two shapes, each a 2 s warm-up then --seconds of C clients looping trades (createHold → releaseHold with a
 *    10 % platform fee): "uniform" (payer and payee uniform at random) and "hot" (one fixed payee).
 * 4. verifyLedger must report ok: batching kept every guarantee.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { platformAccounts, type LedgerContext } from '../core/ledger/context.ts';
import { createHold } from '../core/ledger/create-hold.ts';
import { LedgerEngine } from '../core/ledger/engine.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { releaseHold } from '../core/ledger/release-hold.ts';
import type { LedgerStore, LedgerTx } from '../core/ledger/store.ts';
import { verifyLedger, type VerifyReport } from '../core/ledger/verify-ledger.ts';
import { PgLedgerStore } from '../db/ledger-store.ts';
import { migrate, openOrm } from '../db/orm.ts';
import { createPgPool } from '../db/pg.ts';
import { createLogger, safeUrl } from '../lib/logger.ts';
import { parseEnv } from '../config/env.ts';
import { uuidv7 } from '../lib/uuid.ts';
import {
  createDatabase,
  dropDatabases,
  fmt,
  inChunks,
  nowMs,
  positiveInt,
  round,
  summarise,
  table,
  verdict,
  which,
} from './lib.ts';

const WARMUP_SECONDS = 2;
const PGBENCH_SCALE = 64;
const PGBENCH_THREADS = 2;
const FEE_BPS = 1000;
const HOLD_TIMEOUT_SECONDS = 300;
/** One million units per member: no trade can run out of funds, whatever --accounts and --seconds are. */
const DEPOSIT_MICROS = 1_000_000_000_000n;
const CURRENCY = 'PRC';
/** The same pool size the platform opens (cli/platform.ts). */
const PG_POOL_SIZE = 10;
const SETUP_CHUNK = 500;
/** Pools the members are spread over (each shape gets its own set). */
const POOLS = 100;

const TARGET_UNIFORM_VS_PGBENCH = 1.0;
const TARGET_HOT_VS_UNIFORM = 0.8;
const TARGET_P99_MS = 50;

type Shape = 'uniform' | 'hot';

interface ShapeResult {
  trades: number;
  tradesPerSec: number;
  latencyMsP50: number;
  latencyMsP99: number;
  latencyMsMax: number;
  latencyMsMean: number;
  errors: number;
  /** Ledger commands per committed engine transaction over the measured window. */
  avgBatchSize: number | null;
  commitsPerSec: number;
}

interface PgbenchResult {
  tps: number;
  latencyMsAvg: number | null;
}

interface Options {
  json: boolean;
  seconds: number;
  clients: number;
  accounts: number;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      json: { type: 'boolean', default: false },
      seconds: { type: 'string' },
      clients: { type: 'string' },
      accounts: { type: 'string' },
    },
  });
  const options = {
    json: values.json ?? false,
    seconds: positiveInt('seconds', values.seconds, 15),
    clients: positiveInt('clients', values.clients, 64),
    accounts: positiveInt('accounts', values.accounts, 10_000),
  };
  if (options.accounts < 2) throw new Error('--accounts must be at least 2 (a trade needs a payer and a payee)');
  return options;
}

/** Progress goes to stderr so that stdout holds the tables and, with --json, the JSON object last. */
const progress = (message: string) => process.stderr.write(`[bench ledger] ${message}\n`);

/** Set by SIGINT/SIGTERM or the first failed trade; every loop checks it so that cleanup always runs. */
class Abort {
  reason: Error | null = null;
  readonly controller = new AbortController();
  fail(error: Error): void {
    if (this.reason) return;
    this.reason = error;
    this.controller.abort(error);
  }
  check(): void {
    if (this.reason) throw this.reason;
  }
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const serverUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const suffix = randomBytes(6).toString('hex');
  const benchDb = `pr_bench_${suffix}`;
  const pgbenchDb = `pr_pgbench_${suffix}`;
  const abort = new Abort();
  const onSignal = (signal: NodeJS.Signals) => abort.fail(new Error(`interrupted by ${signal}`));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  printHeader(options, serverUrl);
  const created: string[] = [];
  try {
    const pgbench = await runPgbench(serverUrl, pgbenchDb, options, abort, created);
    abort.check();
    const { uniform, hot, report } = await runLedger(serverUrl, benchDb, options, abort, created);
    printResults(options, pgbench, uniform, hot, report);
    if (!report.ok) throw new Error('verifyLedger reported a broken ledger after the run (see above)');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await dropDatabases(serverUrl, created);
  }
}

function printHeader(options: Options, serverUrl: string): void {
  console.log(`Ledger benchmark — server ${safeUrl(serverUrl)}`);
  console.log(
    `${options.clients} clients, ${options.accounts.toLocaleString('en-US')} member accounts per shape, ` +
      `${WARMUP_SECONDS} s warm-up then ${options.seconds} s per shape.`,
  );
  console.log(
    'A trade = createHold(payer → payee, 1..1000 micros, timeout 300 s) then releaseHold(full amount, fee 1000 bps,\n' +
      "paid to the platform fee account of the pool's currency); latency is hold start → release done.\n" +
      `Members are spread over ${POOLS} pools; payer and payee are drawn uniformly within a random pool.\n` +
      '  uniform: every pool keeps its own currency, so fees spread over as many platform fee accounts.\n' +
      '  hot:     every pool keeps the same currency, so every trade pays the one platform fee account.\n' +
      `Baseline: pgbench -i -q -s ${PGBENCH_SCALE}; pgbench -c ${options.clients} -j ${PGBENCH_THREADS} ` +
      `-T ${options.seconds} -M prepared (built-in TPC-B-like).\n`,
  );
}

// --- Step 1: pgbench baseline -------------------------------------------------------------------------------------

async function runPgbench(
  serverUrl: string,
  name: string,
  options: Options,
  abort: Abort,
  created: string[],
): Promise<PgbenchResult | null> {
  const pgbench = which('pgbench');
  if (!pgbench) {
    progress('pgbench is not on PATH: no baseline (pgbenchTps = null)');
    console.log('pgbench: not found on PATH — no baseline, ratios are null.\n');
    return null;
  }
  const url = await createDatabase(serverUrl, name, created);
  try {
    progress(`pgbench: initialising scale ${PGBENCH_SCALE} in ${name}`);
    let started = nowMs();
    await exec(pgbench, ['-i', '-q', '-s', String(PGBENCH_SCALE), url], abort);
    progress(`pgbench: initialised in ${fmt((nowMs() - started) / 1000)} s; running ${options.seconds} s`);
    started = nowMs();
    const out = await exec(
      pgbench,
      [
        '-c',
        String(options.clients),
        '-j',
        String(Math.min(PGBENCH_THREADS, options.clients)),
        '-T',
        String(options.seconds),
        '-M',
        'prepared',
        url,
      ],
      abort,
    );
    const tps = /^tps = ([\d.]+)/m.exec(out)?.[1];
    const latency = /^latency average = ([\d.]+) ms/m.exec(out)?.[1];
    if (!tps) throw new Error(`could not find "tps = " in pgbench's output:\n${out}`);
    const result = { tps: Number(tps), latencyMsAvg: latency ? Number(latency) : null };
    progress(`pgbench: ${fmt(result.tps)} tps, latency average ${fmt(result.latencyMsAvg, 3)} ms`);
    return result;
  } finally {
    // 6.4 M rows: free the space and the cache before the ledger runs.
    created.splice(created.indexOf(name), 1);
    await dropDatabases(serverUrl, [name]);
  }
}

/** Runs a command; resolves with stdout + stderr, rejects on a non-zero exit with the output's tail. */
function exec(command: string, args: string[], abort: Abort): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: abort.controller.signal,
      env: { ...process.env, PGAPPNAME: 'power-realms-bench' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(abort.reason ?? error));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(abort.reason ?? new Error(`${command} ${args[0]} … failed (${how}):\n${output.slice(-2000)}`));
      }
    });
  });
}

// --- Step 2: ledger setup ------------------------------------------------------------------------------------------

/** Counts committed engine transactions and the commands they carried, to report the average batch size. */
class BatchCounter {
  commits = 0;
  commands = 0;

  wrap(store: LedgerStore): LedgerStore {
    return new Proxy(store, {
      get: (target, property) => {
        if (property === 'transaction') {
          return <T>(fn: (tx: LedgerTx) => Promise<T>) => this.transaction(target, fn);
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  private async transaction<T>(store: LedgerStore, fn: (tx: LedgerTx) => Promise<T>): Promise<T> {
    let commands = 0;
    const result = await store.transaction((tx) => {
      const counting: LedgerTx = Object.create(tx) as LedgerTx;
      // The engine opens each batch with every distinct idempotency key of it.
      counting.open = (input) => {
        commands = input.keys.length;
        return tx.open(input);
      };
      return fn(counting);
    });
    this.commits += 1;
    this.commands += commands;
    return result;
  }

  snapshot(): { commits: number; commands: number } {
    return { commits: this.commits, commands: this.commands };
  }
}

interface LedgerSetup {
  ctx: LedgerContext;
  /** Member account ids by pool. */
  pools: { poolId: string; members: string[] }[];
  counter: BatchCounter;
}

async function runLedger(
  serverUrl: string,
  name: string,
  options: Options,
  abort: Abort,
  created: string[],
): Promise<{ uniform: ShapeResult; hot: ShapeResult; report: VerifyReport }> {
  const url = await createDatabase(serverUrl, name, created);
  progress(`ledger: migrating ${name}`);
  const orm = await openOrm(url);
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
  const pool = createPgPool(url, PG_POOL_SIZE);
  const counter = new BatchCounter();
  const store = new PgLedgerStore(pool);
  const engine = new LedgerEngine(counter.wrap(store), {
    logger: createLogger('warn', { toStderr: true }),
    maxInFlight: parseEnv().LEDGER_MAX_IN_FLIGHT,
  });
  const ctx: LedgerContext = { engine, store };
  try {
    const uniform = await runShape(
      'uniform',
      await setUp('uniform', pool, ctx, counter, options, abort),
      options,
      abort,
    );
    const hot = await runShape('hot', await setUp('hot', pool, ctx, counter, options, abort), options, abort);
    progress('ledger: verifying');
    const started = nowMs();
    const report = await verifyLedger(ctx);
    progress(`ledger: verified in ${fmt((nowMs() - started) / 1000)} s`);
    return { uniform, hot, report };
  } finally {
    await engine.idle().catch(() => undefined);
    await pool.end();
  }
}

async function setUp(
  shape: Shape,
  pool: pg.Pool,
  ctx: LedgerContext,
  counter: BatchCounter,
  options: Options,
  abort: Abort,
): Promise<LedgerSetup> {
  const started = nowMs();
  const poolCount = Math.max(1, Math.min(POOLS, Math.floor(options.accounts / 2)));
  progress(`${shape}: opening ${options.accounts} member accounts in ${poolCount} pools`);
  const ownerId = uuidv7();
  const userIds = Array.from({ length: options.accounts }, () => uuidv7());
  const tag = randomBytes(4).toString('hex');
  await pool.query('insert into users (id, display_name) values ($1, $2)', [ownerId, `bench-owner-${tag}`]);
  for (let start = 0; start < userIds.length; start += 5000) {
    const ids = userIds.slice(start, start + 5000);
    await pool.query('insert into users (id, display_name) select * from unnest($1::uuid[], $2::text[])', [
      ids,
      ids.map((_, offset) => `bench-${tag}-${start + offset}`),
    ]);
  }
  const pools = Array.from({ length: poolCount }, (_, index) => ({
    poolId: uuidv7(),
    currency: shape === 'hot' ? CURRENCY : `U${String(index).padStart(3, '0')}`,
    members: [] as string[],
  }));
  for (const { poolId, currency } of pools) {
    await pool.query('insert into pools (id, name, type, currency, owner_user_id) values ($1, $2, $3, $4, $5)', [
      poolId,
      `bench ${shape} pool ${tag} ${currency}`,
      'public',
      currency,
      ownerId,
    ]);
  }
  const accounts = new Array<{ poolIndex: number; accountId: string }>(options.accounts);
  await inChunks(userIds, SETUP_CHUNK, async (userId, index) => {
    abort.check();
    const poolIndex = index % poolCount;
    const { poolId, currency } = pools[poolIndex] as (typeof pools)[number];
    const account = await ctx.store.openAccount({ poolId, currency, kind: 'member', userId });
    accounts[index] = { poolIndex, accountId: account.id };
  });
  for (const { poolIndex, accountId } of accounts) pools[poolIndex]?.members.push(accountId);
  progress(`${shape}: accounts open in ${fmt((nowMs() - started) / 1000)} s; funding each by recordDeposit`);

  const funding = nowMs();
  const before = counter.snapshot();
  await inChunks(accounts, SETUP_CHUNK, async ({ poolIndex, accountId }, index) => {
    abort.check();
    const { poolId, currency } = pools[poolIndex] as (typeof pools)[number];
    await recordDeposit(ctx, {
      poolId,
      currency,
      memberAccountId: accountId,
      amountMicros: DEPOSIT_MICROS,
      reference: `bench-${tag}-${index}`,
    });
  });
  // Open the fee accounts now so that the measured window does not.
  for (const { currency } of pools) await platformAccounts(ctx, currency);
  const after = counter.snapshot();
  const commits = after.commits - before.commits;
  progress(
    `${shape}: ${accounts.length} deposits in ${fmt((nowMs() - funding) / 1000)} s ` +
      `(${commits} commits, ${fmt((after.commands - before.commands) / Math.max(1, commits))} per batch)`,
  );
  return { ctx, pools: pools.map(({ poolId, members }) => ({ poolId, members })), counter };
}

// --- Step 3: trades ------------------------------------------------------------------------------------------------

async function runShape(shape: Shape, setup: LedgerSetup, options: Options, abort: Abort): Promise<ShapeResult> {
  const { ctx, pools, counter } = setup;
  const runId = randomBytes(4).toString('hex');
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown = null;

  const pick = (): { poolId: string; payer: string; payee: string } => {
    const { poolId, members } = pools[Math.floor(Math.random() * pools.length)] as (typeof pools)[number];
    const n = members.length;
    const i = Math.floor(Math.random() * n);
    let j = Math.floor(Math.random() * (n - 1));
    if (j >= i) j += 1;
    return { poolId, payer: members[i] as string, payee: members[j] as string };
  };

  const start = nowMs();
  const warmEnd = start + WARMUP_SECONDS * 1000;
  const end = warmEnd + options.seconds * 1000;
  let windowStart: { commits: number; commands: number } | null = null;
  let windowEnd: { commits: number; commands: number } | null = null;
  // Snapshots of the batch counter at the edges of the measured window, taken by whichever client passes them first.
  const mark = (t: number) => {
    if (!windowStart && t >= warmEnd) windowStart = counter.snapshot();
    if (!windowEnd && t >= end) windowEnd = counter.snapshot();
  };

  progress(`${shape}: ${WARMUP_SECONDS} s warm-up, then ${options.seconds} s with ${options.clients} clients`);
  const client = async (c: number) => {
    for (let i = 0; ; i += 1) {
      const t0 = nowMs();
      mark(t0);
      if (t0 >= end || abort.reason) return;
      const { poolId, payer, payee } = pick();
      const amountMicros = BigInt(1 + Math.floor(Math.random() * 1000));
      const key = `bench:${runId}:${shape}:${c}:${i}`;
      try {
        const { hold, replayed } = await createHold(ctx, {
          poolId,
          payerAccountId: payer,
          payeeAccountId: payee,
          amountMicros,
          timeoutSeconds: HOLD_TIMEOUT_SECONDS,
          idempotencyKey: `${key}:hold`,
        });
        if (replayed) throw new Error(`hold ${key} was replayed although its key is new`);
        const release = await releaseHold(ctx, {
          holdId: hold.id,
          hold,
          amountMicros,
          feeBps: FEE_BPS,
          idempotencyKey: `${key}:release`,
        });
        if (release.replayed) throw new Error(`release ${key} was replayed although its key is new`);
        const releasedMicros = release.posted.amountMicros + (release.fee?.amountMicros ?? 0n);
        if (releasedMicros !== amountMicros) throw new Error(`release ${key} posted a wrong amount`);
      } catch (error) {
        errors += 1;
        firstError ??= error;
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        abort.fail(new Error(`${shape}: a trade failed (client ${c}, trade ${i}): ${message}`, { cause: error }));
        return;
      }
      const t1 = nowMs();
      mark(t1);
      if (t1 > warmEnd && t1 <= end) latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  await ctx.engine.idle();
  if (abort.reason) {
    if (errors > 0) throw new Error(`${abort.reason.message} (${errors} failed trades in all)`, { cause: firstError });
    throw abort.reason;
  }
  // Every client stops at the first start past `end`, so both snapshots exist unless the run was aborted.
  const from = windowStart ?? counter.snapshot();
  const to = windowEnd ?? counter.snapshot();
  const commits = to.commits - from.commits;
  const summary = summarise(latencies);
  const result: ShapeResult = {
    trades: summary.count,
    tradesPerSec: round(summary.count / options.seconds),
    latencyMsP50: round(summary.latencyMsP50),
    latencyMsP99: round(summary.latencyMsP99),
    latencyMsMax: round(summary.latencyMsMax),
    latencyMsMean: round(summary.latencyMsMean),
    errors,
    avgBatchSize: commits > 0 ? round((to.commands - from.commands) / commits) : null,
    commitsPerSec: round(commits / options.seconds),
  };
  progress(
    `${shape}: ${result.trades} trades, ${fmt(result.tradesPerSec)} trades/s, p50 ${fmt(result.latencyMsP50, 2)} ms, ` +
      `p99 ${fmt(result.latencyMsP99, 2)} ms, batch ${fmt(result.avgBatchSize)}`,
  );
  // Let the database settle (autovacuum, checkpoints of the previous shape) a moment before the next measurement.
  await sleep(250);
  return result;
}

// --- Output --------------------------------------------------------------------------------------------------------

function printResults(
  options: Options,
  pgbench: PgbenchResult | null,
  uniform: ShapeResult,
  hot: ShapeResult,
  report: VerifyReport,
): void {
  const pgbenchTps = pgbench ? round(pgbench.tps) : null;
  const ratioVsPgbench = pgbenchTps ? round(uniform.tradesPerSec / pgbenchTps, 3) : null;
  const hotVsUniform = uniform.tradesPerSec > 0 ? round(hot.tradesPerSec / uniform.tradesPerSec, 3) : null;

  console.log(
    table(
      ['', 'tx or trades/s', 'p50 ms', 'p99 ms', 'max ms', 'mean ms', 'count', 'errors', 'batch', 'commits/s'],
      [
        [
          'pgbench (TPC-B-like)',
          fmt(pgbenchTps),
          '—',
          '—',
          '—',
          fmt(pgbench?.latencyMsAvg ?? null, 2),
          '—',
          '—',
          '—',
          '—',
        ],
        ...(['uniform', 'hot'] as const).map((shape) => {
          const r = shape === 'uniform' ? uniform : hot;
          return [
            `ledger ${shape}`,
            fmt(r.tradesPerSec),
            fmt(r.latencyMsP50, 2),
            fmt(r.latencyMsP99, 2),
            fmt(r.latencyMsMax, 2),
            fmt(r.latencyMsMean, 2),
            String(r.trades),
            String(r.errors),
            fmt(r.avgBatchSize),
            fmt(r.commitsPerSec),
          ];
        }),
      ],
    ),
  );
  console.log('\n(batch = ledger commands per engine commit; a trade is two commands)\n');

  const pass = (value: number | null, ok: (v: number) => boolean) => (value === null ? null : ok(value));
  console.log(
    table(
      ['target', 'figure', 'wanted', 'result'],
      [
        [
          'uniform vs pgbench',
          ratioVsPgbench === null ? '—' : `${fmt(ratioVsPgbench, 2)}×`,
          `≥ ${fmt(TARGET_UNIFORM_VS_PGBENCH, 1)}×`,
          verdict(pass(ratioVsPgbench, (v) => v >= TARGET_UNIFORM_VS_PGBENCH)),
        ],
        [
          'hot vs uniform',
          hotVsUniform === null ? '—' : `${fmt(hotVsUniform, 2)}×`,
          `≥ ${fmt(TARGET_HOT_VS_UNIFORM, 1)}×`,
          verdict(pass(hotVsUniform, (v) => v >= TARGET_HOT_VS_UNIFORM)),
        ],
        [
          'uniform p99',
          `${fmt(uniform.latencyMsP99, 2)} ms`,
          `≤ ${TARGET_P99_MS} ms`,
          verdict(uniform.latencyMsP99 <= TARGET_P99_MS),
        ],
        [
          'hot p99',
          `${fmt(hot.latencyMsP99, 2)} ms`,
          `≤ ${TARGET_P99_MS} ms`,
          verdict(hot.latencyMsP99 <= TARGET_P99_MS),
        ],
      ],
    ),
  );

  const transfersChecked = report.chains.reduce((sum, chain) => sum + chain.transfersChecked, 0);
  console.log(
    `\nverifyLedger: ${report.ok ? 'ok' : 'NOT OK'} — ${report.accountsChecked} accounts, ` +
      `${transfersChecked} transfers in ${report.chains.length} chain(s); ` +
      `${report.balanceMismatches.length} balance mismatches, ${report.currencyImbalances.length} currency ` +
      `imbalances, ${report.violations.length} rule violations, ` +
      `${report.chains.filter((chain) => chain.brokenAtSeq !== null || chain.checkpointMismatches.length > 0).length} ` +
      'broken chains',
  );
  if (!report.ok) console.log(JSON.stringify(report, null, 2));

  if (options.json) {
    console.log(
      JSON.stringify({
        benchmark: 'ledger',
        pgbenchTps,
        pgbenchLatencyMsAvg: pgbench?.latencyMsAvg ?? null,
        uniform,
        hot,
        ratioVsPgbench,
        hotVsUniform,
        clients: options.clients,
        accounts: options.accounts,
        pools: POOLS,
        ledgerMaxInFlight: parseEnv().LEDGER_MAX_IN_FLIGHT,
        seconds: options.seconds,
        warmupSeconds: WARMUP_SECONDS,
        verifyOk: report.ok,
        targets: {
          uniformVsPgbench: TARGET_UNIFORM_VS_PGBENCH,
          hotVsUniform: TARGET_HOT_VS_UNIFORM,
          latencyMsP99: TARGET_P99_MS,
        },
      }),
    );
  }
}
