import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { purgeIdempotencyRecords } from '../api/rest/idempotency.ts';
import type { AppContext } from '../core/context.ts';
import { settleSlotPurchases } from '../core/machines/buy-machine-slots.ts';
import { settleDeals } from '../core/market/settle-deals.ts';
import { settleResolvedDisputes } from '../core/disputes/settle-dispute.ts';
import { releaseDueRewards } from '../core/rewards/release-reward.ts';
import { expireWithdrawals } from '../core/withdrawals/expire-withdrawals.ts';
import { reconcileTopups } from '../core/topups/reconcile-topups.ts';
import { sweepSessions } from '../core/gameboost/sweep-sessions.ts';
import { settlePendingPools } from '../core/pools/create-pool.ts';
import { expireDueHolds } from '../core/ledger/expire-due-holds.ts';
import type { LedgerContext } from '../core/ledger/context.ts';
import type { Logger } from '../lib/logger.ts';

export interface JobContext {
  ledger: LedgerContext;
  logger: Logger;
  /** Forked for this run alone: no identity map is shared between jobs. */
  em: EntityManager;
  /** The use cases' context over that same fork. */
  app: AppContext;
}

/** A scheduled job: a name, a payload schema, how often it runs, and a handler that calls one use case. */
export interface JobDefinition<Payload> {
  name: string;
  schema: z.ZodType<Payload>;
  /** Seconds between runs. */
  everySeconds: (config: { holdExpirySweepSeconds: number; checkpointMinutes: number }) => number;
  /** Idempotent: a run repeated after a crash changes nothing more. */
  handler: (ctx: JobContext, payload: Payload) => Promise<void>;
}

const SWEEP_LIMIT = 2000;

export const expireHoldsJob: JobDefinition<Record<string, never>> = {
  name: 'ledger.expire-holds',
  schema: z.object({}).strict(),
  everySeconds: (config) => config.holdExpirySweepSeconds,
  async handler(ctx) {
    // Bounded: at most 10 rounds of SWEEP_LIMIT per run; the next run picks up the rest.
    for (let round = 0; round < 10; round += 1) {
      const expired = await expireDueHolds(ctx.ledger, { limit: SWEEP_LIMIT });
      if (expired > 0) ctx.logger.info({ expired }, 'holds expired');
      if (expired < SWEEP_LIMIT) return;
    }
  },
};

export const checkpointJob: JobDefinition<Record<string, never>> = {
  name: 'ledger.checkpoint',
  schema: z.object({}).strict(),
  everySeconds: (config) => config.checkpointMinutes * 60,
  async handler(ctx) {
    const heads = await ctx.ledger.store.chainHeads(null);
    const poolIds = new Set(heads.filter((head) => head.lastSeq > 0n).map((head) => head.poolId));
    for (const poolId of poolIds) {
      for (const checkpoint of await ctx.ledger.store.writeCheckpoints(poolId)) {
        ctx.logger.info({ poolId, lane: checkpoint.lane, seq: checkpoint.seq.toString() }, 'ledger checkpoint sealed');
      }
    }
  },
};

export const settleSagasJob: JobDefinition<Record<string, never>> = {
  name: 'sagas.settle',
  schema: z.object({}).strict(),
  everySeconds: () => 60,
  async handler(ctx) {
    // Premium pools and slot purchases a crash left half-done: finished from what the ledger committed.
    const pools = await settlePendingPools(ctx.app);
    const slots = await settleSlotPurchases(ctx.app);
    if (pools.activated + pools.removed + slots.completed + slots.failed > 0)
      ctx.logger.warn({ pools, slots }, 'settled work a crash left pending');
  },
};

export const purgeIdempotencyJob: JobDefinition<Record<string, never>> = {
  name: 'api.purge-idempotency',
  schema: z.object({}).strict(),
  everySeconds: () => 3600,
  async handler(ctx) {
    const purged = await purgeIdempotencyRecords(ctx.em, 24);
    if (purged > 0) ctx.logger.info({ purged }, 'idempotency records older than a day purged');
  },
};

export const economyJob: JobDefinition<Record<string, never>> = {
  name: 'economy.settle',
  schema: z.object({}).strict(),
  everySeconds: () => 30,
  async handler(ctx) {
    // Deals past their dispute window complete, undelivered ones expire; withdrawals nobody decided expire; disputes
    // and rewards a crash left half-posted finish; held rewards whose hold period passed are paid.
    const deals = await settleDeals(ctx.app);
    const withdrawals = await expireWithdrawals(ctx.app);
    const disputes = await settleResolvedDisputes(ctx.app);
    const rewards = await releaseDueRewards(ctx.app);
    if (deals.completed + deals.expired + deals.recovered + withdrawals + disputes + rewards > 0)
      ctx.logger.info({ deals, withdrawals, disputes, rewards }, 'economy settled');
  },
};

export const reconcileTopupsJob: JobDefinition<Record<string, never>> = {
  name: 'payments.reconcile',
  schema: z.object({}).strict(),
  everySeconds: () => 300,
  async handler(ctx) {
    // Top-ups still pending after 10 minutes: asked of Stripe / NOWPayments, settled as they see them.
    const result = await reconcileTopups(ctx.app, 10);
    if (result.credited + result.expired > 0) ctx.logger.info(result, 'top-ups reconciled with the providers');
  },
};

export const sessionsJob: JobDefinition<Record<string, never>> = {
  name: 'gameboost.sweep',
  schema: z.object({}).strict(),
  everySeconds: () => 15,
  async handler(ctx) {
    // Sessions at their rented time, with their agent or player gone past the grace period, or never started, end
    // and settle.
    const { ended } = await sweepSessions(ctx.app);
    if (ended > 0) ctx.logger.info({ ended }, 'GameBoost sessions ended');
  },
};

export const jobs = [
  expireHoldsJob,
  checkpointJob,
  settleSagasJob,
  purgeIdempotencyJob,
  economyJob,
  reconcileTopupsJob,
  sessionsJob,
] as const;
