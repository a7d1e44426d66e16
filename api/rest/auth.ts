import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { hashToken, TOKEN_SCOPES, type TokenScope } from '../../core/auth/tokens.ts';
import type { AppContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import type { Caller } from './route.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads `Authorization: Bearer …`: a personal access token (stored as its sha256; revoked ones fail), or the bots'
 * service credential acting for the user in `X-Acting-User` (an id) or `X-Acting-Identity` (`discord:<id>` or
 * `telegram:<id>`). No header: an anonymous caller (null). A header that does not authenticate: 401.
 */
export function createAuthenticator(options: { serviceToken?: string }) {
  const service = options.serviceToken ? digest(options.serviceToken) : null;
  return async function authenticate(req: Request, app: AppContext): Promise<Caller | null> {
    const header = req.get('authorization');
    if (header === undefined) return null;
    const match = /^Bearer +([\x21-\x7e]{1,200})$/i.exec(header.trim());
    if (!match?.[1]) throw new AppError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
    const token = match[1];
    if (service && timingSafeEqual(digest(token), service)) return actingUser(req, app);
    const rows = await app.prepared<{
      id: string;
      user_id: string;
      scopes: string[];
      is_global_admin: boolean;
      stale: boolean;
    }>(
      'auth-token',
      `select t.id, t.user_id, t.scopes, u.is_global_admin,
              (t.last_used_at is null or t.last_used_at < now() - interval '1 minute') as stale
         from personal_access_tokens t join users u on u.id = t.user_id
        where t.token_hash = $1 and t.revoked_at is null`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row) throw new AppError('UNAUTHENTICATED', 'unknown or revoked token');
    // last_used_at moves at most once a minute: a write per request would cost more than the request.
    if (row.stale)
      void app.em
        .execute('update personal_access_tokens set last_used_at = now() where id = ?', [row.id])
        .catch(() => undefined);
    return {
      userId: row.user_id,
      isGlobalAdmin: row.is_global_admin,
      scopes: row.scopes.filter((scope): scope is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(scope)),
      via: 'token',
      tokenId: row.id,
    };
  };
}

async function actingUser(req: Request, app: AppContext): Promise<Caller> {
  const userId = req.get('x-acting-user');
  const identity = req.get('x-acting-identity');
  let rows: { id: string; is_global_admin: boolean }[] = [];
  if (userId !== undefined) {
    if (!UUID.test(userId)) throw new AppError('UNAUTHENTICATED', 'X-Acting-User must be a user id');
    rows = await app.em.execute('select id, is_global_admin from users where id = ?', [userId.toLowerCase()]);
  } else if (identity !== undefined) {
    const match = /^(discord|telegram):([0-9-]{1,32})$/.exec(identity);
    if (!match) throw new AppError('UNAUTHENTICATED', 'X-Acting-Identity must be discord:<id> or telegram:<id>');
    rows = await app.em.execute(
      `select u.id, u.is_global_admin from user_identities i join users u on u.id = i.user_id
        where i.platform = ? and i.external_id = ?`,
      [match[1], match[2]],
    );
  } else {
    throw new AppError(
      'UNAUTHENTICATED',
      'the service credential acts for someone: send X-Acting-User or X-Acting-Identity',
    );
  }
  const row = rows[0];
  if (!row) throw new AppError('UNAUTHENTICATED', 'the acting user or identity is unknown');
  return {
    userId: row.id,
    isGlobalAdmin: row.is_global_admin,
    scopes: ['read', 'write', 'admin'],
    via: 'service',
    tokenId: null,
  };
}
