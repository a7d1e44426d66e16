import { EventEmitter } from 'node:events';

/**
 * WebRTC signaling between a browser and an agent that may be connected to different API processes: messages are
 * published on a channel per agent (`agent:<machine id>`) and per viewer (`viewer:<session id>`). Redis pub/sub
 * when configured; in memory for one process. Signaling is best-effort by nature (the peers retry ICE), so no
 * durability is needed — unlike the outbox events.
 */
export interface SignalRelay {
  publish(channel: string, message: Record<string, unknown>): Promise<void>;
  subscribe(channel: string, handler: (message: Record<string, unknown>) => void): () => void;
  close(): Promise<void>;
}

export class MemorySignalRelay implements SignalRelay {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  async publish(channel: string, message: Record<string, unknown>): Promise<void> {
    this.emitter.emit(channel, message);
  }
  subscribe(channel: string, handler: (message: Record<string, unknown>) => void): () => void {
    this.emitter.on(channel, handler);
    return () => this.emitter.off(channel, handler);
  }
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

interface RedisLike {
  publish(channel: string, message: string): Promise<unknown>;
  duplicate(): RedisLike & {
    connect(): Promise<unknown>;
    subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
    unsubscribe(channel: string, listener?: (message: string) => void): Promise<unknown>;
    quit?(): Promise<unknown>;
    close?(): Promise<unknown>;
  };
}

export class RedisSignalRelay implements SignalRelay {
  private readonly subscriber: ReturnType<RedisLike['duplicate']>;
  private readonly ready: Promise<unknown>;
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix: string,
  ) {
    this.subscriber = redis.duplicate();
    this.ready = this.subscriber.connect();
  }
  async publish(channel: string, message: Record<string, unknown>): Promise<void> {
    await this.redis.publish(`${this.prefix}:signal:${channel}`, JSON.stringify(message));
  }
  subscribe(channel: string, handler: (message: Record<string, unknown>) => void): () => void {
    const name = `${this.prefix}:signal:${channel}`;
    const listener = (raw: string) => {
      try {
        handler(JSON.parse(raw) as Record<string, unknown>);
      } catch {
        // a malformed message on our own channel: dropped
      }
    };
    void this.ready.then(() => this.subscriber.subscribe(name, listener));
    return () => void this.ready.then(() => this.subscriber.unsubscribe(name, listener)).catch(() => undefined);
  }
  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await (this.subscriber.close ?? this.subscriber.quit)?.call(this.subscriber).catch(() => undefined);
  }
}
