import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { platformAccounts } from '../ledger/context.ts';
import { splitFee } from '../money/allocate.ts';
import { requireSession, type EndReason, type Session } from './session-view.ts';

/**
 * Ends a session — by the seeker or the node, at the rented time, or when the agent is lost — and settles it: the
 * hold is posted for the minutes used (started minutes, capped at the rent), less an SLA refund in proportion to the
 * quality samples that missed the pool's rules (minimum FPS, maximum RTT), with the platform fee taken from what the
 * node receives; the rest of the hold returns. The figures are stored before the ledger moves, so a crash in between
 * is settled by the sweep with the same figures under the same key.
 */
export async function endSession(
  ctx: AppContext,
  actor: Actor | null,
  input: { sessionId: string; reason?: EndReason; endAt?: Date },
): Promise<Session> {
  const session = await requireSession(ctx.em, input.sessionId);
  let reason: EndReason = input.reason ?? 'buyer';
  if (actor) {
    if (actor.userId === session.buyerUserId) reason = 'buyer';
    else if (actor.userId === session.sellerUserId) reason = 'seller';
    else throw new AppError('SESSION_NOT_FOUND');
  }
  if (session.status === 'ended') return session;
  if (session.status !== 'waiting' && session.status !== 'live') throw new AppError('SESSION_WRONG_STATE');
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute<
      { id: string; started_at: Date | null; ended_at: Date | null; min_fps: number; max_rtt: number }[]
    >(
      `select g.id, g.started_at, g.ended_at, p.sla_min_fps as min_fps, p.sla_max_rtt_ms as max_rtt
         from gameboost_sessions g join pools p on p.id = g.pool_id where g.id = ? for update of g`,
      [session.id],
    );
    const row = rows[0];
    if (!row || row.ended_at) return;
    const endAt = input.endAt ?? new Date();
    const startedMs = row.started_at ? new Date(row.started_at).getTime() : null;
    const usedMinutes =
      startedMs === null
        ? 0
        : Math.min(session.rentedMinutes, Math.max(0, Math.ceil((endAt.getTime() - startedMs) / 60_000)));
    const usedMicros = (session.pricePerHourMicros * BigInt(usedMinutes) + 59n) / 60n;
    const grossMicros = usedMicros < session.holdMicros ? usedMicros : session.holdMicros;
    const quality = await em.execute<
      { samples: string; bad: string; avg_fps: number | null; avg_rtt: number | null; source: string | null }[]
    >(
      `with chosen as (
         select case when exists (select 1 from session_metrics where session_id = ? and source = 'browser') then 'browser' else 'agent' end as source)
       select count(*) as samples,
              count(*) filter (where fps < ? or rtt_ms > ?) as bad,
              avg(fps) as avg_fps, avg(rtt_ms) as avg_rtt, (select source from chosen) as source
         from session_metrics where session_id = ? and source = (select source from chosen)`,
      [session.id, row.min_fps, row.max_rtt, session.id],
    );
    const q = quality[0];
    const samples = Number(q?.samples ?? 0);
    const bad = Number(q?.bad ?? 0);
    // The shortfall's share of the samples is refunded, rounded down to the micro (the node keeps the remainder).
    const refundMicros = samples > 0 ? (grossMicros * BigInt(bad)) / BigInt(samples) : 0n;
    const sla = {
      samples,
      badSamples: bad,
      source: q?.source ?? null,
      minFps: row.min_fps,
      maxRttMs: row.max_rtt,
      avgFps: q?.avg_fps === null || q?.avg_fps === undefined ? null : Math.round(q.avg_fps * 10) / 10,
      avgRttMs: q?.avg_rtt === null || q?.avg_rtt === undefined ? null : Math.round(q.avg_rtt),
    };
    await em.execute(
      `update gameboost_sessions set ended_at = ?, end_reason = ?, used_minutes = ?, charged_micros = ?, sla_refund_micros = ?,
              sla = ?::jsonb where id = ?`,
      [
        endAt,
        startedMs === null && reason !== 'buyer' && reason !== 'seller' ? 'never_started' : reason,
        usedMinutes,
        (grossMicros - refundMicros).toString(),
        refundMicros.toString(),
        JSON.stringify(sla),
        session.id,
      ],
    );
  });
  return settleSession(ctx, session.id);
}

/** Posts an ended session's figures to the ledger (idempotent on the session) and closes it with SessionEnded. */
export async function settleSession(ctx: AppContext, sessionId: string): Promise<Session> {
  const session = await requireSession(ctx.em, sessionId);
  if (session.status === 'ended' || !session.endedAt || session.chargedMicros === null) return session;
  if (!session.holdId) throw new Error(`session ${session.id} has no hold`);
  const charged = session.chargedMicros;
  const key = `session-end:${session.id}`;
  const result =
    charged > 0n
      ? await (async () => {
          const { feeMicros } = splitFee(charged, session.feeBps);
          const pools = await ctx.em.execute<{ currency: string }[]>('select currency from pools where id = ?', [
            session.poolId,
          ]);
          const fee = (await platformAccounts(ctx.ledger, pools[0]?.currency as string)).fee;
          return ctx.ledger.engine.submit({
            poolId: session.poolId,
            idempotencyKey: key,
            transfers: [
              {
                type: 'post',
                holdId: session.holdId as string,
                amountMicros: charged,
                ...(feeMicros > 0n ? { fee: { accountId: fee.id, amountMicros: feeMicros } } : {}),
                memo: `session ${session.id}`,
              },
            ],
          });
        })()
      : await ctx.ledger.engine.submit({
          poolId: session.poolId,
          idempotencyKey: key,
          transfers: [{ type: 'void', holdId: session.holdId, memo: `session ${session.id}` }],
        });
  await ctx.em.transactional(async (em) => {
    const rows = await em.execute(
      `update gameboost_sessions set status = 'ended', settlement_transfer_ids = ?::uuid[] where id = ? and status <> 'ended' returning id`,
      [`{${result.transfers.map((t) => t.id).join(',')}}`, session.id],
    );
    if (rows.length > 0)
      await recordEvent(em, {
        type: 'SessionEnded',
        poolId: session.poolId,
        payload: {
          sessionId: session.id,
          machineId: session.machineId,
          buyerUserId: session.buyerUserId,
          sellerUserId: session.sellerUserId,
          reason: session.endReason,
          usedMinutes: session.usedMinutes,
          amountMicros: charged.toString(),
          slaRefundMicros: (session.slaRefundMicros ?? 0n).toString(),
          returnedMicros: (session.holdMicros - charged).toString(),
        },
      });
  });
  return requireSession(ctx.em, session.id);
}
