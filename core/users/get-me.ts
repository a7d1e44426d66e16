import type { Actor, AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { MemberStatus, PoolRole } from '../access/pool-access.ts';
import type { IdentityPlatform } from './ensure-user.ts';

export interface MeView {
  userId: string;
  displayName: string;
  isGlobalAdmin: boolean;
  locale: 'en' | 'ru';
  identities: { platform: IdentityPlatform; externalId: string; username: string | null; linkedAt: Date }[];
  pools: { poolId: string; name: string; type: string; currency: string; role: PoolRole; status: MemberStatus }[];
}

/** The caller, their linked identities, and the pools they belong to (not the ones they left). */
export async function getMe(ctx: AppContext, actor: Actor): Promise<MeView> {
  const [users, identities, pools] = await Promise.all([
    ctx.em.execute<{ display_name: string; is_global_admin: boolean; locale: 'en' | 'ru' }[]>(
      'select display_name, is_global_admin, locale from users where id = ?',
      [actor.userId],
    ),
    ctx.em.execute<{ platform: IdentityPlatform; external_id: string; username: string | null; linked_at: Date }[]>(
      'select platform, external_id, username, linked_at from user_identities where user_id = ? order by platform',
      [actor.userId],
    ),
    ctx.em.execute<
      { pool_id: string; name: string; type: string; currency: string; role: PoolRole; status: MemberStatus }[]
    >(
      `select m.pool_id, p.name, p.type, p.currency, m.role, m.status from pool_members m join pools p on p.id = m.pool_id
        where m.user_id = ? and m.status <> 'left' order by p.name, m.pool_id`,
      [actor.userId],
    ),
  ]);
  const user = users[0];
  if (!user) throw new AppError('USER_NOT_FOUND');
  return {
    userId: actor.userId,
    displayName: user.display_name,
    isGlobalAdmin: user.is_global_admin,
    locale: user.locale,
    identities: identities.map((i) => ({
      platform: i.platform,
      externalId: i.external_id,
      username: i.username,
      linkedAt: new Date(i.linked_at),
    })),
    pools: pools.map((p) => ({
      poolId: p.pool_id,
      name: p.name,
      type: p.type,
      currency: p.currency,
      role: p.role,
      status: p.status,
    })),
  };
}
