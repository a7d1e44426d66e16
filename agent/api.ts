import type { AgentConfig } from './config.ts';

const CREDENTIAL_HEADER = 'x-agent-credential';
const base = (config: AgentConfig) => config.apiUrl.replace(/\/+$/, '');

/** An answer of the API: its status and JSON body ({} when it has none). */
interface Answer {
  status: number;
  ok: boolean;
  body: Record<string, unknown>;
}

/** One call to the API within `timeoutMs`; a network failure comes back as the Error rather than thrown. */
export async function callApi(url: string, init: RequestInit, timeoutMs: number): Promise<Answer | Error> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }).catch(
    (error: unknown) => error as Error,
  );
  if (response instanceof Error) return response;
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, ok: response.ok, body };
}

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
  const response = await callApi(
    `${base(config)}/api/v1/agent/status`,
    { headers: { [CREDENTIAL_HEADER]: config.credential } },
    10_000,
  );
  if (response instanceof Error) return { kind: 'unreachable', message: response.message };
  const { body } = response;
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
  const response = await callApi(
    `${base(config)}/api/v1/agent/benchmark`,
    {
      method: 'POST',
      headers: { [CREDENTIAL_HEADER]: config.credential, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    },
    10_000,
  );
  if (response instanceof Error) return { ok: false, message: `cannot reach ${config.apiUrl}: ${response.message}` };
  if (response.ok) return { ok: true };
  const body = response.body as { code?: string; detail?: string };
  return { ok: false, message: `${body.code ?? `HTTP ${response.status}`}: ${body.detail ?? 'refused'}` };
}
