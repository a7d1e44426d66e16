/**
 * `npm run bench -- NAME [options]`: runs bench/NAME.ts, whose `run(args)` prints a readable table (and, with
 * --json, one JSON object as the last line).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Benchmark {
  run(args: string[]): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const NOT_BENCHMARKS = new Set(['run', 'lib']);

function available(): string[] {
  return readdirSync(here)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .filter((name) => !NOT_BENCHMARKS.has(name))
    .sort();
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = available();
  if (!name || !names.includes(name)) {
    if (name) console.error(`unknown benchmark "${name}"`);
    console.error(`usage: npm run bench -- <name> [--json] [options]\navailable benchmarks: ${names.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const benchmark = (await import(`./${name}.ts`)) as Partial<Benchmark>;
  if (typeof benchmark.run !== 'function') throw new Error(`bench/${name}.ts exports no run(args) function`);
  await benchmark.run(args);
}

main().catch((error: unknown) => {
  console.error(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
