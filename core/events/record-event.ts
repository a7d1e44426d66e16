import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Writes a domain event to the outbox through `em`, so it commits or rolls back with the change it describes; the
 * outbox relay publishes it afterwards. Payload values must be JSON (amounts as decimal strings of micros).
 */
export async function recordEvent(
  em: EntityManager,
  event: { type: string; poolId: string | null; payload: Record<string, unknown> },
): Promise<void> {
  await em.execute('insert into outbox_events (type, pool_id, payload) values (?, ?, ?::jsonb)', [
    event.type,
    event.poolId,
    JSON.stringify(event.payload),
  ]);
}
