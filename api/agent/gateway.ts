import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { authenticateMachine } from '../../core/agents/join-codes.ts';
import { processPresence, type AgentMetrics } from '../../core/agents/presence.ts';
import { recordBenchmark } from '../../core/agents/record-benchmark.ts';
import { BENCHMARK_FIELDS } from '../v1/agent.ts';
import type { AppContext } from '../../core/context.ts';
import { isAppError } from '../../core/errors.ts';
import { markSessionStarted, recordSessionMetrics } from '../../core/gameboost/session-progress.ts';
import { endSession } from '../../core/gameboost/end-session.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../lib/logger.ts';
import { viewerTokenHash } from '../../core/gameboost/start-session.ts';
import { MemorySignalRelay, type SignalRelay } from './signaling.ts';
import { iceServersFor, iceServerStrings } from '../../core/gameboost/ice.ts';

export const AGENT_WS_PATH = '/api/v1/agent/ws';
export const VIEWER_WS_PATH = '/api/v1/gameboost/signal';

const Sample = z.object({
  fps: z.number().optional(),
  rttMs: z.number().optional(),
  packetLoss: z.number().optional(),
  freezes: z.number().optional(),
  bitrateKbps: z.number().optional(),
});
const Message = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('heartbeat'),
    metrics: z
      .object({ cpuLoad: z.number(), memUsedPercent: z.number(), uptimeSeconds: z.number() })
      .partial()
      .optional(),
  }),
  z.object({ type: z.literal('benchmark'), ...BENCHMARK_FIELDS }),
  z.object({ type: z.literal('session-started'), sessionId: z.uuid() }),
  z.object({ type: z.literal('metrics'), sessionId: z.uuid(), sample: Sample }),
  z.object({ type: z.literal('signal'), sessionId: z.uuid(), data: z.record(z.string(), z.unknown()) }),
]);

/**
 * The agents' WebSocket at /api/v1/agent/ws. An agent authenticates with its machine credential (Authorization:
 * Bearer <machine id>.<secret>) — anything else is refused with 401 before the upgrade. While connected it is present
 * (a TTL key renewed by every heartbeat, shared through Redis between API processes), reports its load, benchmark and
 * sessions' progress, and hears of sessions rented on it. Pings find dead connections; the presence key simply
 * expires when an agent vanishes.
 */
export function attachAgentGateway(
  server: Server,
  options: {
    appContext: () => AppContext;
    bus: EventBus;
    logger: Logger;
    presenceTtlSeconds?: number;
    pingMs?: number;
    /** Signaling between browsers and agents (Redis pub/sub across processes); in memory by default. */
    signals?: SignalRelay;
  },
): { close(): void; connected(): number } {
  const ttl = options.presenceTtlSeconds ?? 30;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Map<string, WebSocket>();
  const signals = options.signals ?? new MemorySignalRelay();
  const presence = () => options.appContext().presence ?? processPresence;

  // The browser's signaling line for one session: the viewer token from the rent authenticates it.
  const viewerUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => {
    const sessionId = url.searchParams.get('session') ?? '';
    const token = url.searchParams.get('token') ?? '';
    const rows = /^[0-9a-f-]{36}$/.test(sessionId)
      ? await options
          .appContext()
          .em.execute<{ machine_id: string }[]>(
            "select machine_id from gameboost_sessions where id = ? and viewer_token_hash = ? and status in ('waiting', 'live')",
            [sessionId, viewerTokenHash(token)],
          )
      : [];
    const machineId = rows[0]?.machine_id;
    if (!machineId) return refuse(socket, '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const unsubscribe = signals.subscribe(`viewer:${sessionId}`, (message) => ws.send(JSON.stringify(message)));
      // In arrival order: an answer must reach the agent before the candidates that follow it.
      const inArrivalOrder = serial((error) => {
        if (!isAppError(error)) options.logger.error({ err: error, sessionId }, 'viewer message failed');
      });
      ws.on('message', (data) => {
        let message: unknown;
        try {
          message = JSON.parse(textOf(data));
        } catch {
          return;
        }
        if (!message || typeof message !== 'object') return;
        void inArrivalOrder(() => fromViewer(sessionId, machineId, message as Record<string, unknown>));
      });
      ws.on('close', () => {
        unsubscribe();
        void signals.publish(`agent:${machineId}`, { sessionId, data: { type: 'bye' } });
      });
    });
  };

  // The viewer reports its first decoded frame, its quality samples and its wish to end; the rest is for the agent.
  const fromViewer = async (sessionId: string, machineId: string, message: Record<string, unknown>) => {
    const app = options.appContext();
    if (message.type === 'first-frame') return void (await markSessionStarted(app, { sessionId }));
    if (message.type === 'stats') {
      const sample = Sample.safeParse(message);
      if (sample.success) await recordSessionMetrics(app, { sessionId, source: 'browser', sample: sample.data });
      return;
    }
    if (message.type === 'end') return void (await endSession(app, null, { sessionId, reason: 'buyer' }));
    await signals.publish(`agent:${machineId}`, { sessionId, data: message });
  };

  const refuse = (socket: Duplex, status: string, reason = '') => {
    socket.write(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    );
    socket.destroy();
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === VIEWER_WS_PATH) return void viewerUpgrade(req, socket, head, url);
    if (url.pathname !== AGENT_WS_PATH) return;
    const credential = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    authenticateMachine(options.appContext(), credential)
      .then((machine) => {
        if (!machine) return refuse(socket, '401 Unauthorized', 'unknown or revoked machine credential');
        wss.handleUpgrade(req, socket, head, (ws) => connected(ws, machine.machineId));
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error }, 'agent authentication failed');
        refuse(socket, '500 Internal Server Error');
      });
  };
  server.on('upgrade', onUpgrade);

  const touch = async (machineId: string, metrics?: AgentMetrics) => {
    await presence().touch(machineId, ttl, metrics);
    await options.appContext().em.execute('update machines set last_seen_at = now() where id = ?', [machineId]);
  };

  const connected = (ws: WebSocket, machineId: string) => {
    sockets.get(machineId)?.close(4000, 'replaced by a newer connection');
    sockets.set(machineId, ws);
    let alive = true;
    ws.on('pong', () => (alive = true));
    // Presence writes of one connection run in order, so a goodbye's forget cannot be overtaken by a late heartbeat.
    const inOrder = serial((error) => options.logger.warn({ err: error, machineId }, 'agent presence not recorded'));
    const pinger = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, options.pingMs ?? 15_000);
    pinger.unref();
    void inOrder(() => touch(machineId));
    ws.send(
      JSON.stringify({
        type: 'welcome',
        machineId,
        heartbeatSeconds: Math.max(1, Math.floor(ttl / 3)),
        iceServers: iceServerStrings(iceServersFor(options.appContext().ice, `agent-${machineId}`)),
      }),
    );
    const unsubscribeSignals = signals.subscribe(`agent:${machineId}`, (message) =>
      ws.send(JSON.stringify({ type: 'signal', ...message })),
    );
    // Messages are handled in arrival order: an offer must reach the viewer before the candidates that follow it.
    const inArrivalOrder = serial((error) => {
      if (isAppError(error)) return ws.send(JSON.stringify({ type: 'error', code: error.code }));
      options.logger.error({ err: error, machineId }, 'agent message failed');
    });
    ws.on('message', (data) => void inArrivalOrder(() => handle(machineId, ws, textOf(data), inOrder)));
    ws.on('close', (code) => {
      clearInterval(pinger);
      unsubscribeSignals();
      if (sockets.get(machineId) === ws) sockets.delete(machineId);
      // A clean goodbye (the agent stopped) is offline at once, unless a newer line of the same machine is open here;
      // a dropped line waits for the key to expire.
      if (code === 1000 && !sockets.has(machineId)) void inOrder(() => presence().forget(machineId));
    });
  };

  const handle = async (
    machineId: string,
    ws: WebSocket,
    raw: string,
    inOrder: (write: () => Promise<unknown>) => Promise<unknown>,
  ) => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return ws.send(JSON.stringify({ type: 'error', code: 'MALFORMED_JSON' }));
    }
    const parsed = Message.safeParse(json);
    if (!parsed.success) return ws.send(JSON.stringify({ type: 'error', code: 'VALIDATION_FAILED' }));
    const message = parsed.data;
    const app = options.appContext();
    switch (message.type) {
      case 'heartbeat':
        await inOrder(() => touch(machineId, message.metrics));
        ws.send(JSON.stringify({ type: 'ack', of: 'heartbeat' }));
        return;
      case 'benchmark':
        await recordBenchmark(app, machineId, message);
        ws.send(JSON.stringify({ type: 'ack', of: 'benchmark' }));
        return;
      case 'session-started':
        await markSessionStarted(app, { sessionId: message.sessionId, machineId });
        return;
      case 'metrics':
        await recordSessionMetrics(app, {
          sessionId: message.sessionId,
          source: 'agent',
          sample: message.sample,
          machineId,
        });
        return;
      case 'signal': {
        const rows = await app.em.execute(
          "select 1 from gameboost_sessions where id = ? and machine_id = ? and status in ('waiting', 'live')",
          [message.sessionId, machineId],
        );
        if (rows.length > 0) await signals.publish(`viewer:${message.sessionId}`, message.data);
        return;
      }
    }
  };

  // Sessions rented on a machine connected here: the agent hears at once (every API process sees every event).
  const unsubscribe = options.bus.subscribeBroadcast((event) => {
    if (event.type !== 'SessionRequested' && event.type !== 'SessionEnded') return;
    if (event.type === 'SessionEnded')
      void signals.publish(`viewer:${String(event.payload.sessionId)}`, { type: 'ended' });
    const ws = sockets.get(String(event.payload.machineId));
    ws?.send(
      JSON.stringify({ type: event.type === 'SessionRequested' ? 'session' : 'session-ended', ...event.payload }),
    );
  });

  return {
    close() {
      unsubscribe();
      server.off('upgrade', onUpgrade);
      void signals.close();
      // Agents and viewers alike: each is told, and a peer that does not answer the close is cut after a second.
      for (const ws of wss.clients) {
        ws.close(1001, 'server shutting down');
        setTimeout(() => ws.terminate(), 1000).unref();
      }
      wss.close();
    },
    connected: () => sockets.size,
  };
}

/**
 * A queue of tasks run one after another, in the order they were given; a task's failure goes to `onError` and the
 * queue goes on.
 */
function serial(onError: (error: unknown) => void) {
  let tail: Promise<unknown> = Promise.resolve();
  return (task: () => Promise<unknown>): Promise<unknown> => (tail = tail.then(task).catch(onError));
}

/** A WebSocket message as text, whatever shape ws delivered it in. */
function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
