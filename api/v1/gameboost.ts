import { z } from 'zod';
import { createAgentJoinCode, redeemAgentJoinCode } from '../../core/agents/join-codes.ts';
import { AppError } from '../../core/errors.ts';
import { endSession } from '../../core/gameboost/end-session.ts';
import { markSessionStarted, recordSessionMetrics } from '../../core/gameboost/session-progress.ts';
import { requireSession, type Session } from '../../core/gameboost/session-view.ts';
import { startSession } from '../../core/gameboost/start-session.ts';
import { iceServersFor } from '../../core/gameboost/ice.ts';
import { defineRoute } from '../rest/route.ts';
import { MicrosOut, Uuid } from '../rest/schemas.ts';
import { actorOf } from './views.ts';

const Hardware = z.strictObject({
  cpu: z.string().trim().min(1).max(200),
  cores: z.int().min(1).max(4096).optional(),
  gpu: z.string().trim().min(1).max(200).optional(),
  vramGb: z.number().min(0).max(1024).optional(),
  ramGb: z.number().positive().max(65_536),
  os: z.string().trim().min(1).max(100),
});

export const agentCodeRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/agent-codes',
  operationId: 'createAgentCode',
  summary: 'A one-time code to connect one of your machines with the host agent',
  description: 'Valid 10 minutes, once: run `npx power-realms agent join CODE` on the machine.',
  tags: ['agents'],
  auth: 'write',
  idempotency: 'optional',
  params: z.object({ poolId: Uuid }),
  response: {
    status: 201,
    description: 'The code and the command to run.',
    schema: z.object({ code: z.string(), expiresAt: z.iso.datetime(), command: z.string() }),
  },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'POOL_SUSPENDED'],
  async handler({ params, caller, app }) {
    const { code, expiresAt } = await createAgentJoinCode(app, actorOf(caller), params);
    return { code, expiresAt: expiresAt.toISOString(), command: `npx power-realms agent join ${code}` };
  },
});

export const agentJoinRoute = defineRoute({
  method: 'post',
  path: '/agent/join',
  operationId: 'agentJoin',
  summary: 'The host agent redeems a join code: the machine is registered and gets its credential',
  description:
    'No token: the code is the proof. The HWID is hashed again on the server; the credential (`<machine id>.<secret>`) is shown once and authenticates the agent’s WebSocket at /api/v1/agent/ws.',
  tags: ['agents'],
  auth: 'none',
  body: z.strictObject({
    code: z.string().min(4).max(20),
    name: z.string().trim().min(1).max(64),
    hardware: Hardware,
    hwid: z.string().min(8).max(200),
    agentVersion: z.string().max(40).default('unknown'),
  }),
  response: {
    status: 201,
    description: 'The machine and its credential.',
    schema: z.object({ machineId: z.uuid(), poolId: z.uuid(), name: z.string(), credential: z.string() }),
  },
  errors: [
    'AGENT_CODE_INVALID',
    'RATE_LIMITED',
    'MACHINE_LIMIT_REACHED',
    'MACHINE_ALREADY_REGISTERED',
    'MACHINE_NAME_TAKEN',
  ],
  async handler({ body, app, req }) {
    const { machine, credential } = await redeemAgentJoinCode(app, {
      code: body.code,
      name: body.name,
      hardware: body.hardware,
      hwid: body.hwid,
      agentVersion: body.agentVersion,
      limiterKey: req.ip ?? 'unknown',
    });
    return { machineId: machine.id, poolId: machine.poolId, name: machine.name, credential };
  },
});

const SessionSchema = z
  .object({
    id: z.uuid(),
    poolId: z.uuid(),
    offerId: z.uuid(),
    machineId: z.uuid(),
    buyerUserId: z.uuid(),
    sellerUserId: z.uuid(),
    status: z.enum(['reserving', 'failed', 'waiting', 'live', 'ended']),
    rentedMinutes: z.number().int(),
    holdMicros: MicrosOut,
    startedAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    endReason: z.string().nullable(),
    usedMinutes: z.number().int().nullable(),
    chargedMicros: MicrosOut.nullable(),
    slaRefundMicros: MicrosOut.nullable(),
    sla: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'GameBoostSession' });
const sessionJson = (s: Session): z.output<typeof SessionSchema> => ({
  id: s.id,
  poolId: s.poolId,
  offerId: s.offerId,
  machineId: s.machineId,
  buyerUserId: s.buyerUserId,
  sellerUserId: s.sellerUserId,
  status: s.status,
  rentedMinutes: s.rentedMinutes,
  holdMicros: s.holdMicros.toString(),
  startedAt: s.startedAt?.toISOString() ?? null,
  endedAt: s.endedAt?.toISOString() ?? null,
  endReason: s.endReason,
  usedMinutes: s.usedMinutes,
  chargedMicros: s.chargedMicros?.toString() ?? null,
  slaRefundMicros: s.slaRefundMicros?.toString() ?? null,
  sla: s.sla,
});
const Params = z.object({ sessionId: Uuid });
const One = z.object({ session: SessionSchema });

export async function ownSession(
  app: Parameters<typeof requireSession>[0],
  userId: string,
  sessionId: string,
  buyerOnly = false,
) {
  const session = await requireSession(app, sessionId);
  if (session.buyerUserId !== userId && (buyerOnly || session.sellerUserId !== userId))
    throw new AppError('SESSION_NOT_FOUND');
  return session;
}

export const startSessionRoute = defineRoute({
  method: 'post',
  path: '/gameboost/sessions',
  operationId: 'startSession',
  summary: 'Rent a GameBoost slot for some minutes',
  description:
    'The machine’s agent must be online. The whole rent is held; at the end you pay for the minutes used, less an SLA refund when the measured quality missed the pool’s rules. `viewerToken` (shown once) lets the browser signal with the agent.',
  tags: ['gameboost'],
  auth: 'write',
  idempotency: 'required',
  body: z.strictObject({ offerId: Uuid, minutes: z.int().min(1).max(1440) }),
  response: {
    status: 201,
    description: 'The session, waiting for the stream, and the ICE servers (TURN credentials expire) for the browser.',
    schema: z.object({
      session: SessionSchema,
      viewerToken: z.string().nullable(),
      iceServers: z.array(
        z.object({ urls: z.array(z.string()), username: z.string().optional(), credential: z.string().optional() }),
      ),
    }),
  },
  errors: [
    'OFFER_NOT_FOUND',
    'OFFER_NOT_AVAILABLE',
    'OWN_OFFER',
    'MACHINE_OFFLINE',
    'INSUFFICIENT_FUNDS',
    'NOT_A_MEMBER',
    'RESTRICTED_BY_REPUTATION',
    'IDEMPOTENCY_KEY_REUSED',
  ],
  async handler({ body, caller, app, idempotencyKey }) {
    const { session, viewerToken } = await startSession(app, actorOf(caller), {
      ...body,
      idempotencyKey: idempotencyKey as string,
    });
    return { session: sessionJson(session), viewerToken, iceServers: iceServersFor(app.ice, `viewer-${session.id}`) };
  },
});

export const getSessionRoute = defineRoute({
  method: 'get',
  path: '/gameboost/sessions/{sessionId}',
  operationId: 'getSession',
  summary: 'A session you rented or host',
  tags: ['gameboost'],
  auth: 'read',
  params: Params,
  response: { status: 200, description: 'The session.', schema: One },
  errors: ['SESSION_NOT_FOUND'],
  async handler({ params, caller, app }) {
    return { session: sessionJson(await ownSession(app.em, actorOf(caller).userId, params.sessionId)) };
  },
});

export const sessionStartedRoute = defineRoute({
  method: 'post',
  path: '/gameboost/sessions/{sessionId}/started',
  operationId: 'sessionStarted',
  summary: 'The browser decoded the first frame: the session’s time starts',
  tags: ['gameboost'],
  auth: 'write',
  params: Params,
  response: { status: 200, description: 'The session, live.', schema: One },
  errors: ['SESSION_NOT_FOUND'],
  async handler({ params, caller, app }) {
    await ownSession(app.em, actorOf(caller).userId, params.sessionId, true);
    return { session: sessionJson(await markSessionStarted(app, { sessionId: params.sessionId })) };
  },
});

export const sessionMetricsRoute = defineRoute({
  method: 'post',
  path: '/gameboost/sessions/{sessionId}/metrics',
  operationId: 'sessionMetrics',
  summary: 'A quality sample from the browser’s getStats (kept as SLA evidence)',
  tags: ['gameboost'],
  auth: 'write',
  params: Params,
  body: z.strictObject({
    fps: z.number().min(0).max(1000).optional(),
    rttMs: z.number().min(0).max(60_000).optional(),
    packetLoss: z.number().min(0).max(1).optional(),
    freezes: z.int().min(0).optional(),
    bitrateKbps: z.int().min(0).optional(),
  }),
  response: {
    status: 202,
    description: 'Recorded while the session is live.',
    schema: z.object({ recorded: z.boolean() }),
  },
  errors: ['SESSION_NOT_FOUND'],
  async handler({ params, body, caller, app }) {
    await ownSession(app.em, actorOf(caller).userId, params.sessionId, true);
    await recordSessionMetrics(app, { sessionId: params.sessionId, source: 'browser', sample: body });
    return { recorded: true };
  },
});

export const endSessionRoute = defineRoute({
  method: 'post',
  path: '/gameboost/sessions/{sessionId}/end',
  operationId: 'endSession',
  summary: 'End a session (the seeker or the node): pay for the minutes used',
  tags: ['gameboost'],
  auth: 'write',
  idempotency: 'optional',
  params: Params,
  response: { status: 200, description: 'The session, ended and settled.', schema: One },
  errors: ['SESSION_NOT_FOUND', 'SESSION_WRONG_STATE'],
  async handler({ params, caller, app }) {
    return { session: sessionJson(await endSession(app, actorOf(caller), { sessionId: params.sessionId })) };
  },
});

export const gameboostRoutes = [
  agentCodeRoute,
  agentJoinRoute,
  startSessionRoute,
  getSessionRoute,
  sessionStartedRoute,
  sessionMetricsRoute,
  endSessionRoute,
];
