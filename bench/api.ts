/**
 * The REST API's money path against the in-process use cases, measured in the same run.
 *
 *   npm run bench -- api [--json] [--seconds N] [--connections N] [--members N]
 *
 * 1. Setup: a pool with N members (default 256), each funded and holding a personal access token.
 * 2. In-process: C workers loop createMemberHold → releaseMemberHold through core (an EntityManager fork per
 *    call, as a request gets), each worker paying the next member.
 * 3. HTTP: `power-realms api` in a second process on loopback; autocannon with C connections loops
 *    POST /pools/{id}/holds → POST /holds/{id}/release, each connection as its own member, every request with a
 *    fresh Idempotency-Key.
 * 4. verifyLedger must report ok.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createAttemptLimiters } from '../api/rest/limiters.ts';
import { createAccessToken } from '../core/auth/tokens.ts';
import type { AppContext } from '../core/context.ts';
import { createMemberHold } from '../core/holds/create-member-hold.ts';
import { releaseMemberHold } from '../core/holds/resolve-member-hold.ts';
import { LedgerEngine } from '../core/ledger/engine.ts';
import { recordDeposit } from '../core/ledger/record-deposit.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { joinPool } from '../core/members/join-pool.ts';
import { createPool } from '../core/pools/create-pool.ts';
import { ensureUser } from '../core/users/ensure-user.ts';
import { PgLedgerStore } from '../db/ledger-store.ts';
import { migrate, openOrm } from '../db/orm.ts';
import { createPgPool, preparedRunner } from '../db/pg.ts';
import { safeUrl } from '../lib/logger.ts';
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
} from './lib.ts';

const WARMUP_SECONDS = 2;
const DEPOSIT_MICROS = 1_000_000_000_000n;
const TARGET_RATIO = 0.6;
/** The pool size and ledger settings the platform uses (cli/platform.ts, config/env.ts defaults). */
const PG_POOL_SIZE = 10;
const LEDGER_MAX_IN_FLIGHT = 2;

interface Options {
  json: boolean;
  seconds: number;
  connections: number;
  members: number;
}

interface Phase {
  requests: number;
  requestsPerSec: number;
  latencyMsP50: number;
  latencyMsP99: number;
  errors: number;
}

interface Member {
  userId: string;
  token: string;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      members: { type: 'string' },
    },
  });
  const options = {
    json: values.json,
    seconds: positiveInt('seconds', values.seconds, 10),
    connections: positiveInt('connections', values.connections, 64),
    members: positiveInt('members', values.members, 256),
  };
  if (options.members < options.connections + 1) throw new Error('--members must exceed --connections');
  return options;
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const serverUrl =
    process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const created: string[] = [];
  console.log(`API benchmark — server ${safeUrl(serverUrl)}`);
  console.log(
    `${options.connections} concurrent clients, ${options.members} members in one pool, ${WARMUP_SECONDS} s warm-up then ` +
      `${options.seconds} s per mode.\nAn operation is one hold or one release (10% platform fee); a client pays the next member.\n`,
  );
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const url = await createDatabase(serverUrl, `pr_bench_api_${randomBytes(6).toString('hex')}`, created);
    const setup = await setUp(url, options);
    const inProcess = await measureInProcess(setup, options);
    await setup.close();
    server = await startServer(url);
    const http = await measureHttp(server.url, setup.poolId, setup.members, options);
    const report = await checkLedger(url);
    printResults(options, inProcess, http, report.ok);
    if (!report.ok) throw new Error(`verifyLedger found problems: ${JSON.stringify(report.violations)}`);
  } finally {
    if (server) await server.stop();
    await dropDatabases(serverUrl, created);
  }
}

async function openContext(url: string) {
  const orm = await openOrm(url);
  const pgPool = createPgPool(url, PG_POOL_SIZE);
  const store = new PgLedgerStore(pgPool);
  const engine = new LedgerEngine(store, { maxInFlight: LEDGER_MAX_IN_FLIGHT });
  const limiters = createAttemptLimiters(null, 'bench');
  const context = (): AppContext => ({
    em: orm.em.fork(),
    ledger: { engine, store },
    limiters,
    defaults: { platformFeeBps: 1000, premiumPoolFeeMicros: 0n },
    prepared: preparedRunner(pgPool),
  });
  return {
    orm,
    context,
    async close() {
      await engine.idle();
      await pgPool.end();
      await orm.close(true);
    },
  };
}

async function setUp(url: string, options: Options) {
  const opened = await openContext(url);
  await migrate(opened.orm);
  const ctx = opened.context();
  const owner = await ensureUser(ctx.em, { displayName: 'bench-owner' });
  const { pool } = await createPool(
    ctx,
    { userId: owner.id, isGlobalAdmin: owner.isGlobalAdmin },
    {
      name: 'Bench pool',
      type: 'public',
    },
  );
  const members: Member[] = [];
  await inChunks(
    Array.from({ length: options.members }, (_, i) => i),
    32,
    async (i) => {
      const em = opened.orm.em.fork();
      const user = await ensureUser(em, { displayName: `bench-member-${i}` });
      const c = opened.context();
      await joinPool(c, { userId: user.id, isGlobalAdmin: false }, { poolId: pool.id });
      const account = await c.ledger.store.openAccount({
        poolId: pool.id,
        currency: pool.currency,
        kind: 'member',
        userId: user.id,
      });
      await recordDeposit(c.ledger, {
        poolId: pool.id,
        currency: pool.currency,
        memberAccountId: account.id,
        amountMicros: DEPOSIT_MICROS,
        reference: `bench-${i}`,
      });
      const { token } = await createAccessToken(em, { userId: user.id, name: 'bench', scopes: ['read', 'write'] });
      members[i] = { userId: user.id, token };
    },
  );
  return { ...opened, poolId: pool.id, members };
}

async function measureInProcess(setup: Awaited<ReturnType<typeof setUp>>, options: Options): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  const deadline = { warm: nowMs() + WARMUP_SECONDS * 1000, end: nowMs() + (WARMUP_SECONDS + options.seconds) * 1000 };
  const worker = async (index: number) => {
    const payer = setup.members[index] as Member;
    const payee = setup.members[index + 1] as Member;
    const actor = { userId: payer.userId, isGlobalAdmin: false };
    while (nowMs() < deadline.end) {
      const started = nowMs();
      try {
        const { hold } = await createMemberHold(setup.context(), actor, {
          poolId: setup.poolId,
          payeeUserId: payee.userId,
          amountMicros: BigInt(1 + Math.floor(Math.random() * 1000)),
          timeoutSeconds: 300,
          idempotencyKey: `bench-in:${randomBytes(9).toString('base64url')}`,
        });
        const held = nowMs();
        await releaseMemberHold(setup.context(), actor, {
          holdId: hold.id,
          idempotencyKey: `bench-in:${randomBytes(9).toString('base64url')}`,
        });
        if (measuring) latencies.push(held - started, nowMs() - held);
      } catch (error) {
        if (measuring) errors += 1;
        if (errors === 1) console.error(`in-process error: ${(error as Error).message}`);
      }
      if (!measuring && nowMs() >= deadline.warm) measuring = true;
    }
  };
  const startedAt = nowMs();
  await Promise.all(Array.from({ length: options.connections }, (_, i) => worker(i)));
  const elapsedS = (nowMs() - Math.max(startedAt, deadline.warm)) / 1000;
  const summary = summarise(latencies);
  return {
    requests: summary.count,
    requestsPerSec: summary.count / elapsedS,
    latencyMsP50: summary.latencyMsP50,
    latencyMsP99: summary.latencyMsP99,
    errors,
  };
}

async function startServer(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> } & ChildProcess> {
  const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'power-realms.js');
  const child = spawn(process.execPath, [bin, 'api'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`api process exited with ${code} before listening:\n${output}`)));
  });
  return Object.assign(child, {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  });
}

async function measureHttp(url: string, poolId: string, members: Member[], options: Options): Promise<Phase> {
  const run = (seconds: number) => {
    let next = 0;
    interface Ctx {
      payer?: Member;
      payee?: Member;
      holdId?: string;
    }
    return autocannon({
      url,
      connections: options.connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest(request, context: Ctx) {
            if (!context.payer) {
              const index = next++ % options.connections;
              context.payer = members[index];
              context.payee = members[index + 1];
            }
            return {
              ...request,
              path: `/api/v1/pools/${poolId}/holds`,
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${context.payer?.token}`,
                'idempotency-key': randomBytes(9).toString('base64url'),
              },
              body: JSON.stringify({
                amountMicros: String(1 + Math.floor(Math.random() * 1000)),
                payeeUserId: context.payee?.userId,
                timeoutSeconds: 300,
              }),
            };
          },
          onResponse(status, body, context: Ctx) {
            context.holdId = status === 201 ? (JSON.parse(body) as { hold: { id: string } }).hold.id : undefined;
          },
        },
        {
          method: 'POST',
          setupRequest(request, context: Ctx) {
            return {
              ...request,
              path: `/api/v1/holds/${context.holdId ?? '00000000-0000-7000-8000-000000000000'}/release`,
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${context.payer?.token}`,
                'idempotency-key': randomBytes(9).toString('base64url'),
              },
              body: '{}',
            };
          },
        },
      ],
    });
  };
  await run(WARMUP_SECONDS);
  const result = await run(options.seconds);
  return {
    requests: result.requests.total,
    requestsPerSec: result.requests.total / options.seconds,
    latencyMsP50: result.latency.p50,
    latencyMsP99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

async function checkLedger(url: string) {
  const opened = await openContext(url);
  try {
    return await verifyLedger(opened.context().ledger, {});
  } finally {
    await opened.close();
  }
}

function printResults(options: Options, inProcess: Phase, http: Phase, ledgerOk: boolean): void {
  const ratio = http.requestsPerSec / inProcess.requestsPerSec;
  const row = (name: string, phase: Phase) => [
    name,
    fmt(phase.requestsPerSec, 0),
    fmt(phase.latencyMsP50, 1),
    fmt(phase.latencyMsP99, 1),
    String(phase.errors),
  ];
  console.log(
    table(
      ['mode', 'ops/s', 'p50 ms', 'p99 ms', 'errors'],
      [row('in-process use cases', inProcess), row('HTTP (autocannon)', http)],
    ),
  );
  console.log(
    `\nratio HTTP / in-process: ${fmt(ratio, 2)} (target ≥ ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)})`,
  );
  console.log(`ledger after the run: ${ledgerOk ? 'verifies ok' : 'BROKEN'}`);
  if (options.json) {
    console.log(
      JSON.stringify({
        connections: options.connections,
        seconds: options.seconds,
        inProcessOpsPerSec: round(inProcess.requestsPerSec),
        inProcessLatencyMsP50: round(inProcess.latencyMsP50),
        inProcessLatencyMsP99: round(inProcess.latencyMsP99),
        httpRequestsPerSec: round(http.requestsPerSec),
        httpLatencyMsP50: round(http.latencyMsP50),
        httpLatencyMsP99: round(http.latencyMsP99),
        httpErrors: http.errors,
        ratioVsInProcess: round(ratio, 3),
        ledgerOk,
      }),
    );
  }
}
