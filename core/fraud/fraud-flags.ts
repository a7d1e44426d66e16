import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requireGlobalAdmin, requirePoolRole } from '../access/pool-access.ts';
import type { FraudKind } from './detect-wash-trading.ts';

export interface FraudFlag {
  id: string;
  poolId: string;
  poolName: string;
  kind: FraudKind;
  userIds: string[];
  evidence: Record<string, unknown>;
  status: 'open' | 'dismissed' | 'confirmed';
  createdAt: Date;
}

interface FlagRow {
  id: string;
  pool_id: string;
  pool_name: string;
  kind: FraudKind;
  user_ids: string[];
  evidence: Record<string, unknown>;
  status: FraudFlag['status'];
  created_at: Date;
}

const fromRow = (row: FlagRow): FraudFlag => ({
  id: row.id,
  poolId: row.pool_id,
  poolName: row.pool_name,
  kind: row.kind,
  userIds: row.user_ids,
  evidence: row.evidence,
  status: row.status,
  createdAt: new Date(row.created_at),
});

const SELECT = 'select f.*, p.name as pool_name from fraud_flags f join pools p on p.id = f.pool_id';

/**
 * Flags for officers and the owner of one pool, or — without a pool — for the Global Admin across every pool.
 * Newest first; `status` filters (open by default).
 */
export async function listFraudFlags(
  ctx: AppContext,
  actor: Actor,
  input: { poolId?: string; status?: FraudFlag['status']; limit: number },
): Promise<FraudFlag[]> {
  if (input.poolId) requirePoolRole(await loadPoolAccess(ctx.em, actor, input.poolId), 'officer', { write: false });
  else requireGlobalAdmin(actor);
  const rows = await ctx.em.execute<FlagRow[]>(
    `${SELECT} where (?::uuid is null or f.pool_id = ?::uuid) and f.status = ? order by f.created_at desc limit ?`,
    [input.poolId ?? null, input.poolId ?? null, input.status ?? 'open', input.limit],
  );
  return rows.map(fromRow);
}

/** An officer or the owner (or the Global Admin) confirms or dismisses a flag; confirmed flags weigh on reliability. */
export async function reviewFraudFlag(
  ctx: AppContext,
  actor: Actor,
  input: { flagId: string; decision: 'confirmed' | 'dismissed' },
): Promise<FraudFlag> {
  const rows = await ctx.em.execute<FlagRow[]>(`${SELECT} where f.id = ?`, [input.flagId]);
  const row = rows[0];
  if (!row) throw new AppError('VALIDATION_FAILED', 'no such flag');
  if (!actor.isGlobalAdmin) requirePoolRole(await loadPoolAccess(ctx.em, actor, row.pool_id), 'officer');
  await ctx.em.transactional(async (em) => {
    await em.execute('update fraud_flags set status = ? where id = ?', [input.decision, row.id]);
    await recordEvent(em, {
      type: 'FraudFlagReviewed',
      poolId: row.pool_id,
      payload: { flagId: row.id, decision: input.decision, byUserId: actor.userId },
    });
  });
  return fromRow({ ...row, status: input.decision });
}
