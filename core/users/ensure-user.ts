import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { uuidv7 } from '../../lib/uuid.ts';

export type IdentityPlatform = 'local' | 'discord' | 'telegram';

export interface UserView {
  id: string;
  displayName: string;
  isGlobalAdmin: boolean;
  created: boolean;
}

export interface IdentityInput {
  platform: IdentityPlatform;
  /** Discord or Telegram user id; for 'local', the lower-cased name given on the command line. */
  externalId: string;
  /** Shown to other people; taken from the platform profile on first sight. */
  displayName: string;
  username?: string | null;
}

/**
 * Finds the user behind a platform identity or creates both. The first user ever registered becomes the Global
 * Admin: decided inside one INSERT, and a unique index keeps a concurrent second "first" user from becoming one too.
 */
export async function ensureUserByIdentity(em: EntityManager, input: IdentityInput): Promise<UserView> {
  const displayName = input.displayName.trim().slice(0, 100) || input.externalId.slice(0, 100);
  const externalId = input.externalId.trim();
  if (externalId.length < 1 || externalId.length > 100)
    throw new AppError('VALIDATION_FAILED', 'identity id must be 1..100 characters');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const found = await em.execute<{ id: string; display_name: string; is_global_admin: boolean }[]>(
      `select u.id, u.display_name, u.is_global_admin from user_identities i join users u on u.id = i.user_id
        where i.platform = ? and i.external_id = ?`,
      [input.platform, externalId],
    );
    const row = found[0];
    if (row) return { id: row.id, displayName: row.display_name, isGlobalAdmin: row.is_global_admin, created: false };
    try {
      return await em.transactional(async (tx) => {
        const inserted = await tx.execute<{ id: string; is_global_admin: boolean }[]>(
          `insert into users (id, display_name, is_global_admin)
           select ?, ?, not exists (select 1 from users) returning id, is_global_admin`,
          [uuidv7(), displayName],
        );
        const user = inserted[0];
        if (!user) throw new Error('user insert returned nothing');
        await tx.execute('insert into user_identities (platform, external_id, user_id, username) values (?, ?, ?, ?)', [
          input.platform,
          externalId,
          user.id,
          input.username ?? null,
        ]);
        return { id: user.id, displayName, isGlobalAdmin: user.is_global_admin, created: true };
      });
    } catch (error) {
      // Lost a race: the same identity, or a concurrent first user took the Global Admin seat. Look again.
      if ((error as { code?: string }).code !== '23505') throw error;
    }
  }
  throw new Error('could not create the user after three attempts');
}

/** The command line's users: a name is a 'local' identity (`admin token --name`). */
export function ensureUser(em: EntityManager, input: { displayName: string }): Promise<UserView> {
  const displayName = input.displayName.trim();
  if (displayName.length < 1 || displayName.length > 100)
    throw new AppError('VALIDATION_FAILED', 'display name must be 1..100 characters');
  return ensureUserByIdentity(em, { platform: 'local', externalId: displayName.toLowerCase(), displayName });
}
