import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../../core/errors.ts';
import { canonicalJson } from '../../lib/canonical-json.ts';

/** A row left running this long was abandoned by a process that died mid-request; the next request may take it. */
const STALE_SECONDS = 60;

export type Begun = { kind: 'proceed' } | { kind: 'replay'; status: number; body: unknown };

/**
 * HTTP Idempotency-Key records (table api_idempotency), per user. The first request claims the key; its 2xx answer is
 * stored and replayed for the same key and body; another body under the same key is refused. Failed requests free the
 * key again (the ledger keeps no record of refused commands either), so a client can fix the cause and retry.
 */
export interface IdempotencyStore {
  begin(
    em: EntityManager,
    request: { userId: string; key: string; method: string; path: string; body: unknown },
  ): Promise<Begun>;
  complete(em: EntityManager, record: { userId: string; key: string; status: number; body: unknown }): Promise<void>;
  abandon(em: EntityManager, record: { userId: string; key: string }): Promise<void>;
}

const requestHash = (method: string, path: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');

export const pgIdempotencyStore: IdempotencyStore = {
  async begin(em, request) {
    const hash = requestHash(request.method, request.path, request.body);
    const claimed = await em.execute<{ key: string }[]>(
      `insert into api_idempotency (user_id, key, method, path, request_hash) values (?, ?, ?, ?, ?)
       on conflict (user_id, key) do update
         set request_hash = excluded.request_hash, method = excluded.method, path = excluded.path, created_at = now()
       where api_idempotency.completed_at is null
         and api_idempotency.created_at < now() - make_interval(secs => ?)
       returning key`,
      [request.userId, request.key, request.method, request.path, hash, STALE_SECONDS],
    );
    if (claimed.length > 0) return { kind: 'proceed' };
    const rows = await em.execute<{ request_hash: string; status: number | null; response: unknown }[]>(
      'select request_hash, status, response from api_idempotency where user_id = ? and key = ?',
      [request.userId, request.key],
    );
    const row = rows[0];
    // Freed between our insert and this read: the client may simply retry.
    if (!row) throw new AppError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'retry the request', { retryAfterSeconds: 1 });
    if (row.request_hash !== hash)
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request');
    if (row.status === null)
      throw new AppError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'the first request with this key is still running', {
        retryAfterSeconds: 1,
      });
    return { kind: 'replay', status: row.status, body: row.response };
  },

  async complete(em, record) {
    await em.execute(
      `update api_idempotency set status = ?, response = ?::jsonb, completed_at = now() where user_id = ? and key = ?`,
      [record.status, JSON.stringify(record.body), record.userId, record.key],
    );
  },

  async abandon(em, record) {
    await em.execute('delete from api_idempotency where user_id = ? and key = ? and completed_at is null', [
      record.userId,
      record.key,
    ]);
  },
};

/** Forgets records older than `olderThanHours` (a worker job); clients retry within minutes, not days. */
export async function purgeIdempotencyRecords(em: EntityManager, olderThanHours = 24): Promise<number> {
  const rows = await em.execute<{ n: string }[]>(
    `with gone as (delete from api_idempotency where created_at < now() - make_interval(hours => ?) returning 1)
     select count(*) as n from gone`,
    [olderThanHours],
  );
  return Number(rows[0]?.n ?? 0);
}
