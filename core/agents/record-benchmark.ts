import type { AppContext } from '../context.ts';

/** A benchmark an agent measured on its machine (`agent bench`): bounded, since the agent is not trusted. */
export interface BenchmarkReport {
  /** MiB/s of sha256 on one core × 10 (agent/bench.ts). */
  cpuScore: number;
  /** The GPU model the agent saw, when it has one. */
  gpu?: string | null;
}

export const MAX_CPU_SCORE = 10_000_000;

/**
 * Keeps the machine's latest benchmark (shown on its offers and in /machines). The score is the agent's own claim;
 * rentals measure the real thing (SLA metrics), so this only orders listings.
 */
export async function recordBenchmark(ctx: AppContext, machineId: string, report: BenchmarkReport): Promise<void> {
  if (!Number.isInteger(report.cpuScore) || report.cpuScore < 0 || report.cpuScore > MAX_CPU_SCORE)
    throw new Error(`recordBenchmark: cpuScore out of range: ${report.cpuScore}`);
  await ctx.em.execute('update machines set benchmark = ?::jsonb where id = ? and removed_at is null', [
    JSON.stringify({ cpuScore: report.cpuScore, gpu: report.gpu ?? null, at: new Date().toISOString() }),
    machineId,
  ]);
}
