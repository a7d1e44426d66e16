/**
 * Which agents are connected, shared by every API process: a key per machine that lives `ttlSeconds` past the last
 * heartbeat (Redis SET EX when REDIS_URL is set; an in-memory map for a single process).
 */
export interface Presence {
  touch(machineId: string, ttlSeconds: number): Promise<void>;
  forget(machineId: string): Promise<void>;
  online(machineIds: string[]): Promise<Set<string>>;
}

export class MemoryPresence implements Presence {
  private readonly until = new Map<string, number>();
  async touch(machineId: string, ttlSeconds: number): Promise<void> {
    this.until.set(machineId, Date.now() + ttlSeconds * 1000);
    // Bounded: expired entries go when the map grows.
    if (this.until.size > 100_000) for (const [id, at] of this.until) if (at < Date.now()) this.until.delete(id);
  }
  async forget(machineId: string): Promise<void> {
    this.until.delete(machineId);
  }
  async online(machineIds: string[]): Promise<Set<string>> {
    const now = Date.now();
    return new Set(machineIds.filter((id) => (this.until.get(id) ?? 0) > now));
  }
}

/** The presence of a Redis client (node-redis 5/6): `SET key 1 EX ttl`, `MGET` for many. */
export class RedisPresence implements Presence {
  constructor(
    private readonly redis: {
      set(key: string, value: string, options: { EX: number }): Promise<unknown>;
      del(key: string): Promise<unknown>;
      mGet(keys: string[]): Promise<(string | null)[]>;
    },
    private readonly prefix: string,
  ) {}
  private key = (machineId: string) => `${this.prefix}:presence:${machineId}`;
  async touch(machineId: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(machineId), '1', { EX: ttlSeconds });
  }
  async forget(machineId: string): Promise<void> {
    await this.redis.del(this.key(machineId));
  }
  async online(machineIds: string[]): Promise<Set<string>> {
    if (machineIds.length === 0) return new Set();
    const values = await this.redis.mGet(machineIds.map(this.key));
    return new Set(machineIds.filter((_, i) => values[i] !== null));
  }
}

/** One process's presence when no Redis is configured. */
export const processPresence = new MemoryPresence();
