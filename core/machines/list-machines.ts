import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { canReadAsMember, loadPoolAccess } from '../access/pool-access.ts';
import type { Hardware, MachineView } from './register-machine.ts';

/** The pool's registered machines (the marketplace offers them), newest first; `beforeId` continues a page. */
export async function listMachines(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; userId?: string; beforeId?: string; limit: number },
): Promise<MachineView[]> {
  const access = await loadPoolAccess(ctx.em, actor, input.poolId);
  if (!canReadAsMember(access))
    throw new AppError(access.membership?.status === 'banned' ? 'MEMBER_BANNED' : 'NOT_A_MEMBER');
  const rows = await ctx.em.execute<
    { id: string; user_id: string; name: string; hardware: Hardware; created_at: Date }[]
  >(
    `select id, user_id, name, hardware, created_at from machines
      where pool_id = ? and removed_at is null and id < ? ${input.userId ? 'and user_id = ?' : ''}
      order by id desc limit ?`,
    [
      input.poolId,
      input.beforeId ?? 'ffffffff-ffff-ffff-ffff-ffffffffffff',
      ...(input.userId ? [input.userId] : []),
      input.limit,
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    poolId: input.poolId,
    userId: row.user_id,
    name: row.name,
    hardware: row.hardware,
    createdAt: new Date(row.created_at),
  }));
}
