import type { AgentConfig } from './config.ts';
import type { StatusResult } from './api.ts';

/** ", encodes 720p at 293 fps (GPU 900 fps)" as far as measured. */
export function encodeRates(rates: { encodeFps?: number | null; gpuEncodeFps?: number | null }): string {
  if (rates.encodeFps === null || rates.encodeFps === undefined) return '';
  const gpu = rates.gpuEncodeFps === null || rates.gpuEncodeFps === undefined ? '' : ` (GPU ${rates.gpuEncodeFps} fps)`;
  return `, encodes 720p at ${rates.encodeFps} fps${gpu}`;
}

/** The lines `agent status` prints: the local config, then what the API sees. */
export function statusLines(file: string, config: AgentConfig, result: StatusResult): string[] {
  const lines = [
    `config    ${file}`,
    `machine   ${config.name} (${config.machineId})`,
    `pool      ${config.poolId}`,
    `api       ${config.apiUrl}`,
    `joined    ${config.joinedAt}`,
  ];
  if (result.kind !== 'ok') return [...lines, `online    unknown: ${result.message}`];
  const { status } = result;
  const seen = status.lastSeenAt ? `last seen ${status.lastSeenAt}` : 'never connected';
  const m = status.metrics;
  const figures = m
    ? `; load ${m.cpuLoad ?? '?'} per core, memory ${m.memUsedPercent ?? '?'}%, up ${Math.round((m.uptimeSeconds ?? 0) / 3600)} h`
    : '';
  return [
    ...lines,
    `online    ${status.online ? 'yes' : 'no (start it with: npx power-realms agent run)'} — ${seen}${figures}`,
    `benchmark ${status.cpuScore === null ? 'not measured (npx power-realms agent bench)' : `CPU ${status.cpuScore}${encodeRates(status)}`}`,
  ];
}
