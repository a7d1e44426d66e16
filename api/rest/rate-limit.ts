import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from '../../cli/platform.ts';

const WINDOW_SECONDS = 60;

export interface RateLimitVerdict {
  allowed: boolean;
  retryAfterSeconds: number;
  /** RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (IETF draft, as express-rate-limit sends). */
  headers: Record<string, string>;
}

export interface ApiRateLimiter {
  consume(key: string): Promise<RateLimitVerdict>;
}

/**
 * A rate limiter on Redis shared by every process (rate-limiter-flexible's atomic INCR+EXPIRE script), or in memory
 * when there is no Redis. With Redis down, an in-memory insurance limiter takes over per process: requests are never
 * refused with a 5xx because of the limiter.
 */
export function makeLimiter(options: {
  redis: RedisClient | null;
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}): RateLimiterAbstract {
  const memory = new RateLimiterMemory({
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
  });
  if (!options.redis) return memory;
  return new RateLimiterRedis({
    storeClient: options.redis,
    useRedisPackage: true,
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/** `API_RATE_LIMIT_PER_MINUTE` requests per caller per minute. */
export function createApiRateLimiter(options: {
  redis: RedisClient | null;
  prefix: string;
  perMinute: number;
}): ApiRateLimiter {
  const limiter = makeLimiter({
    redis: options.redis,
    keyPrefix: `${options.prefix}:rl:api`,
    points: options.perMinute,
    durationSeconds: WINDOW_SECONDS,
  });
  const policy = `${options.perMinute};w=${WINDOW_SECONDS}`;
  return {
    async consume(key) {
      let result: RateLimiterRes;
      let allowed = true;
      try {
        result = await limiter.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        result = rejection;
        allowed = false;
      }
      const resetSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
      return {
        allowed,
        retryAfterSeconds: resetSeconds,
        headers: {
          'RateLimit-Policy': policy,
          'RateLimit-Limit': String(options.perMinute),
          'RateLimit-Remaining': String(Math.max(0, result.remainingPoints)),
          'RateLimit-Reset': String(resetSeconds),
        },
      };
    },
  };
}
