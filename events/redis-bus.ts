import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClientType } from 'redis';
import type { Logger } from '../lib/logger.ts';
import type { BusEvent, EventBus, EventHandler } from './bus.ts';

/**
 * The EventBus over Redis Streams, for more than one process.
 *
 * Layout: one stream per event family (`<prefix>:ledger`, `<prefix>:other`, see `streamFor`), each trimmed with
 * `MAXLEN ~ maxLen` on every XADD, and a dead-letter stream `<prefix>:dead`. Every `subscribe(group, …)` joins the
 * consumer group `group` on every family stream (created at `$` with MKSTREAM the first time: a brand-new group sees
 * only events published after it was created), so each group receives every event and the processes subscribed
 * under the same group share the events between them.
 *
 * Delivery is at least once. An entry is acknowledged only after its handler resolves; a handler that throws (reported
 * through `onHandlerError`), a process that dies mid-handler, or a publish retried by the outbox relay all lead to the
 * same event being handled again. `BusEvent.id` is the outbox row id: handlers must be idempotent by it. Order holds
 * within one family stream for one consumer; retried (reclaimed) entries come later, out of order.
 *
 * Reclaim: every `reclaimIntervalMs` each subscription runs XAUTOCLAIM over its group's pending entries idle longer
 * than `minIdleMs` — entries of dead consumers and its own failed ones — and handles them again. `minIdleMs` must
 * exceed the time a live consumer may take to work through one read batch (`readCount` handlers), or a slow consumer's
 * entries get handled twice. An entry claimed for its (maxDeliveries + 1)-th delivery is not handed to the handler: it
 * is copied to the dead-letter stream (with its source stream, group, entry id and delivery count) and acknowledged.
 * Entries trimmed by MAXLEN while still pending are lost to the group; the reclaim step logs them.
 *
 * Shutdown: `close()` (and each unsubscribe) stops the loops after the handler in flight, hands the subscription's
 * remaining pending entries to a parking consumer with their idle time set to `minIdleMs` so the next reclaim of any
 * other consumer of the group takes them at once, removes its consumer name from the group, and closes its own
 * connection. A handler still running after `closeTimeoutMs` is abandoned: the connection is destroyed and its
 * entries are reclaimed after `minIdleMs`. A process that dies leaves its consumer name in the group (XINFO
 * CONSUMERS); once its entries are reclaimed it holds nothing and is harmless. The client passed in is used for
 * publishing and is not closed here; each subscription reads on its own `duplicate()` of it, which it closes.
 */

export type RedisBusClient = RedisClientType;

export const DEFAULT_STREAM_PREFIX = 'pr:events';

/** The family streams, in the order a subscription reads them. */
export const STREAM_FAMILIES = ['ledger', 'other'] as const;

/** Consumer that owns the entries handed over by a consumer that closed cleanly; it never reads. */
export const PARKED_CONSUMER = 'parked';

/** The stream an event type goes to. */
export function streamFor(type: string, prefix: string = DEFAULT_STREAM_PREFIX): string {
  if (type.startsWith('Hold') || type.startsWith('Transfer') || type.startsWith('LedgerCheckpoint')) {
    return `${prefix}:ledger`;
  }
  return `${prefix}:other`;
}

export function deadLetterStream(prefix: string = DEFAULT_STREAM_PREFIX): string {
  return `${prefix}:dead`;
}

/** Stream fields of an event: strings only; `poolId` is left out when null, `payload` is JSON. */
export function encodeEvent(event: BusEvent): Record<string, string> {
  const fields: Record<string, string> = {
    id: event.id,
    type: event.type,
    payload: JSON.stringify(event.payload),
    createdAt: event.createdAt,
  };
  if (event.poolId !== null) fields.poolId = event.poolId;
  return fields;
}

/** The inverse of `encodeEvent`; throws on an entry that is not an event. */
export function decodeEvent(fields: Record<string, unknown>): BusEvent {
  const { id, type, poolId, payload, createdAt } = fields;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof payload !== 'string') {
    throw new Error('stream entry lacks id, type or payload');
  }
  if (typeof createdAt !== 'string') throw new Error('stream entry lacks createdAt');
  if (poolId !== undefined && typeof poolId !== 'string') throw new Error('stream entry has a non-string poolId');
  const parsed: unknown = JSON.parse(payload);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('stream entry payload is not a JSON object');
  }
  return { id, type, poolId: poolId ?? null, payload: parsed as Record<string, unknown>, createdAt };
}

export interface RedisStreamsEventBusOptions {
  logger: Logger;
  /** Called when a handler throws; the entry stays pending and is retried by the reclaim step. */
  onHandlerError: (error: unknown, event: BusEvent, group: string) => void;
  /** Key prefix of the streams. Default 'pr:events'. */
  prefix?: string;
  /** Approximate bound of every stream (MAXLEN ~). Default 100000. */
  maxLen?: number;
  /** Entries per XREADGROUP, per stream. Default 50. */
  readCount?: number;
  /** XREADGROUP BLOCK in ms, 1…1000: the longest close() waits for an idle read loop. Default 1000. */
  blockMs?: number;
  /** How often each subscription runs the reclaim step. Default 5000. */
  reclaimIntervalMs?: number;
  /** A pending entry idle this long belongs to a dead (or failed) consumer and is reclaimed. Default 30000. */
  minIdleMs?: number;
  /** Entries claimed per stream per reclaim step. Default 100. */
  reclaimCount?: number;
  /** Deliveries a handler gets before the entry goes to the dead-letter stream. Default 5. */
  maxDeliveries?: number;
  /** How long close() waits for a handler in flight before abandoning it. Default 10000. */
  closeTimeoutMs?: number;
}

interface Settings {
  logger: Logger;
  onHandlerError: (error: unknown, event: BusEvent, group: string) => void;
  prefix: string;
  maxLen: number;
  readCount: number;
  blockMs: number;
  reclaimIntervalMs: number;
  minIdleMs: number;
  reclaimCount: number;
  maxDeliveries: number;
  closeTimeoutMs: number;
  streams: string[];
  deadStream: string;
}

interface StreamEntry {
  stream: string;
  id: string;
  fields: Record<string, unknown>;
}

/** Upper bound of the pending entries handed over at close (batches of 100). */
const MAX_PARK_BATCHES = 100;
const PARK_BATCH = 100;

let subscriptionSequence = 0;

export class RedisStreamsEventBus implements EventBus {
  private readonly settings: Settings;
  private readonly subscriptions = new Set<Subscription>();
  private broadcast: BroadcastReader | null = null;
  private closed = false;

  constructor(
    private readonly client: RedisBusClient,
    options: RedisStreamsEventBusOptions,
  ) {
    const prefix = options.prefix ?? DEFAULT_STREAM_PREFIX;
    this.settings = {
      logger: options.logger,
      onHandlerError: options.onHandlerError,
      prefix,
      maxLen: positiveInteger('maxLen', options.maxLen ?? 100_000),
      readCount: positiveInteger('readCount', options.readCount ?? 50),
      blockMs: positiveInteger('blockMs', options.blockMs ?? 1000, 1000),
      reclaimIntervalMs: positiveInteger('reclaimIntervalMs', options.reclaimIntervalMs ?? 5000),
      minIdleMs: positiveInteger('minIdleMs', options.minIdleMs ?? 30_000),
      reclaimCount: positiveInteger('reclaimCount', options.reclaimCount ?? 100),
      maxDeliveries: positiveInteger('maxDeliveries', options.maxDeliveries ?? 5),
      closeTimeoutMs: positiveInteger('closeTimeoutMs', options.closeTimeoutMs ?? 10_000),
      streams: STREAM_FAMILIES.map((family) => `${prefix}:${family}`),
      deadStream: deadLetterStream(prefix),
    };
  }

  /** Appends the events in one MULTI, so a batch is published whole or (on a failure) retried whole. */
  async publish(events: BusEvent[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    if (events.length === 0) return;
    // A group created in this process just before (subscribe, then publish) must exist before the events do.
    await this.ready();
    const multi = this.client.multi();
    for (const event of events) {
      multi.xAdd(streamFor(event.type, this.settings.prefix), '*', encodeEvent(event), this.trim());
    }
    await multi.exec();
  }

  subscribe(group: string, handler: EventHandler): () => void {
    if (this.closed) throw new Error('event bus is closed');
    if (group.length === 0 || group === PARKED_CONSUMER) throw new Error(`invalid consumer group name '${group}'`);
    const subscription = new Subscription(this.client.duplicate(), this.settings, group, handler);
    this.subscriptions.add(subscription);
    subscription.start();
    return () => {
      void subscription.shutdown().finally(() => this.subscriptions.delete(subscription));
    };
  }

  subscribeBroadcast(handler: (event: BusEvent) => void): () => void {
    if (this.closed) throw new Error('event bus is closed');
    this.broadcast ??= new BroadcastReader(this.client.duplicate(), this.settings);
    return this.broadcast.add(handler);
  }

  /** Resolves once every current subscription has made its first attempt to create its consumer groups. */
  async ready(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.ready));
  }

  /** Stops every loop, waits for handlers in flight (up to closeTimeoutMs) and closes the bus's own connections. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([
      ...[...this.subscriptions].map((subscription) => subscription.shutdown()),
      this.broadcast?.close(),
    ]);
    this.subscriptions.clear();
    this.broadcast = null;
  }

  private trim() {
    return { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.settings.maxLen } } as const;
  }
}

class Subscription {
  readonly consumer: string;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly stop = new AbortController();
  private done: Promise<void> = Promise.resolve();
  private shutdownPromise: Promise<void> | null = null;
  private readonly cursors = new Map<string, string>();
  private connectionWarned = false;
  private destroyed = false;

  constructor(
    private readonly client: RedisBusClient,
    private readonly settings: Settings,
    private readonly group: string,
    private readonly handler: EventHandler,
  ) {
    subscriptionSequence += 1;
    this.consumer = `${hostname()}:${process.pid}:${subscriptionSequence}:${randomUUID().slice(0, 8)}`;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.client.on('error', (error: unknown) => {
      if (!this.connectionWarned && !this.stopped) {
        this.settings.logger.warn({ err: error, group, consumer: this.consumer }, 'event bus connection lost');
      }
      this.connectionWarned = true;
    });
    this.client.on('ready', () => (this.connectionWarned = false));
  }

  private get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private get log() {
    return this.settings.logger;
  }

  start(): void {
    this.done = this.run().finally(() => this.markReady());
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  private async shutdownOnce(): Promise<void> {
    this.stop.abort();
    // Not connected: nothing in flight can be acknowledged and queued commands would wait for a reconnect.
    if (!this.client.isReady) this.destroyClient();
    const timer = new AbortController();
    const finished = await Promise.race([
      this.done.then(() => true),
      delay(this.settings.closeTimeoutMs, timer.signal).then(() => false),
    ]);
    timer.abort();
    if (!finished) {
      this.log.warn(
        { group: this.group, consumer: this.consumer, closeTimeoutMs: this.settings.closeTimeoutMs },
        'event handler still running at close; abandoning it, its entries will be reclaimed by another consumer',
      );
      this.destroyClient();
      return;
    }
    if (this.destroyed) {
      // node-redis 6.3: a destroy() while connect() awaits its socket leaves that socket open once connect() settles
      // (isOpen false, isReady true, process kept alive); the loop has awaited connect(), so destroy again now.
      this.client.destroy();
      return;
    }
    if (this.client.isReady) {
      try {
        await this.handOver();
      } catch (error) {
        this.log.warn(
          { err: error, group: this.group, consumer: this.consumer },
          'event bus: hand-over at close failed',
        );
      }
    }
    await this.client.close().catch(() => this.destroyClient());
  }

  /** destroy() is idempotent in node-redis 6. */
  private destroyClient(): void {
    this.destroyed = true;
    this.client.destroy();
  }

  private async run(): Promise<void> {
    let failures = 0;
    let groupsReady = false;
    let nextReclaimAt = 0;
    while (!this.stopped) {
      try {
        if (!this.client.isOpen) await this.client.connect();
        if (this.stopped) break;
        if (!groupsReady) {
          await this.createGroups();
          groupsReady = true;
          this.markReady();
        }
        if (Date.now() >= nextReclaimAt) {
          await this.reclaim();
          nextReclaimAt = Date.now() + this.settings.reclaimIntervalMs;
        }
        if (this.stopped) break;
        const reply = await this.client.xReadGroup(
          this.group,
          this.consumer,
          this.settings.streams.map((key) => ({ key, id: '>' })),
          { COUNT: this.settings.readCount, BLOCK: this.settings.blockMs },
        );
        for (const entry of streamEntries(reply)) {
          // Stopping leaves the rest of the batch pending; the hand-over at close passes it on.
          if (this.stopped) break;
          await this.deliver(entry, 1);
        }
        failures = 0;
      } catch (error) {
        if (this.stopped) break;
        if (errorMessage(error).startsWith('NOGROUP')) groupsReady = false;
        failures += 1;
        this.log.warn(
          { err: error, group: this.group, consumer: this.consumer, failures },
          'event bus read loop failed; retrying',
        );
        // The first attempt has been made: publishers must not wait for Redis to come back.
        this.markReady();
        await delay(Math.min(100 * 2 ** failures, 5000), this.stop.signal);
      }
    }
  }

  private async createGroups(): Promise<void> {
    for (const stream of this.settings.streams) {
      try {
        await this.client.xGroupCreate(stream, this.group, '$', { MKSTREAM: true });
      } catch (error) {
        if (!errorMessage(error).startsWith('BUSYGROUP')) throw error;
      }
    }
  }

  /** Handles one entry; acknowledges it unless the handler throws. `deliveries` counts this delivery. */
  private async deliver(entry: StreamEntry, deliveries: number): Promise<void> {
    let event: BusEvent;
    try {
      event = decodeEvent(entry.fields);
    } catch (error) {
      await this.deadLetter(entry, deliveries, `undecodable: ${errorMessage(error)}`);
      return;
    }
    try {
      await this.handler(event);
    } catch (error) {
      try {
        this.settings.onHandlerError(error, event, this.group);
      } catch (reportError) {
        this.log.warn({ err: reportError, group: this.group }, 'onHandlerError threw');
      }
      return;
    }
    await this.client.xAck(entry.stream, this.group, entry.id);
  }

  /** Claims entries idle longer than minIdleMs (at most reclaimCount per stream) and handles or dead-letters them. */
  private async reclaim(): Promise<void> {
    for (const stream of this.settings.streams) {
      if (this.stopped) return;
      const claimed = await this.client.xAutoClaim(
        stream,
        this.group,
        this.consumer,
        this.settings.minIdleMs,
        this.cursors.get(stream) ?? '0-0',
        { COUNT: this.settings.reclaimCount },
      );
      this.cursors.set(stream, String(claimed.nextId));
      if (claimed.deletedMessages.length > 0) {
        this.log.error(
          { stream, group: this.group, entryIds: claimed.deletedMessages.map(String) },
          'pending events were trimmed from the stream before this group acknowledged them; they are lost to it',
        );
      }
      const entries: StreamEntry[] = [];
      for (const message of claimed.messages) {
        if (message === null) continue;
        entries.push({ stream, id: String(message.id), fields: message.message });
      }
      if (entries.length === 0) continue;
      // XAUTOCLAIM does not return delivery counts; XPENDING per entry does (the calls are pipelined).
      const pending = await Promise.all(
        entries.map((entry) => this.client.xPendingRange(stream, this.group, entry.id, entry.id, 1)),
      );
      for (const [index, entry] of entries.entries()) {
        if (this.stopped) return;
        const info = pending[index]?.[0];
        // Acknowledged or claimed by another consumer since: not ours to handle.
        if (!info || String(info.consumer) !== this.consumer) continue;
        const deliveries = Number(info.deliveriesCounter);
        if (deliveries > this.settings.maxDeliveries) {
          await this.deadLetter(entry, deliveries, `delivered ${deliveries} times`);
        } else {
          await this.deliver(entry, deliveries);
        }
      }
    }
  }

  private async deadLetter(entry: StreamEntry, deliveries: number, reason: string): Promise<void> {
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.fields)) fields[name] = String(value);
    Object.assign(fields, {
      sourceStream: entry.stream,
      group: this.group,
      entryId: entry.id,
      deliveries: String(deliveries),
      reason,
      deadAt: new Date().toISOString(),
    });
    await this.client
      .multi()
      .xAdd(this.settings.deadStream, '*', fields, {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.settings.maxLen },
      })
      .xAck(entry.stream, this.group, entry.id)
      .exec();
    this.log.error(
      {
        stream: entry.stream,
        group: this.group,
        entryId: entry.id,
        eventId: entry.fields.id,
        type: entry.fields.type,
        deliveries,
        reason,
        deadStream: this.settings.deadStream,
      },
      'event moved to the dead-letter stream',
    );
  }

  /**
   * Passes this consumer's pending entries (the rest of a read batch, failed ones) to the parking consumer with
   * idle = minIdleMs, keeping their delivery counts (JUSTID), so any live consumer's next reclaim takes them; then
   * removes this consumer from the group. Nothing else adds to this consumer's list once its loop has stopped.
   */
  private async handOver(): Promise<void> {
    for (const stream of this.settings.streams) {
      let empty = false;
      for (let batch = 0; batch < MAX_PARK_BATCHES && !empty; batch += 1) {
        const pending = await this.client.xPendingRange(stream, this.group, '-', '+', PARK_BATCH, {
          consumer: this.consumer,
        });
        if (pending.length > 0) {
          await this.client.xClaimJustId(
            stream,
            this.group,
            PARKED_CONSUMER,
            0,
            pending.map((info) => String(info.id)),
            { IDLE: this.settings.minIdleMs },
          );
        }
        empty = pending.length < PARK_BATCH;
      }
      if (empty) await this.client.xGroupDelConsumer(stream, this.group, this.consumer);
    }
  }
}

/**
 * One XREAD loop per process over the family streams, from the newest entry on ('$' at start, then the last id seen),
 * handing each event to every broadcast listener. Listeners are synchronous and must not throw (a throw is logged).
 * A gap while Redis is unreachable is not filled here: broadcast consumers replay from the outbox when they need to.
 */
class BroadcastReader {
  private readonly listeners = new Set<(event: BusEvent) => void>();
  private readonly stop = new AbortController();
  private readonly done: Promise<void>;
  private readonly lastIds = new Map<string, string>();
  private warned = false;

  constructor(
    private readonly client: RedisBusClient,
    private readonly settings: Settings,
  ) {
    this.client.on('error', (error: unknown) => {
      if (!this.warned && !this.stop.signal.aborted)
        settings.logger.warn({ err: error }, 'event bus broadcast connection lost');
      this.warned = true;
    });
    this.client.on('ready', () => (this.warned = false));
    this.done = this.run();
  }

  add(listener: (event: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.done;
    await this.client.close().catch(() => this.client.destroy());
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        if (!this.client.isOpen) await this.client.connect();
        // Start at the current end of each stream, so a listener sees what is published after it subscribed.
        for (const stream of this.settings.streams) {
          if (this.lastIds.has(stream)) continue;
          const last = (await this.client.xRevRange(stream, '+', '-', { COUNT: 1 })) as Array<{ id: string }>;
          this.lastIds.set(stream, last[0]?.id ?? '0-0');
        }
        const reply = await this.client.xRead(
          this.settings.streams.map((key) => ({ key, id: this.lastIds.get(key) ?? '$' })),
          { BLOCK: this.settings.blockMs, COUNT: this.settings.readCount },
        );
        for (const entry of streamEntries(reply)) {
          this.lastIds.set(entry.stream, entry.id);
          let event: BusEvent;
          try {
            event = decodeEvent(entry.fields);
          } catch (error) {
            this.settings.logger.warn({ err: error, entryId: entry.id }, 'broadcast skipped a malformed entry');
            continue;
          }
          for (const listener of this.listeners) {
            try {
              listener(event);
            } catch (error) {
              this.settings.logger.error({ err: error, eventId: event.id }, 'broadcast listener threw');
            }
          }
        }
      } catch (error) {
        if (this.stop.signal.aborted) return;
        if (!this.warned) this.settings.logger.warn({ err: error }, 'event bus broadcast read failed; retrying');
        this.warned = true;
        await delay(1000, this.stop.signal);
      }
    }
  }
}

/** XREADGROUP's reply (RESP2 or, via node-redis's compat transform, RESP3): `[{ name, messages: [{ id, message }] }]`. */
function streamEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: StreamEntry[] = [];
  for (const stream of reply as Array<{ name: unknown; messages: unknown }>) {
    if (!Array.isArray(stream.messages)) continue;
    for (const message of stream.messages as Array<{ id: unknown; message: unknown } | null>) {
      if (message === null) continue;
      entries.push({
        stream: String(stream.name),
        id: String(message.id),
        fields: (message.message ?? {}) as Record<string, unknown>,
      });
    }
  }
  return entries;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects, never keeps the process alive past abort. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}
