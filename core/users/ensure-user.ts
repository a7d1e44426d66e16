import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../../lib/uuid.ts';

export interface UserView {
  id: string;
  displayName: string;
  isGlobalAdmin: boolean;
  created: boolean;
}

/**
 * Finds a user by display name (case-insensitive) or creates one. The first user ever registered becomes the Global
 * Admin: decided inside one INSERT, and a unique index keeps a concurrent second "first" user from becoming one too.
 */
export async function ensureUser(em: EntityManager, input: { displayName: string }): Promise<UserView> {
  const displayName = input.displayName.trim();
  if (displayName.length < 1 || displayName.length > 100)
    throw new RangeError('display name must be 1..100 characters');
  const connection = em.getConnection();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const existing = await connection.execute<{ id: string; display_name: string; is_global_admin: boolean }[]>(
      'select id, display_name, is_global_admin from users where lower(display_name) = lower(?)',
      [displayName],
    );
    const found = existing[0];
    if (found)
      return { id: found.id, displayName: found.display_name, isGlobalAdmin: found.is_global_admin, created: false };
    try {
      const inserted = await connection.execute<{ id: string; is_global_admin: boolean }[]>(
        `insert into users (id, display_name, is_global_admin)
         select ?, ?, not exists (select 1 from users) returning id, is_global_admin`,
        [uuidv7(), displayName],
      );
      const row = inserted[0];
      if (!row) throw new Error('user insert returned nothing');
      return { id: row.id, displayName, isGlobalAdmin: row.is_global_admin, created: true };
    } catch (error) {
      // Lost a race: the same name, or a concurrent first user took the Global Admin seat. Look again.
      if ((error as { code?: string }).code !== '23505') throw error;
    }
  }
  throw new Error('could not create the user after three attempts');
}
