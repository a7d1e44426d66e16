import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { uuidv7 } from '../../lib/uuid.ts';

export interface Contribution {
  id: string;
  userId: string;
  machineId: string | null;
  units: bigint;
  workKind: string;
  source: 'owner' | 'verified';
  workedAt: Date;
}

/**
 * The owner records work a member contributed (units of verified work: shares, frames, tokens…). Until the pool-jobs
 * issue has machines report verified work themselves, the owner is the source. Idempotent on the edge's key.
 */
export async function recordContribution(
  ctx: AppContext,
  actor: Actor,
  input: {
    poolId: string;
    userId: string;
    units: bigint;
    machineId?: string;
    workKind?: string;
    workedAt?: Date;
    idempotencyKey: string;
  },
): Promise<Contribution> {
  requirePoolRole(await loadPoolAccess(ctx.em, actor, input.poolId), 'owner');
  if (input.units <= 0n || input.units > 1_000_000_000_000n)
    throw new AppError('VALIDATION_FAILED', 'units must be a whole number from 1 to 10^12');
  const workKind = (input.workKind ?? 'work').trim();
  if (workKind.length < 1 || workKind.length > 40)
    throw new AppError('VALIDATION_FAILED', 'work kind takes 1 to 40 characters');
  const members = await ctx.em.execute<{ status: string }[]>(
    'select status from pool_members where pool_id = ? and user_id = ?',
    [input.poolId, input.userId],
  );
  if (!members[0] || members[0].status === 'banned') throw new AppError('MEMBER_NOT_FOUND');
  if (input.machineId) {
    const machines = await ctx.em.execute('select 1 from machines where id = ? and pool_id = ? and user_id = ?', [
      input.machineId,
      input.poolId,
      input.userId,
    ]);
    if (machines.length === 0) throw new AppError('MACHINE_NOT_FOUND');
  }
  const workedAt = input.workedAt ?? new Date();
  if (workedAt.getTime() > Date.now() + 60_000) throw new AppError('VALIDATION_FAILED', 'work cannot be in the future');
  const key = `contribution:${input.idempotencyKey}`;
  const rows = await ctx.em.execute<
    {
      id: string;
      user_id: string;
      machine_id: string | null;
      units: string;
      work_kind: string;
      source: 'owner';
      worked_at: Date;
    }[]
  >(
    `insert into contributions (id, pool_id, user_id, machine_id, units, work_kind, source, worked_at, recorded_by, idempotency_key)
     values (?, ?, ?, ?, ?, ?, 'owner', ?, ?, ?)
     on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
     returning id, user_id, machine_id, units, work_kind, source, worked_at`,
    [
      uuidv7(),
      input.poolId,
      input.userId,
      input.machineId ?? null,
      input.units.toString(),
      workKind,
      workedAt,
      actor.userId,
      key,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('recordContribution: no row');
  if (row.user_id !== input.userId || BigInt(row.units) !== input.units) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return {
    id: row.id,
    userId: row.user_id,
    machineId: row.machine_id,
    units: BigInt(row.units),
    workKind: row.work_kind,
    source: row.source,
    workedAt: new Date(row.worked_at),
  };
}
