import type pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import type { BusEvent, EventBus } from './bus.ts';

const BATCH = 500;

/**
 * Moves outbox rows to the bus. Rows are claimed with FOR UPDATE SKIP LOCKED, so several relays (one per process)
 * share the work without publishing a row twice in normal operation; a crash between publish and commit publishes
 * again, which consumers absorb by event id.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Publishes everything pending now; returns how many events went out. */
  async relayOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.relayBatch();
      total += sent;
      if (sent < BATCH) return total;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.relayOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox relay failed; retrying'))
        .finally(() => this.schedule(this.intervalMs));
    }, delayMs);
  }

  private async relayBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{
        id: string;
        type: string;
        pool_id: string | null;
        payload: Record<string, unknown>;
        created_at: Date;
      }>(
        `select id::text, type, pool_id, payload, created_at from outbox_events
         where published_at is null order by id limit $1 for update skip locked`,
        [BATCH],
      );
      if (rows.length > 0) {
        const events: BusEvent[] = rows.map((row) => ({
          id: row.id,
          type: row.type,
          poolId: row.pool_id,
          payload: row.payload,
          createdAt: row.created_at.toISOString(),
        }));
        await this.bus.publish(events);
        await client.query('update outbox_events set published_at = now() where id = any($1::bigint[])', [
          rows.map((row) => row.id),
        ]);
      }
      await client.query('commit');
      return rows.length;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
