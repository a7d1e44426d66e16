/** What an agent reported with its last heartbeat (each figure optional: an older agent may send fewer). */
export interface AgentMetrics {
  /** 1-minute load average per core (1 = every core busy). */
  cpuLoad?: number;
  memUsedPercent?: number;
  uptimeSeconds?: number;
}

/**
 * Which agents are connected, shared by every API process: a key per machine that lives `ttlSeconds` past the last
 * heartbeat and holds that heartbeat's metrics (Redis SET EX when REDIS_URL is set; an in-memory map for a single
 * process). A key that expires is an agent gone: nobody has to notice the disconnect.
 */
export interface Presence {
  touch(machineId: string, ttlSeconds: number, metrics?: AgentMetrics): Promise<void>;
  forget(machineId: string): Promise<void>;
  online(machineIds: string[]): Promise<Set<string>>;
  /** The last metrics of those machines that are online now; an offline machine has no entry. */
  metrics(machineIds: string[]): Promise<Map<string, AgentMetrics>>;
}

export class MemoryPresence implements Presence {
  private readonly entries = new Map<string, { untilMs: number; metrics: AgentMetrics }>();
  async touch(machineId: string, ttlSeconds: number, metrics: AgentMetrics = {}): Promise<void> {
    this.entries.set(machineId, { untilMs: Date.now() + ttlSeconds * 1000, metrics });
    // Bounded: expired entries go when the map grows.
    if (this.entries.size > 100_000)
      for (const [id, entry] of this.entries) if (entry.untilMs < Date.now()) this.entries.delete(id);
  }
  async forget(machineId: string): Promise<void> {
    this.entries.delete(machineId);
  }
  async online(machineIds: string[]): Promise<Set<string>> {
    return new Set((await this.metrics(machineIds)).keys());
  }
  async metrics(machineIds: string[]): Promise<Map<string, AgentMetrics>> {
    const now = Date.now();
    const live = new Map<string, AgentMetrics>();
    for (const id of machineIds) {
      const entry = this.entries.get(id);
      if (entry && entry.untilMs > now) live.set(id, entry.metrics);
    }
    return live;
  }
}

/** The presence of a Redis client (node-redis 5/6): `SET key <metrics json> EX ttl`, `MGET` for many. */
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
  async touch(machineId: string, ttlSeconds: number, metrics: AgentMetrics = {}): Promise<void> {
    await this.redis.set(this.key(machineId), JSON.stringify(metrics), { EX: ttlSeconds });
  }
  async forget(machineId: string): Promise<void> {
    await this.redis.del(this.key(machineId));
  }
  async online(machineIds: string[]): Promise<Set<string>> {
    return new Set((await this.metrics(machineIds)).keys());
  }
  async metrics(machineIds: string[]): Promise<Map<string, AgentMetrics>> {
    if (machineIds.length === 0) return new Map();
    const values = await this.redis.mGet(machineIds.map(this.key));
    const live = new Map<string, AgentMetrics>();
    machineIds.forEach((id, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) live.set(id, parseMetrics(value));
    });
    return live;
  }
}

/** A stored value as metrics; anything unreadable (an older '1') counts as online without figures. */
function parseMetrics(value: string): AgentMetrics {
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/** One process's presence when no Redis is configured. */
export const processPresence = new MemoryPresence();
