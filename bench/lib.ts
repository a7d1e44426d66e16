import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** Milliseconds since an arbitrary origin, sub-millisecond resolution, monotonic. */
export const nowMs = (): number => performance.now();

/** Nearest-rank percentile (p in 0..100) of values sorted ascending; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface LatencySummary {
  count: number;
  latencyMsP50: number;
  latencyMsP99: number;
  latencyMsMax: number;
  latencyMsMean: number;
}

/** p50, p99, max and mean of latencies in milliseconds. */
export function summarise(latenciesMs: number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const total = latenciesMs.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    latencyMsP50: percentile(sorted, 50),
    latencyMsP99: percentile(sorted, 99),
    latencyMsMax: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : Number.NaN,
    latencyMsMean: sorted.length > 0 ? total / sorted.length : Number.NaN,
  };
}

/** Rounds for display and JSON: figures are noisy well before the third decimal. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A number for a table cell: fixed decimals, `—` for null/NaN. */
export function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map((row) => line(row))].join('\n');
}

/** PASS/MISS against a target; MISS when the figure is missing. */
export function verdict(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? 'PASS' : 'MISS';
}

/** Resolves an executable on PATH, or null. */
export function which(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Parses a positive integer option, failing with the option's name. */
export function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return parsed;
}

/** Runs `fn` over items with at most `chunk` in flight at once (Promise.all per chunk). */
export async function inChunks<T>(items: T[], chunk: number, fn: (item: T, index: number) => Promise<void>) {
  for (let start = 0; start < items.length; start += chunk) {
    await Promise.all(items.slice(start, start + chunk).map((item, offset) => fn(item, start + offset)));
  }
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl, application_name: 'power-realms-bench' });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Creates a database for this run and remembers it in `created` so that dropDatabases removes it. */
export async function createDatabase(serverUrl: string, name: string, created: string[]): Promise<string> {
  await adminQuery(serverUrl, `create database ${name}`);
  created.push(name);
  return databaseUrl(serverUrl, name);
}

export async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  for (const name of names.splice(0)) {
    try {
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    } catch (error) {
      console.error(`could not drop database ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
