import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { requireSession, type Session } from './session-view.ts';

/** The first frame was decoded: the session is live and its time starts. Repeats change nothing. */
export async function markSessionStarted(
  ctx: AppContext,
  input: { sessionId: string; machineId?: string },
): Promise<Session> {
  const session = await requireSession(ctx.em, input.sessionId);
  if (input.machineId && session.machineId !== input.machineId) throw new AppError('SESSION_NOT_FOUND');
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      "update gameboost_sessions set status = 'live', started_at = now() where id = ? and status = 'waiting' and ended_at is null returning id",
      [session.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: 'SessionStarted',
        poolId: session.poolId,
        payload: {
          sessionId: session.id,
          machineId: session.machineId,
          buyerUserId: session.buyerUserId,
          sellerUserId: session.sellerUserId,
        },
      });
  });
  return requireSession(ctx.em, session.id);
}

export interface MetricsSample {
  fps?: number;
  rttMs?: number;
  packetLoss?: number;
  freezes?: number;
  bitrateKbps?: number;
}

const MAX_SAMPLES = 20_000;
const finite = (v: number | undefined, max: number) =>
  v === undefined || !Number.isFinite(v) || v < 0 ? null : Math.min(v, max);

/**
 * A quality sample from the browser (its getStats) or the agent, kept as evidence and for the SLA. Only while the
 * session is live; bounded per session. A browser's sample also says its viewer is still there (`viewer_seen_at`,
 * written at most every 5 s), which keeps the sessions job from ending the session as `viewer_lost`.
 */
export async function recordSessionMetrics(
  ctx: AppContext,
  input: { sessionId: string; source: 'browser' | 'agent'; sample: MetricsSample; machineId?: string },
): Promise<void> {
  const s = input.sample;
  // An agent speaks only for sessions on its own machine.
  const machineClause = input.machineId ? 'and g.machine_id = ?' : '';
  await ctx.em.execute(
    `insert into session_metrics (session_id, source, fps, rtt_ms, packet_loss, freezes, bitrate_kbps)
     select ?, ?, ?, ?, ?, ?, ? from gameboost_sessions g
      where g.id = ? and g.status = 'live' ${machineClause}
        and (select count(*) from session_metrics m where m.session_id = g.id) < ?`,
    [
      input.sessionId,
      input.source,
      finite(s.fps, 1000),
      finite(s.rttMs, 60_000),
      finite(s.packetLoss, 1),
      s.freezes === undefined ? null : Math.round(finite(s.freezes, 1e6) ?? 0),
      s.bitrateKbps === undefined ? null : Math.round(finite(s.bitrateKbps, 1e7) ?? 0),
      input.sessionId,
      ...(input.machineId ? [input.machineId] : []),
      MAX_SAMPLES,
    ],
  );
  if (input.source === 'browser')
    await ctx.em.execute(
      `update gameboost_sessions set viewer_seen_at = now()
        where id = ? and status = 'live' and ended_at is null
          and (viewer_seen_at is null or viewer_seen_at < now() - interval '5 seconds')`,
      [input.sessionId],
    );
}
