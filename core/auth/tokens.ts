import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../../lib/uuid.ts';

/** Scopes a personal access token can carry. */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const PREFIX = 'pr_';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Creates a token; the secret is returned once and only its sha256 is stored. */
export async function createAccessToken(
  em: EntityManager,
  input: { userId: string; name: string; scopes: readonly TokenScope[] },
): Promise<{ tokenId: string; token: string }> {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const tokenId = uuidv7();
  await em
    .getConnection()
    .execute('insert into personal_access_tokens (id, user_id, name, token_hash, scopes) values (?, ?, ?, ?, ?)', [
      tokenId,
      input.userId,
      input.name,
      hashToken(token),
      `{${input.scopes.join(',')}}`,
    ]);
  return { tokenId, token };
}

/** The user and scopes of a live token, or null for an unknown or revoked one. */
export async function authenticateToken(
  em: EntityManager,
  token: string,
): Promise<{ tokenId: string; userId: string; scopes: TokenScope[] } | null> {
  if (!token.startsWith(PREFIX) || token.length > 100) return null;
  const rows = await em.getConnection().execute<{ id: string; user_id: string; scopes: TokenScope[] }[]>(
    `update personal_access_tokens set last_used_at = now()
       where token_hash = ? and revoked_at is null returning id, user_id, scopes`,
    [hashToken(token)],
  );
  const row = rows[0];
  return row ? { tokenId: row.id, userId: row.user_id, scopes: row.scopes } : null;
}

export interface TokenView {
  tokenId: string;
  name: string;
  scopes: TokenScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The caller's live tokens (never their secrets), newest first. */
export async function listAccessTokens(em: EntityManager, userId: string): Promise<TokenView[]> {
  const rows = await em.execute<
    { id: string; name: string; scopes: TokenScope[]; created_at: Date; last_used_at: Date | null }[]
  >(
    `select id, name, scopes, created_at, last_used_at from personal_access_tokens
      where user_id = ? and revoked_at is null order by id desc limit 100`,
    [userId],
  );
  return rows.map((row) => ({
    tokenId: row.id,
    name: row.name,
    scopes: row.scopes,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  }));
}

/** Revokes one of the caller's tokens; false when it is not theirs or already revoked. */
export async function revokeAccessToken(em: EntityManager, userId: string, tokenId: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `update personal_access_tokens set revoked_at = now()
      where id = ? and user_id = ? and revoked_at is null returning id`,
    [tokenId, userId],
  );
  return rows.length > 0;
}
