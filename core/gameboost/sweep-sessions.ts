import type { AppContext } from '../context.ts';
import { processPresence } from '../agents/presence.ts';
import { endSession, settleSession } from './end-session.ts';
import { listSessions } from './session-view.ts';

/** How long an agent may be silent before its session ends (network blips should not end a game). */
export const AGENT_GRACE_SECONDS = 45;
/** How long a live session's player may be silent (it reports every second) before the session ends. */
export const VIEWER_GRACE_SECONDS = 90;
/** How long a rented session may wait for its first frame before it ends uncharged. */
const START_TIMEOUT_MINUTES = 5;

/**
 * The sessions job: ends sessions at their rented time, sessions whose agent has been gone past the grace period
 * (charged up to when it was last seen), sessions whose player went away without ending them (charged up to its
 * last report), sessions that never started, and settles any a crash left half-ended. A session that lost both is
 * the agent's loss: that one counts against the node.
 */
export async function sweepSessions(ctx: AppContext): Promise<{ ended: number }> {
  let ended = 0;
  for (const s of await listSessions(ctx.em, "status in ('waiting', 'live') and ended_at is not null limit 200", []))
    await settleSession(ctx, s.id);
  for (const s of await listSessions(
    ctx.em,
    "status = 'live' and ended_at is null and started_at + make_interval(mins => rented_minutes) <= now() limit 200",
    [],
  )) {
    await endSession(ctx, null, {
      sessionId: s.id,
      reason: 'timeout',
      endAt: new Date((s.startedAt as Date).getTime() + s.rentedMinutes * 60_000),
    });
    ended += 1;
  }
  for (const s of await listSessions(
    ctx.em,
    `status = 'waiting' and ended_at is null and created_at < now() - make_interval(mins => ${START_TIMEOUT_MINUTES}) limit 200`,
    [],
  )) {
    await endSession(ctx, null, { sessionId: s.id, reason: 'never_started' });
    ended += 1;
  }
  const open = await listSessions(ctx.em, "status in ('waiting', 'live') and ended_at is null limit 500", []);
  const online = await (ctx.presence ?? processPresence).online(open.map((s) => s.machineId));
  for (const s of open.filter((session) => !online.has(session.machineId))) {
    const seen = await ctx.em.execute<{ last_seen_at: Date | null; gone: boolean }[]>(
      `select last_seen_at, coalesce(last_seen_at < now() - make_interval(secs => ?), true) as gone from machines where id = ?`,
      [AGENT_GRACE_SECONDS, s.machineId],
    );
    if (!seen[0]?.gone) continue;
    const lastSeen = seen[0].last_seen_at ? new Date(seen[0].last_seen_at) : new Date();
    await endSession(ctx, null, { sessionId: s.id, reason: 'agent_lost', endAt: lastSeen });
    ended += 1;
  }
  const silent = await ctx.em.execute<{ id: string; seen: Date }[]>(
    `select id, coalesce(viewer_seen_at, started_at) as seen from gameboost_sessions
      where status = 'live' and ended_at is null
        and coalesce(viewer_seen_at, started_at) < now() - make_interval(secs => ?) limit 200`,
    [VIEWER_GRACE_SECONDS],
  );
  for (const s of silent) {
    await endSession(ctx, null, { sessionId: s.id, reason: 'viewer_lost', endAt: new Date(s.seen) });
    ended += 1;
  }
  return { ended };
}
