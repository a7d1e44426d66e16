import type { AppContext } from '../context.ts';

/** A benchmark an agent measured on its machine (`agent bench`): bounded, since the agent is not trusted. */
export interface BenchmarkReport {
  /** MiB/s of sha256 on one core × 10 (agent/bench.ts). */
  cpuScore: number;
  /** The GPU model the agent saw, when it has one. */
  gpu?: string | null;
  /** Frames per second the host encodes its 1280×720 stream at in software (libx264); 60 keeps up. */
  encodeFps?: number;
  /** The hardware encoder that ran (NVENC, VA-API) and its rate: the GPU's score. */
  gpuEncoder?: 'h264_nvenc' | 'h264_vaapi';
  gpuEncodeFps?: number;
}

export const MAX_CPU_SCORE = 10_000_000;
export const MAX_ENCODE_FPS = 100_000;
export const GPU_ENCODERS = ['h264_nvenc', 'h264_vaapi'] as const;

/**
 * Keeps the machine's latest benchmark (shown on its offers and in /machines). The score is the agent's own claim;
 * rentals measure the real thing (SLA metrics), so this only orders listings.
 */
export async function recordBenchmark(ctx: AppContext, machineId: string, report: BenchmarkReport): Promise<void> {
  if (!Number.isInteger(report.cpuScore) || report.cpuScore < 0 || report.cpuScore > MAX_CPU_SCORE)
    throw new Error(`recordBenchmark: cpuScore out of range: ${report.cpuScore}`);
  for (const fps of [report.encodeFps, report.gpuEncodeFps])
    if (fps !== undefined && (!Number.isInteger(fps) || fps < 0 || fps > MAX_ENCODE_FPS))
      throw new Error(`recordBenchmark: an encode rate out of range: ${fps}`);
  await ctx.em.execute('update machines set benchmark = ?::jsonb where id = ? and removed_at is null', [
    JSON.stringify({
      cpuScore: report.cpuScore,
      gpu: report.gpu ?? null,
      encodeFps: report.encodeFps ?? null,
      gpuEncoder: report.gpuEncoder ?? null,
      gpuEncodeFps: report.gpuEncodeFps ?? null,
      at: new Date().toISOString(),
    }),
    machineId,
  ]);
}
