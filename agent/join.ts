import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { callApi } from './api.ts';
import { writeConfig, type AgentConfig } from './config.ts';
import { detectHardware, hardwareId, type DetectedHardware } from './hardware.ts';

/** What each refusal of POST /api/v1/agent/join means to the person at the machine. */
const REFUSALS: Record<string, (problem: Problem) => string> = {
  AGENT_CODE_INVALID: () =>
    'that code is wrong, expired or already used. Codes work once, for 10 minutes: make a new one with /machines add-code',
  RATE_LIMITED: (p) =>
    `too many wrong codes from this address; try again in ${Number(p.retryAfterSeconds) || 900} s with a fresh code`,
  MACHINE_ALREADY_REGISTERED: () =>
    'this machine is already registered in that pool (its hardware id is known). Remove it with /machines first',
  MACHINE_LIMIT_REACHED: () => 'you have reached your machine limit in that pool: remove a machine or buy slots',
  MACHINE_NAME_TAKEN: () => 'you already have a machine with that name in the pool: choose another with --name',
};

interface Problem {
  code?: string;
  detail?: string;
  retryAfterSeconds?: unknown;
}

export type JoinResult = { ok: true; config: AgentConfig; hardware: DetectedHardware } | { ok: false; message: string };

/**
 * `agent join CODE`: reads the hardware, hashes a hardware id, redeems the code at the API and keeps the machine
 * credential in `file` (0600). An existing config is kept unless `force`: overwriting it would orphan that machine.
 */
export async function joinMachine(input: {
  code: string;
  apiUrl: string;
  name?: string;
  file: string;
  force?: boolean;
  agentVersion: string;
}): Promise<JoinResult> {
  if (existsSync(input.file) && !input.force)
    return {
      ok: false,
      message: `${input.file} already holds a joined machine. Use --config OTHER_FILE for another pool, or --force to replace it`,
    };
  const apiUrl = input.apiUrl.replace(/\/+$/, '');
  const [hardware, hwid] = await Promise.all([detectHardware(), hardwareId()]);
  const name = (input.name ?? hostname()).trim().slice(0, 64) || 'machine';
  const response = await callApi(
    `${apiUrl}/api/v1/agent/join`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: input.code, name, hardware, hwid, agentVersion: input.agentVersion }),
    },
    20_000,
  );
  if (response instanceof Error) return { ok: false, message: `cannot reach ${apiUrl}: ${response.message}` };
  const { body } = response;
  if (!response.ok) {
    const problem = body as Problem;
    const code = problem.code ?? `HTTP ${response.status}`;
    const explain = REFUSALS[code];
    return { ok: false, message: `${explain ? explain(problem) : (problem.detail ?? 'refused')} (${code})` };
  }
  const config: AgentConfig = {
    apiUrl,
    machineId: String(body.machineId),
    poolId: String(body.poolId),
    name: String(body.name),
    credential: String(body.credential),
    joinedAt: new Date().toISOString(),
  };
  writeConfig(input.file, config);
  return { ok: true, config, hardware };
}
