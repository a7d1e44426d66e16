import type { Request } from 'express';
import { z } from 'zod';
import { agentStatuses } from '../../core/agents/agent-status.ts';
import { authenticateMachine } from '../../core/agents/join-codes.ts';
import { GPU_ENCODERS, MAX_CPU_SCORE, MAX_ENCODE_FPS, recordBenchmark } from '../../core/agents/record-benchmark.ts';
import type { AppContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { defineRoute } from '../rest/route.ts';

/** The header the agent's REST calls carry its machine credential in (Authorization carries personal access tokens). */
export const AGENT_CREDENTIAL_HEADER = 'x-agent-credential';

/** What an agent reports of `agent bench`, over REST here and over its WebSocket (api/agent/gateway.ts) alike. */
export const BENCHMARK_FIELDS = {
  cpuScore: z.int().min(0).max(MAX_CPU_SCORE),
  gpu: z.string().trim().min(1).max(200).optional(),
  encodeFps: z
    .int()
    .min(0)
    .max(MAX_ENCODE_FPS)
    .optional()
    .meta({ description: 'Frames per second the host encodes 1280×720 at in software (libx264).' }),
  gpuEncoder: z.enum(GPU_ENCODERS).optional(),
  gpuEncodeFps: z
    .int()
    .min(0)
    .max(MAX_ENCODE_FPS)
    .optional()
    .meta({ description: 'The same with the hardware encoder, when one runs: the GPU score.' }),
};

async function callingMachine(app: AppContext, req: Request) {
  const machine = await authenticateMachine(app, req.get(AGENT_CREDENTIAL_HEADER) ?? '');
  if (!machine) throw new AppError('UNAUTHENTICATED', 'unknown or revoked machine credential: run `agent join` again');
  return machine;
}

export const agentStatusRoute = defineRoute({
  method: 'get',
  path: '/agent/status',
  operationId: 'agentStatus',
  summary: 'What the API sees of the calling host agent: online, last seen, benchmark and last metrics',
  description:
    'For `npx power-realms agent status`. No token: the machine credential from `agent join` goes in the `X-Agent-Credential` header. Presence is shared between API processes, so any of them answers alike.',
  tags: ['agents'],
  auth: 'none',
  response: {
    status: 200,
    description: 'The machine and its agent as the API sees them.',
    schema: z.object({
      machineId: z.uuid(),
      poolId: z.uuid(),
      name: z.string(),
      online: z.boolean(),
      lastSeenAt: z.iso.datetime().nullable(),
      agentVersion: z.string().nullable(),
      cpuScore: z.number().int().nullable(),
      encodeFps: z.number().int().nullable(),
      gpuEncodeFps: z.number().int().nullable(),
      metrics: z
        .object({ cpuLoad: z.number(), memUsedPercent: z.number(), uptimeSeconds: z.number() })
        .partial()
        .nullable(),
    }),
  },
  errors: ['UNAUTHENTICATED'],
  async handler({ app, req }) {
    const machine = await callingMachine(app, req);
    const status = (await agentStatuses(app, [machine.machineId])).get(machine.machineId);
    return {
      machineId: machine.machineId,
      poolId: machine.poolId,
      name: machine.name,
      online: status?.online ?? false,
      lastSeenAt: status?.lastSeenAt?.toISOString() ?? null,
      agentVersion: status?.agentVersion ?? null,
      cpuScore: status?.cpuScore ?? null,
      encodeFps: status?.encodeFps ?? null,
      gpuEncodeFps: status?.gpuEncodeFps ?? null,
      metrics: status?.metrics ?? null,
    };
  },
});

export const agentBenchmarkRoute = defineRoute({
  method: 'post',
  path: '/agent/benchmark',
  operationId: 'agentBenchmark',
  summary: 'The host agent reports the benchmark it measured (`agent bench`)',
  description:
    'No token: the machine credential goes in the `X-Agent-Credential` header. The score is shown on the machine’s offers and in /machines; the latest report wins.',
  tags: ['agents'],
  auth: 'none',
  body: z.strictObject(BENCHMARK_FIELDS),
  response: {
    status: 200,
    description: 'Recorded.',
    schema: z.object({ machineId: z.uuid(), cpuScore: z.number().int() }),
  },
  errors: ['UNAUTHENTICATED'],
  async handler({ app, req, body }) {
    const machine = await callingMachine(app, req);
    await recordBenchmark(app, machine.machineId, body);
    return { machineId: machine.machineId, cpuScore: body.cpuScore };
  },
});

export const agentRoutes = [agentStatusRoute, agentBenchmarkRoute];
