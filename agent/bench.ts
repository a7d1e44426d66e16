import { createHash } from 'node:crypto';

/**
 * A short CPU benchmark: sha256 over 1 MiB blocks for about `durationMs`, on one core. The score is MiB hashed per
 * second × 10 — comparable between machines running this same agent, shown on their offers.
 */
export function cpuBenchmark(durationMs = 2000): { cpuScore: number; mibPerSecond: number } {
  const block = Buffer.alloc(1024 * 1024, 7);
  const started = process.hrtime.bigint();
  const budget = BigInt(durationMs) * 1_000_000n;
  let blocks = 0;
  while (process.hrtime.bigint() - started < budget && blocks < 100_000) {
    createHash('sha256').update(block).digest();
    blocks += 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mibPerSecond = blocks / seconds;
  return { cpuScore: Math.round(mibPerSecond * 10), mibPerSecond: Math.round(mibPerSecond * 10) / 10 };
}
