import type { AgentConfig } from './config.ts';

const CREDENTIAL_HEADER = 'x-agent-credential';
const base = (config: AgentConfig) => config.apiUrl.replace(/\/+$/, '');

/** The API's view of this machine (GET /api/v1/agent/status). */
export interface RemoteStatus {
  machineId: string;
  poolId: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  agentVersion: string | null;
  cpuScore: number | null;
  encodeFps?: number | null;
  gpuEncodeFps?: number | null;
  metrics: { cpuLoad?: number; memUsedPercent?: number; uptimeSeconds?: number } | null;
}

export type StatusResult =
  | { kind: 'ok'; status: RemoteStatus }
  | { kind: 'refused'; message: string }
  | { kind: 'unreachable'; message: string };

/** Asks the API whether it sees this machine's agent online (presence is shared, so any API process knows). */
export async function remoteStatus(config: AgentConfig): Promise<StatusResult> {
  const response = await fetch(`${base(config)}/api/v1/agent/status`, {
    headers: { [CREDENTIAL_HEADER]: config.credential },
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error) return { kind: 'unreachable', message: response.message };
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const code = typeof body.code === 'string' ? body.code : '';
  if (response.status === 401)
    return {
      kind: 'refused',
      message: 'the API does not know this credential (machine removed?): run agent join again',
    };
  if (!response.ok) return { kind: 'unreachable', message: `HTTP ${response.status} ${code}`.trim() };
  return { kind: 'ok', status: body as unknown as RemoteStatus };
}

/** Reports a benchmark score over REST (a running `agent run` keeps its WebSocket undisturbed). */
export async function reportBenchmark(
  config: AgentConfig,
  report: {
    cpuScore: number;
    gpu?: string;
    encodeFps?: number;
    gpuEncoder?: string;
    gpuEncodeFps?: number;
  },
): Promise<{ ok: true } | { ok: false; message: string }> {
  const response = await fetch(`${base(config)}/api/v1/agent/benchmark`, {
    method: 'POST',
    headers: { [CREDENTIAL_HEADER]: config.credential, 'content-type': 'application/json' },
    body: JSON.stringify(report),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error) return { ok: false, message: `cannot reach ${config.apiUrl}: ${response.message}` };
  if (response.ok) return { ok: true };
  const body = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
  return { ok: false, message: `${body.code ?? `HTTP ${response.status}`}: ${body.detail ?? 'refused'}` };
}
