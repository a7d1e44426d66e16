import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { H264_SOFTWARE } from './stream-args.ts';

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

/** A hardware H.264 encoder ffmpeg can use on this host, and the arguments that feed it. */
interface GpuEncoder {
  name: 'h264_nvenc' | 'h264_vaapi';
  /** Arguments before the input (a device) and after it (filters and the codec). */
  before: string[];
  after: string[];
}

/** Hardware encoders worth trying here: NVENC where an NVIDIA device exists, VA-API where a render node does. */
export function gpuEncoderCandidates(exists: (file: string) => boolean = existsSync): GpuEncoder[] {
  const candidates: GpuEncoder[] = [];
  if (exists('/dev/nvidia0'))
    candidates.push({ name: 'h264_nvenc', before: [], after: ['-c:v', 'h264_nvenc', '-preset', 'p1', '-tune', 'ull'] });
  if (exists('/dev/dri/renderD128'))
    candidates.push({
      name: 'h264_vaapi',
      before: ['-vaapi_device', '/dev/dri/renderD128'],
      after: ['-vf', 'format=nv12,hwupload', '-c:v', 'h264_vaapi'],
    });
  return candidates;
}

const ENCODE_FRAMES = 300;

/**
 * How fast this host encodes what it streams: 1280×720 frames of the moving test pattern at 6000 kb/s, as frames per
 * second of wall time (the stream needs 60). Null when ffmpeg is missing or the encoder does not run here.
 */
export async function encodeBenchmark(
  codec: { before?: string[]; after: string[] } = { after: H264_SOFTWARE },
  frames = ENCODE_FRAMES,
): Promise<number | null> {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    ...(codec.before ?? []),
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=60',
    '-frames:v',
    String(frames),
    ...codec.after,
    '-b:v',
    '6000k',
    '-f',
    'null',
    '-',
  ];
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('ffmpeg', args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', () => resolve(null));
    child.on('exit', (exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
  if (code !== 0) return null;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(frames / seconds);
}

/** The software encode rate, and the first hardware encoder that runs here with its rate. */
export async function streamBenchmark(): Promise<{
  encodeFps: number | null;
  gpuEncoder: string | null;
  gpuEncodeFps: number | null;
}> {
  const encodeFps = await encodeBenchmark();
  for (const gpu of gpuEncoderCandidates()) {
    const fps = await encodeBenchmark(gpu);
    if (fps !== null) return { encodeFps, gpuEncoder: gpu.name, gpuEncodeFps: fps };
  }
  return { encodeFps, gpuEncoder: null, gpuEncodeFps: null };
}
