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
 * session is live; bounded per session (the session row counts them). A browser's sample also says its viewer is
 * still there (`viewer_seen_at`), which keeps the sessions job from ending the session as `viewer_lost` — past the
 * cap too. One statement: the count, the viewer's time and the sample move together.
 */
export async function recordSessionMetrics(
  ctx: AppContext,
  input: { sessionId: string; source: 'browser' | 'agent'; sample: MetricsSample; machineId?: string },
): Promise<void> {
  const s = input.sample;
  // An agent speaks only for sessions on its own machine.
  const machineClause = input.machineId ? 'and g.machine_id = ?' : '';
  await ctx.em.execute(
    `with counted as (
       update gameboost_sessions g
          set metric_samples = g.metric_samples + 1,
              viewer_seen_at = case when ? then now() else g.viewer_seen_at end
        where g.id = ? and g.status = 'live' and g.ended_at is null ${machineClause}
        returning g.metric_samples
     )
     insert into session_metrics (session_id, source, fps, rtt_ms, packet_loss, freezes, bitrate_kbps)
     select ?, ?, ?, ?, ?, ?, ? from counted where counted.metric_samples <= ?`,
    [
      input.source === 'browser',
      input.sessionId,
      ...(input.machineId ? [input.machineId] : []),
      input.sessionId,
      input.source,
      finite(s.fps, 1000),
      finite(s.rttMs, 60_000),
      finite(s.packetLoss, 1),
      s.freezes === undefined ? null : Math.round(finite(s.freezes, 1e6) ?? 0),
      s.bitrateKbps === undefined ? null : Math.round(finite(s.bitrateKbps, 1e7) ?? 0),
      MAX_SAMPLES,
    ],
  );
}
