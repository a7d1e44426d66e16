import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';

/** Removes a machine from the pool: its owner may, and so may the pool's officers and owner. */
export async function removeMachine(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; machineId: string },
): Promise<{ machineId: string }> {
  return ctx.em.transactional(async (em) => {
    const access = await loadPoolAccess(em, actor, input.poolId);
    const role = requirePoolRole(access, 'member');
    const rows = await em.execute<{ user_id: string; name: string }[]>(
      'select user_id, name from machines where id = ? and pool_id = ? and removed_at is null for update',
      [input.machineId, input.poolId],
    );
    const machine = rows[0];
    if (!machine) throw new AppError('MACHINE_NOT_FOUND');
    if (machine.user_id !== actor.userId && role === 'member') throw new AppError('NOT_AN_OFFICER');
    await em.execute('update machines set removed_at = now() where id = ?', [input.machineId]);
    await recordEvent(em, {
      type: 'MachineRemoved',
      poolId: input.poolId,
      payload: { machineId: input.machineId, userId: machine.user_id, name: machine.name, byUserId: actor.userId },
    });
    return { machineId: input.machineId };
  });
}
