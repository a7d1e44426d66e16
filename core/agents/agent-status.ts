import type { AppContext } from '../context.ts';
import { processPresence, type AgentMetrics } from './presence.ts';

/** What the API knows of a machine's agent: live presence with its last metrics, and what the machine row keeps. */
export interface AgentStatus {
  machineId: string;
  online: boolean;
  /** The last heartbeat any API process recorded; null when no agent ever connected. */
  lastSeenAt: Date | null;
  agentVersion: string | null;
  /** `agent bench` score (MiB/s of sha256 × 10 on one core), when measured. */
  cpuScore: number | null;
  /** 1280×720 frames per second encoded in software, and with the GPU (`agent bench`). */
  encodeFps: number | null;
  gpuEncodeFps: number | null;
  benchmarkedAt: Date | null;
  /** The last heartbeat's figures while online; null when offline. */
  metrics: AgentMetrics | null;
}

/**
 * The agent status of up to 200 machines (presence is shared through Redis, so any API process answers alike).
 * Machines not found are absent from the map; callers check access before asking.
 */
export async function agentStatuses(ctx: AppContext, machineIds: string[]): Promise<Map<string, AgentStatus>> {
  if (machineIds.length === 0) return new Map();
  if (machineIds.length > 200) throw new Error('agentStatuses: at most 200 machines at once');
  const [rows, live] = await Promise.all([
    ctx.em.execute<
      { id: string; last_seen_at: Date | null; agent_version: string | null; benchmark: Benchmark | null }[]
    >('select id, last_seen_at, agent_version, benchmark from machines where id in (?)', [machineIds]),
    (ctx.presence ?? processPresence).metrics(machineIds),
  ]);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        machineId: row.id,
        online: live.has(row.id),
        lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : null,
        agentVersion: row.agent_version,
        cpuScore: typeof row.benchmark?.cpuScore === 'number' ? row.benchmark.cpuScore : null,
        encodeFps: typeof row.benchmark?.encodeFps === 'number' ? row.benchmark.encodeFps : null,
        gpuEncodeFps: typeof row.benchmark?.gpuEncodeFps === 'number' ? row.benchmark.gpuEncodeFps : null,
        benchmarkedAt: row.benchmark?.at ? new Date(row.benchmark.at) : null,
        metrics: live.get(row.id) ?? null,
      },
    ]),
  );
}

/** The `machines.benchmark` column as the gateway writes it. */
interface Benchmark {
  cpuScore?: number;
  gpu?: string | null;
  encodeFps?: number | null;
  gpuEncodeFps?: number | null;
  at?: string;
}
