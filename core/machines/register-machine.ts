import { createHash } from 'node:crypto';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { recordEvent } from '../events/record-event.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { uuidv7 } from '../../lib/uuid.ts';
import { machineLimit } from './machine-limit.ts';

export interface Hardware {
  cpu: string;
  gpu?: string;
  ramGb: number;
  os: string;
}

export interface MachineView {
  id: string;
  poolId: string;
  userId: string;
  name: string;
  hardware: Hardware;
  createdAt: Date;
}

/** The hardware id is never stored; its salted hash is enough to spot the same machine registered twice. */
export const hashHwid = (hwid: string): string =>
  createHash('sha256').update(`power-realms:hwid:${hwid.trim()}`).digest('hex');

/**
 * Registers one of the caller's machines in a pool. The member's row is locked for the check, so concurrent
 * registrations cannot pass the limit together.
 */
export async function registerMachine(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string; name: string; hardware: Hardware; hwid: string },
): Promise<MachineView> {
  const name = input.name.trim();
  if (name.length < 1 || name.length > 64)
    throw new AppError('VALIDATION_FAILED', 'machine name must be 1..64 characters');
  if (input.hwid.trim().length < 8) throw new AppError('VALIDATION_FAILED', 'hwid must be at least 8 characters');
  const id = uuidv7();
  try {
    return await ctx.em.transactional(async (em) => {
      const access = await loadPoolAccess(em, actor, input.poolId, { lock: true });
      requirePoolRole(access, 'member');
      const limit = await machineLimit(em, input.poolId, actor.userId);
      if (limit.used >= limit.limit)
        throw new AppError('MACHINE_LIMIT_REACHED', `you have ${limit.used} of ${limit.limit} machines`, {
          limit: limit.limit,
          used: limit.used,
          howToRaise: ['refer', 'buy_slots'],
        });
      const rows = await em.execute<{ created_at: Date }[]>(
        `insert into machines (id, pool_id, user_id, name, hardware, hwid_hash) values (?, ?, ?, ?, ?::jsonb, ?)
         returning created_at`,
        [id, input.poolId, actor.userId, name, JSON.stringify(input.hardware), hashHwid(input.hwid)],
      );
      await recordEvent(em, {
        type: 'MachineRegistered',
        poolId: input.poolId,
        payload: { machineId: id, userId: actor.userId, name },
      });
      return {
        id,
        poolId: input.poolId,
        userId: actor.userId,
        name,
        hardware: input.hardware,
        createdAt: new Date(rows[0]?.created_at ?? Date.now()),
      };
    });
  } catch (error) {
    const constraint =
      (error as { code?: string; constraint?: string }).code === '23505'
        ? (error as { constraint?: string }).constraint
        : undefined;
    if (constraint === 'machines_hwid') throw new AppError('MACHINE_ALREADY_REGISTERED');
    if (constraint === 'machines_name') throw new AppError('MACHINE_NAME_TAKEN');
    throw error;
  }
}
