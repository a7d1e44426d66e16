import type { Actor, AppContext, AttemptLimiter, AttemptLimiters } from '../../core/context.ts';
import { recordDeposit } from '../../core/ledger/record-deposit.ts';
import { preparedRunner } from '../../db/pg.ts';
import type { TestDatabase } from './db.ts';

/** A fixed-window attempt counter in memory: enough for use-case tests (the API uses rate-limiter-flexible). */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly windows = new Map<string, { count: number; resetAtMs: number }>();
  constructor(
    private readonly points: number,
    private readonly windowMs: number,
  ) {}

  private window(key: string) {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAtMs <= now)
      this.windows.set(key, (window = { count: 0, resetAtMs: now + this.windowMs }));
    return window;
  }

  async consume(key: string) {
    const window = this.window(key);
    window.count += 1;
    return window.count <= this.points
      ? ({ allowed: true } as const)
      : ({ allowed: false, retryAfterMs: window.resetAtMs - Date.now() } as const);
  }

  async blockedForMs(key: string) {
    const window = this.window(key);
    return window.count >= this.points ? window.resetAtMs - Date.now() : 0;
  }

  async reset(key: string) {
    this.windows.delete(key);
  }
}

export function memoryLimiters(): AttemptLimiters {
  return {
    passwordPerUser: new MemoryAttemptLimiter(5, 15 * 60_000),
    passwordPerPool: new MemoryAttemptLimiter(20, 15 * 60_000),
    linkCodePerUser: new MemoryAttemptLimiter(10, 15 * 60_000),
  };
}

/** The context a use case gets, over a test database: a fresh EntityManager fork each call. */
export function appContext(db: TestDatabase, overrides: Partial<AppContext> = {}): AppContext {
  return {
    em: db.orm.em.fork(),
    ledger: db.ctx,
    limiters: memoryLimiters(),
    defaults: { platformFeeBps: 1000, premiumPoolFeeMicros: 50_000_000n },
    prepared: preparedRunner(db.pool),
    ...overrides,
  };
}

export const actor = (userId: string, isGlobalAdmin = false): Actor => ({ userId, isGlobalAdmin });

/** Credits a member's account in a pool through the custodial wallet (an admin deposit). */
export async function fund(
  db: TestDatabase,
  pool: { poolId: string; currency: string },
  userId: string,
  amountMicros: bigint,
  reference = `fund-${pool.poolId}-${userId}-${amountMicros}`,
): Promise<string> {
  const account = await db.ctx.store.openAccount({
    poolId: pool.poolId,
    currency: pool.currency,
    kind: 'member',
    userId,
  });
  await recordDeposit(db.ctx, {
    poolId: pool.poolId,
    currency: pool.currency,
    memberAccountId: account.id,
    amountMicros,
    reference,
  });
  return account.id;
}
