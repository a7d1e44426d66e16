import type { EntityManager } from '@mikro-orm/postgresql';
import type { LedgerContext } from './ledger/context.ts';
import type { PaymentGateways } from './topups/gateways.ts';
import type { Presence } from './agents/presence.ts';
import type { IceConfig } from './gameboost/ice.ts';

/**
 * Counts attempts against a budget (private-pool passwords, link codes). Implemented with rate-limiter-flexible on
 * Redis, or in memory when REDIS_URL is unset (api/http/limiters.ts).
 */
export interface AttemptLimiter {
  /** Spends one attempt under `key`; when the budget is gone, says how long until the next one is allowed. */
  consume(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
  /** How long `key` must wait before its next attempt is allowed; 0 when it may try now. Spends nothing. */
  blockedForMs(key: string): Promise<number>;
  /** Forgets the attempts under `key` (after a success). */
  reset(key: string): Promise<void>;
}

export interface AttemptLimiters {
  /** Wrong private-pool passwords per user (any pool). */
  passwordPerUser: AttemptLimiter;
  /** Wrong passwords per pool (from anyone): slows a distributed guess at one pool. */
  passwordPerPool: AttemptLimiter;
  /** Link-code redemptions per user. */
  linkCodePerUser: AttemptLimiter;
}

/** Configured values the Global Admin may override at run time (platform_settings). */
export interface PlatformDefaults {
  platformFeeBps: number;
  premiumPoolFeeMicros: bigint;
}

/**
 * Runs a hot, fixed read as a prepared statement (`$1` placeholders), outside any transaction: planned once per
 * connection (db/pg.ts preparedRunner).
 */
export type PreparedQuery = <Row>(name: string, text: string, values: unknown[]) => Promise<Row[]>;

/**
 * What a use case gets: an EntityManager forked for this request, update or job (never the global one), the ledger,
 * the attempt limiters and the configured defaults.
 */
export interface AppContext {
  em: EntityManager;
  ledger: LedgerContext;
  limiters: AttemptLimiters;
  defaults: PlatformDefaults;
  prepared: PreparedQuery;
  /** Where people reach the web companion (links in referral codes); the request's own origin when unset. */
  publicUrl?: string;
  /** The payment providers that are configured (top-ups); absent: none is. */
  payments?: PaymentGateways;
  /** Which host agents are connected (core/agents/presence.ts); absent: this process's in-memory presence. */
  presence?: Presence;
  /** STUN/TURN servers for GameBoost streams; absent: host candidates only (same network). */
  ice?: IceConfig;
}

/** The caller of a use case, as authenticated at the edge. */
export interface Actor {
  userId: string;
  isGlobalAdmin: boolean;
}
