import express, { type Request, type Response, type Router } from 'express';
import type pg from 'pg';
import type { BusEvent, EventBus } from '../../events/bus.ts';
import type { Logger } from '../../lib/logger.ts';
import { sendProblem } from '../problem.ts';
import { applyMembershipChange, audienceOf, type Subscriber } from './audience.ts';

const REPLAY_LIMIT = 500;
const BUFFER_LIMIT = 1000;

interface Stream extends Subscriber {
  res: Response;
  /** Events that arrive live while the replay runs wait here, so nothing slips through the seam. */
  buffer: BusEvent[] | null;
  /** Ids already sent by the replay: the same event may also arrive live once its relay publishes it. */
  replayed: Set<string>;
}

export interface NotificationsOptions {
  bus: EventBus;
  pgPool: pg.Pool;
  /** The signed-in user, or null (401); may throw an AppError for a bad credential. */
  authenticate: (req: Request) => Promise<{ userId: string } | null>;
  logger: Logger;
  heartbeatMs?: number;
  maxConnectionsPerUser?: number;
}

/**
 * `GET /api/v1/events`: the signed-in user's notifications as server-sent events — their holds and transfers, and
 * the other events of the pools they belong to. Each process reads every event from the bus's broadcast side;
 * `Last-Event-ID` (or `?lastEventId=`) replays what a reconnecting client missed from the outbox.
 */
export function createNotifications(options: NotificationsOptions): { router: Router; close(): void } {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxPerUser = options.maxConnectionsPerUser ?? 5;
  const streams = new Set<Stream>();
  const perUser = new Map<string, number>();

  const send = (stream: Stream, event: BusEvent) => {
    applyMembershipChange(event, stream);
    const audience = audienceOf(event, stream);
    if (!audience) return;
    const data = JSON.stringify({ ...event, mine: audience.mine });
    stream.res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${data}\n\n`);
  };

  const unsubscribe = options.bus.subscribeBroadcast((event) => {
    for (const stream of streams) {
      if (stream.buffer) {
        if (stream.buffer.length < BUFFER_LIMIT) stream.buffer.push(event);
      } else if (!stream.replayed.has(event.id)) {
        send(stream, event);
      }
    }
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.res.write(': ping\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  const router = express.Router();
  router.get('/api/v1/events', async (req, res, next) => {
    try {
      const user = await options.authenticate(req);
      if (!user) {
        res.set('WWW-Authenticate', 'Bearer realm="power-realms"');
        sendProblem(res, 401, 'UNAUTHENTICATED', 'send Authorization: Bearer <personal access token>');
        return;
      }
      const open = perUser.get(user.userId) ?? 0;
      if (open >= maxPerUser) {
        res.set('Retry-After', '5');
        sendProblem(res, 429, 'RATE_LIMITED', `at most ${maxPerUser} event streams per person at once`);
        return;
      }
      const lastEventId =
        req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
      if (lastEventId !== undefined && !/^[0-9]{1,19}$/.test(lastEventId)) {
        sendProblem(res, 400, 'VALIDATION_FAILED', 'Last-Event-ID must be an event id this stream sent');
        return;
      }
      const memberships = await options.pgPool.query<{ pool_id: string }>(
        `select pool_id from pool_members where user_id = $1 and status in ('active', 'suspended')`,
        [user.userId],
      );
      const stream: Stream = {
        userId: user.userId,
        poolIds: new Set(memberships.rows.map((row) => row.pool_id)),
        res,
        buffer: [],
        replayed: new Set(),
      };
      perUser.set(user.userId, open + 1);
      streams.add(stream);
      req.on('close', () => {
        streams.delete(stream);
        const left = (perUser.get(user.userId) ?? 1) - 1;
        if (left > 0) perUser.set(user.userId, left);
        else perUser.delete(user.userId);
      });
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      res.write('retry: 3000\n\n');
      if (lastEventId !== undefined) {
        const missed = await options.pgPool.query<{
          id: string;
          type: string;
          pool_id: string | null;
          payload: Record<string, unknown>;
          created_at: Date;
        }>(
          'select id::text, type, pool_id, payload, created_at from outbox_events where id > $1 order by id limit $2',
          [lastEventId, REPLAY_LIMIT],
        );
        for (const row of missed.rows) {
          const event: BusEvent = {
            id: row.id,
            type: row.type,
            poolId: row.pool_id,
            payload: row.payload,
            createdAt: new Date(row.created_at).toISOString(),
          };
          stream.replayed.add(event.id);
          send(stream, event);
        }
      }
      const buffered = stream.buffer ?? [];
      stream.buffer = null;
      for (const event of buffered) if (!stream.replayed.has(event.id)) send(stream, event);
    } catch (error) {
      if (res.headersSent) {
        options.logger.warn({ err: error }, 'event stream failed after it opened');
        res.end();
        return;
      }
      next(error);
    }
  });

  return {
    router,
    close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const stream of streams) stream.res.end();
      streams.clear();
    },
  };
}
