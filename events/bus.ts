/** A domain event as it travels between processes. */
export interface BusEvent {
  /** The outbox row id: unique and increasing, so consumers can drop duplicates. */
  id: string;
  type: string;
  poolId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

export type EventHandler = (event: BusEvent) => Promise<void>;

/**
 * Fan-out of outbox events to consuming services. Each `group` receives every event once (at least once across
 * crashes; handlers are idempotent by event id). The in-memory bus serves one process; the Redis Streams bus, with the
 * same interface, serves many.
 */
export interface EventBus {
  publish(events: BusEvent[]): Promise<void>;
  subscribe(group: string, handler: EventHandler): () => void;
  /**
   * Every process that subscribes here receives every event published from now on: no group, no acknowledgement,
   * no redelivery. For ephemeral fan-out such as server-sent events, which replay from the outbox on reconnect.
   */
  subscribeBroadcast(handler: (event: BusEvent) => void): () => void;
  close(): Promise<void>;
}

export class InMemoryEventBus implements EventBus {
  private readonly groups = new Map<string, EventHandler[]>();
  private readonly broadcast = new Set<(event: BusEvent) => void>();

  constructor(private readonly onHandlerError: (error: unknown, event: BusEvent, group: string) => void) {}

  async publish(events: BusEvent[]): Promise<void> {
    for (const event of events) {
      for (const listener of this.broadcast) listener(event);
      for (const [group, handlers] of this.groups) {
        for (const handler of handlers) {
          await handler(event).catch((error: unknown) => this.onHandlerError(error, event, group));
        }
      }
    }
  }

  subscribe(group: string, handler: EventHandler): () => void {
    const handlers = this.groups.get(group) ?? [];
    handlers.push(handler);
    this.groups.set(group, handlers);
    return () => {
      const index = handlers.indexOf(handler);
      if (index >= 0) handlers.splice(index, 1);
    };
  }

  subscribeBroadcast(handler: (event: BusEvent) => void): () => void {
    this.broadcast.add(handler);
    return () => this.broadcast.delete(handler);
  }

  async close(): Promise<void> {
    this.groups.clear();
    this.broadcast.clear();
  }
}
