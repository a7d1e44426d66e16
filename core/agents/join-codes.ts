import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadPoolAccess, requirePoolRole } from '../access/pool-access.ts';
import { registerMachine, type Hardware, type MachineView } from '../machines/register-machine.ts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_TTL_MINUTES = 10;
const hash = (kind: string, value: string) =>
  createHash('sha256').update(`power-realms:${kind}:${value}`).digest('hex');
const normalise = (typed: string) => typed.toUpperCase().replace(/[\s-]/g, '');

/**
 * A member asks for a code to connect a machine: 8 characters (no 0/O/1/I), valid 10 minutes, used once, stored as
 * a hash. A new code replaces the member's earlier unused ones in that pool.
 */
export async function createAgentJoinCode(
  ctx: AppContext,
  actor: Actor,
  input: { poolId: string },
): Promise<{ code: string; expiresAt: Date }> {
  requirePoolRole(await loadPoolAccess(ctx.em, actor, input.poolId), 'member');
  let code = '';
  for (let i = 0; i < 8; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  const rows = await ctx.em.transactional(async (em) => {
    await em.execute(
      'update agent_join_codes set used_at = now() where user_id = ? and pool_id = ? and used_at is null',
      [actor.userId, input.poolId],
    );
    return em.execute<{ expires_at: Date }[]>(
      `insert into agent_join_codes (code_hash, pool_id, user_id, expires_at)
       values (?, ?, ?, now() + make_interval(mins => ?)) returning expires_at`,
      [hash('agent-code', code), input.poolId, actor.userId, CODE_TTL_MINUTES],
    );
  });
  return { code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt: new Date(rows[0]?.expires_at ?? Date.now()) };
}

/**
 * `agent join CODE`: the code names the member and pool; the machine is registered for them (the machine limit and
 * HWID uniqueness apply) and gets a credential — `<machine id>.<secret>` — that only the agent keeps. Wrong codes are
 * rate-limited per address like link codes; a used or expired code is refused.
 */
export async function redeemAgentJoinCode(
  ctx: AppContext,
  input: { code: string; name: string; hardware: Hardware; hwid: string; agentVersion: string; limiterKey: string },
): Promise<{ machine: MachineView; credential: string }> {
  const limit = await ctx.limiters.linkCodePerUser.consume(`agent:${input.limiterKey}`);
  if (!limit.allowed)
    throw new AppError('RATE_LIMITED', 'too many agent codes tried', {
      retryAfterSeconds: Math.ceil(limit.retryAfterMs / 1000),
    });
  const claimed = await ctx.em.execute<{ pool_id: string; user_id: string }[]>(
    `update agent_join_codes set used_at = now() where code_hash = ? and used_at is null and expires_at > now()
     returning pool_id, user_id`,
    [hash('agent-code', normalise(input.code))],
  );
  const owner = claimed[0];
  if (!owner) throw new AppError('AGENT_CODE_INVALID');
  const actor = { userId: owner.user_id, isGlobalAdmin: false };
  const machine = await registerMachine(ctx, actor, {
    poolId: owner.pool_id,
    name: input.name,
    hardware: input.hardware,
    hwid: input.hwid,
  });
  const secret = randomBytes(32).toString('base64url');
  await ctx.em.execute('insert into machine_credentials (machine_id, secret_hash) values (?, ?)', [
    machine.id,
    hash('machine-secret', secret),
  ]);
  await ctx.em.execute('update machines set agent_version = ? where id = ?', [
    input.agentVersion.slice(0, 40),
    machine.id,
  ]);
  await ctx.em.execute('update agent_join_codes set machine_id = ? where code_hash = ?', [
    machine.id,
    hash('agent-code', normalise(input.code)),
  ]);
  await ctx.limiters.linkCodePerUser.reset(`agent:${input.limiterKey}`);
  return { machine, credential: `${machine.id}.${secret}` };
}

/** The machine behind an agent's credential, when it is live (not revoked, the machine not removed); null otherwise. */
export async function authenticateMachine(
  ctx: AppContext,
  credential: string,
): Promise<{ machineId: string; poolId: string; userId: string; name: string } | null> {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(credential.trim());
  if (!match?.[1] || !match[2]) return null;
  const rows = await ctx.em.execute<{ id: string; pool_id: string; user_id: string; name: string }[]>(
    `select m.id, m.pool_id, m.user_id, m.name from machine_credentials c join machines m on m.id = c.machine_id
      where c.machine_id = ? and c.secret_hash = ? and c.revoked_at is null and m.removed_at is null`,
    [match[1], hash('machine-secret', match[2])],
  );
  const row = rows[0];
  return row ? { machineId: row.id, poolId: row.pool_id, userId: row.user_id, name: row.name } : null;
}
