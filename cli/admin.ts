import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createAccessToken, TOKEN_SCOPES } from '../core/auth/tokens.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { depositToMember } from '../core/ledger/deposit-to-member.ts';
import { verifyLedger } from '../core/ledger/verify-ledger.ts';
import { parseMicrosString } from '../core/money/amount.ts';
import { createPool } from '../core/pools/create-pool.ts';
import { ensureUser } from '../core/users/ensure-user.ts';
import type { Env } from '../config/env.ts';
import type { Logger } from '../lib/logger.ts';
import { openPlatform, type Platform } from './platform.ts';

export const ADMIN_HELP = `Bootstrap commands (they use the same DATABASE_URL as the server):
  admin token   --name NAME [--scopes read,write,admin] [--json]
                creates the user if missing (the first user ever is the Global Admin) and a personal access token
  admin pool    --name NAME --owner USER_ID [--type public|private] [--password P] [--currency PRC] [--json]
                creates a pool owned by USER_ID (premium pools are bought through the API)
  admin deposit --pool POOL_ID --user USER_ID --amount-micros N --reference REF [--json]
                records money received outside the payment providers (idempotent on REF)
  admin verify  [--pool POOL_ID] [--json]
                recomputes balances and hash chains; exits 1 when anything is off`;

const uuid = z.uuid({ message: 'must be a UUID' });

const schemas = {
  token: z.object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .string()
      .default('read,write')
      .transform((value) => value.split(',').map((scope) => scope.trim()))
      .pipe(z.array(z.enum(TOKEN_SCOPES)).min(1)),
  }),
  pool: z.object({
    name: z.string().trim().min(1).max(100),
    owner: uuid,
    type: z.enum(['public', 'private']).default('public'),
    password: z.string().min(8).max(128).optional(),
    currency: z
      .string()
      .regex(/^[A-Z0-9]{2,12}$/)
      .default('PRC'),
  }),
  deposit: z.object({
    pool: uuid,
    user: uuid,
    'amount-micros': z.string().transform((value, ctx) => {
      const parsed = parseMicrosString(value);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive whole number of micros (1 unit = 1000000)' });
        return z.NEVER;
      }
      return parsed.value;
    }),
    reference: z.string().trim().min(1).max(200),
  }),
  verify: z.object({ pool: uuid.optional() }),
};

type Sub = keyof typeof schemas;

export async function admin(env: Env, logger: Logger, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !(sub in schemas)) {
    process.stderr.write(`${ADMIN_HELP}\n`);
    return sub ? 2 : 0;
  }
  let values;
  try {
    values = parseOptions(rest);
  } catch (error) {
    process.stderr.write(`admin ${sub}: ${(error as Error).message.split('\n')[0]}\n\n${ADMIN_HELP}\n`);
    return 2;
  }
  const parsed = schemas[sub as Sub].safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`);
    process.stderr.write(`admin ${sub}: invalid arguments\n${problems.join('\n')}\n`);
    return 2;
  }
  const platform = await openPlatform(env, logger, { migrate: true });
  try {
    const result = await runAdmin(platform, sub as Sub, parsed.data);
    process.stdout.write(values.json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
    return result.exitCode;
  } catch (error) {
    if (!isAppError(error)) throw error;
    const out = values.json
      ? JSON.stringify({ error: error.code, detail: error.message })
      : `${error.code}: ${error.message}`;
    process.stderr.write(`${out}\n`);
    return 1;
  } finally {
    await platform.close();
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      owner: { type: 'string' },
      type: { type: 'string' },
      currency: { type: 'string' },
      password: { type: 'string' },
      pool: { type: 'string' },
      user: { type: 'string' },
      'amount-micros': { type: 'string' },
      reference: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowNegative: false,
  }).values;
}

interface AdminResult {
  json: unknown;
  text: string;
  exitCode: number;
}

async function runAdmin(platform: Platform, sub: Sub, input: unknown): Promise<AdminResult> {
  const em = platform.orm.em.fork();
  switch (sub) {
    case 'token': {
      const { name, scopes } = input as z.infer<typeof schemas.token>;
      const user = await ensureUser(em, { displayName: name });
      const { token, tokenId } = await createAccessToken(em, { userId: user.id, name: `cli: ${name}`, scopes });
      return {
        json: { userId: user.id, token, tokenId, isGlobalAdmin: user.isGlobalAdmin },
        text: `User ${user.displayName} (${user.id})${user.isGlobalAdmin ? ' — Global Admin' : ''}\nToken (shown once): ${token}`,
        exitCode: 0,
      };
    }
    case 'pool': {
      const { name, owner, type, currency, password } = input as z.infer<typeof schemas.pool>;
      const users = await em.execute<{ is_global_admin: boolean }[]>('select is_global_admin from users where id = ?', [
        owner,
      ]);
      if (!users[0]) throw new AppError('USER_NOT_FOUND', `no user ${owner}`);
      const actor = { userId: owner, isGlobalAdmin: users[0].is_global_admin };
      const { pool } = await createPool(platform.appContext(em), actor, { name, type, currency, password });
      return {
        json: { poolId: pool.id, name: pool.name, type: pool.type, currency: pool.currency, ownerUserId: owner },
        text: `Pool ${name} created: ${pool.id} (${pool.type}, ${pool.currency})`,
        exitCode: 0,
      };
    }
    case 'deposit': {
      const data = input as z.infer<typeof schemas.deposit>;
      const result = await depositToMember(em, platform.ledger, {
        poolId: data.pool,
        userId: data.user,
        amountMicros: data['amount-micros'],
        reference: data.reference,
      });
      const balance = {
        postedMicros: result.balance.postedMicros.toString(),
        pendingMicros: result.balance.pendingMicros.toString(),
        availableMicros: result.balance.availableMicros.toString(),
      };
      return {
        json: { poolId: data.pool, userId: data.user, reference: data.reference, ...result, balance },
        text: `${result.replayed ? 'Already recorded' : 'Deposited'}: ${data['amount-micros']} micros; available now ${balance.availableMicros}`,
        exitCode: 0,
      };
    }
    case 'verify': {
      const { pool } = input as z.infer<typeof schemas.verify>;
      const report = await verifyLedger(platform.ledger, pool ? { poolId: pool } : {});
      return {
        json: report,
        text: `${report.ok ? 'Ledger verifies clean' : 'LEDGER PROBLEMS FOUND'}: ${report.accountsChecked} accounts, ${report.chains.length} chains\n${JSON.stringify(report, null, 2)}`,
        exitCode: report.ok ? 0 : 1,
      };
    }
  }
}
