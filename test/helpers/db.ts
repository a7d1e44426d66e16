import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { LedgerEngine } from '../../core/ledger/engine.ts';
import type { LedgerContext } from '../../core/ledger/context.ts';
import { PgLedgerStore } from '../../db/ledger-store.ts';
import { migrate, openOrm } from '../../db/orm.ts';
import { createPgPool } from '../../db/pg.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import './no-console-error.ts';

/** The PostgreSQL the tests run against: TEST_DATABASE_URL, else DATABASE_URL, else the local server. */
export const BASE_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  name: string;
  orm: MikroORM;
  pool: pg.Pool;
  ctx: LedgerContext;
  close(): Promise<void>;
}

/** A database of its own for one test file, migrated; `close` drops it. */
export async function createTestDatabase(
  options: { maxBatch?: number; poolSize?: number } = {},
): Promise<TestDatabase> {
  const name = `pr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const orm = await openOrm(url.toString());
  await migrate(orm);
  const pool = createPgPool(url.toString(), options.poolSize ?? 8);
  const store = new PgLedgerStore(pool);
  const engine = new LedgerEngine(store, { maxBatch: options.maxBatch });
  return {
    url: url.toString(),
    name,
    orm,
    pool,
    ctx: { engine, store },
    async close() {
      await engine.idle();
      await pool.end();
      await orm.close(true);
      const dropper = new pg.Client({ connectionString: BASE_URL });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** Inserts a user and a pool directly (the pool use cases have their own tests). */
export async function createPool(
  db: TestDatabase,
  overrides: { name?: string; currency?: string; type?: 'public' | 'private' | 'premium' } = {},
): Promise<{ poolId: string; ownerId: string; currency: string }> {
  const ownerId = await createUser(db);
  const poolId = uuidv7();
  const currency = overrides.currency ?? 'PRC';
  await db.pool.query('insert into pools (id, name, type, currency, owner_user_id) values ($1, $2, $3, $4, $5)', [
    poolId,
    overrides.name ?? `pool ${poolId.slice(-6)}`,
    overrides.type ?? 'public',
    currency,
    ownerId,
  ]);
  await db.pool.query("insert into pool_members (pool_id, user_id, role, status) values ($1, $2, 'owner', 'active')", [
    poolId,
    ownerId,
  ]);
  return { poolId, ownerId, currency };
}

export async function createUser(
  db: TestDatabase,
  displayName = `user-${randomBytes(4).toString('hex')}`,
): Promise<string> {
  const id = uuidv7();
  await db.pool.query('insert into users (id, display_name) values ($1, $2)', [id, displayName]);
  await db.pool.query("insert into user_identities (platform, external_id, user_id) values ('local', $1, $2)", [
    displayName.toLowerCase(),
    id,
  ]);
  return id;
}

/** Adds `count` new users to a pool as active members, each with an open member account. */
export async function createMembers(
  db: TestDatabase,
  pool: { poolId: string; currency: string },
  count: number,
): Promise<{ userId: string; accountId: string }[]> {
  const members: { userId: string; accountId: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const userId = await createUser(db);
    await db.pool.query(
      "insert into pool_members (pool_id, user_id, role, status) values ($1, $2, 'member', 'active')",
      [pool.poolId, userId],
    );
    const account = await db.ctx.store.openAccount({
      poolId: pool.poolId,
      currency: pool.currency,
      kind: 'member',
      userId,
    });
    members.push({ userId, accountId: account.id });
  }
  return members;
}
