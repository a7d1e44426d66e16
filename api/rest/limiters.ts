import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../../cli/platform.ts';
import type { AttemptLimiter, AttemptLimiters } from '../../core/context.ts';
import { makeLimiter } from './rate-limit.ts';

const FIFTEEN_MINUTES = 15 * 60;

function attemptLimiter(limiter: RateLimiterAbstract, points: number): AttemptLimiter {
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { allowed: false, retryAfterMs: rejection.msBeforeNext };
      }
    },
    async blockedForMs(key) {
      const state = await limiter.get(key);
      return state && state.consumedPoints >= points ? Math.max(1, state.msBeforeNext) : 0;
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

/**
 * The attempt budgets of core (core/context.ts AttemptLimiters) on rate-limiter-flexible: shared through Redis by
 * every process, or per process in memory without it.
 */
export function createAttemptLimiters(redis: RedisClient | null, prefix: string): AttemptLimiters {
  const make = (name: string, points: number) =>
    attemptLimiter(
      makeLimiter({ redis, keyPrefix: `${prefix}:rl:${name}`, points, durationSeconds: FIFTEEN_MINUTES }),
      points,
    );
  return {
    passwordPerUser: make('pw-user', 5),
    passwordPerPool: make('pw-pool', 20),
    linkCodePerUser: make('link-user', 10),
  };
}
