import { isAppError } from '../../core/errors.ts';
import { joinPool } from '../../core/members/join-pool.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { BotRefusal, chatPool, type CommandDef } from '../command.ts';

/**
 * Joins the chat's pool. A private pool's password never travels through the group: the adapters ask for it in
 * private (a modal on Discord, the private chat on Telegram) and come back through `joinWithPassword`.
 */
export const join: CommandDef = {
  name: 'join',
  descriptionKey: 'cmd-join',
  options: [{ name: 'code', type: 'string', required: false, descriptionKey: 'cmd-join-opt-code' }],
  async run(ctx, args) {
    const { poolId } = await chatPool(ctx);
    return joinOrAskPassword(ctx, poolId, args.code);
  },
};

/** Joins without a password; a pool that needs one turns into the private password step. */
export async function joinOrAskPassword(
  ctx: Parameters<NonNullable<CommandDef['run']>>[0],
  poolId: string,
  referralCode: string | undefined,
) {
  try {
    return await joinWithPassword(ctx, poolId, undefined, referralCode);
  } catch (error) {
    if (isAppError(error, 'WRONG_POOL_PASSWORD') && error.details.retryAfterSeconds === undefined)
      throw new PasswordNeeded(poolId, referralCode);
    throw error;
  }
}

/** Raised when the pool needs a password: each adapter asks for it its own private way. */
export class PasswordNeeded extends BotRefusal {
  constructor(poolId: string, referralCode: string | undefined) {
    super('join-password-dm', {}, { kind: 'password', poolId, referralCode });
  }
}

export async function joinWithPassword(
  ctx: Parameters<NonNullable<CommandDef['run']>>[0],
  poolId: string,
  password: string | undefined,
  referralCode: string | undefined,
) {
  const joined = await joinPool(ctx.app, ctx.actor, {
    poolId,
    password,
    referralCode: referralCode?.trim() || undefined,
  });
  const { pool } = await getPool(ctx.app, ctx.actor, { poolId });
  return ctx.reply(joined.rejoined ? 'join-rejoined' : 'join-ok', { pool: pool.name });
}
