import os from 'node:os';
import WebSocket, { type RawData } from 'ws';

export interface AgentEvents {
  onWelcome?(message: { machineId: string; heartbeatSeconds: number; iceServers?: string[] }): void;
  onSession?(message: Record<string, unknown>): void;
  /** A viewer's signaling message for one of this machine's sessions. */
  onSignal?(sessionId: string, data: Record<string, unknown>): void;
  onState?(state: 'connecting' | 'online' | 'offline', detail?: string): void;
  /** The API confirmed a heartbeat or a benchmark report. */
  onAck?(of: string): void;
}

/**
 * The agent's line to the API: a WebSocket with the machine credential, heartbeats with load figures at the interval
 * the server asks for, and reconnection with exponential backoff and jitter (1 s doubling to 60 s) whenever the line
 * drops. A refused credential (401) stops it: retrying would not help. A line that stays silent for three heartbeat
 * intervals (no ack, no ping: a half-open TCP connection after a network change) is dropped and dialled again.
 */
export class AgentConnection {
  private ws: WebSocket | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;
  private lastHeardMs = 0;
  private stopped = false;
  readonly wsUrl: string;

  constructor(
    apiUrl: string,
    private readonly credential: string,
    private readonly events: AgentEvents = {},
  ) {
    this.wsUrl = `${apiUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/api/v1/agent/ws`;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  send(message: Record<string, unknown>): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Says goodbye (the server marks the machine offline at once) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000, 'agent stopped');
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  private connect(): void {
    this.events.onState?.('connecting');
    const ws = new WebSocket(this.wsUrl, {
      headers: { authorization: `Bearer ${this.credential}` },
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    ws.on('unexpected-response', (_req, res) => {
      if (res.statusCode === 401) {
        this.stopped = true;
        this.events.onState?.('offline', 'the API refused this machine’s credential: run `agent join` again');
      } else {
        this.events.onState?.('offline', `the API answered ${res.statusCode} instead of opening the line`);
      }
      res.resume();
      ws.terminate();
    });
    ws.on('ping', () => (this.lastHeardMs = Date.now()));
    ws.on('message', (data) => {
      this.lastHeardMs = Date.now();
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(textOf(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (message.type === 'welcome') {
        this.attempt = 0;
        this.events.onState?.('online');
        this.events.onWelcome?.(message as { machineId: string; heartbeatSeconds: number });
        this.beat();
        if (this.heartbeat) clearInterval(this.heartbeat);
        const intervalMs = Math.max(1, Number(message.heartbeatSeconds) || 10) * 1000;
        this.heartbeat = setInterval(() => {
          if (Date.now() - this.lastHeardMs > 3 * intervalMs) return void ws.terminate();
          this.beat();
        }, intervalMs);
      } else if (message.type === 'ack' && typeof message.of === 'string') {
        this.events.onAck?.(message.of);
      } else if (message.type === 'session' || message.type === 'session-ended') {
        this.events.onSession?.(message);
      } else if (message.type === 'signal' && typeof message.sessionId === 'string' && message.data) {
        this.events.onSignal?.(message.sessionId, message.data as Record<string, unknown>);
      }
    });
    // Every failure also closes the socket; the close handler reports it and retries.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      if (this.stopped) return;
      this.attempt += 1;
      const delay = Math.min(60_000, 1000 * 2 ** Math.min(this.attempt - 1, 6));
      const waitMs = Math.round(delay / 2 + Math.random() * (delay / 2));
      this.events.onState?.('offline', `connection lost; retrying in ${(waitMs / 1000).toFixed(1)} s`);
      this.retry = setTimeout(() => this.connect(), waitMs);
    });
  }

  private beat(): void {
    const load = os.loadavg()[0] ?? 0;
    this.send({
      type: 'heartbeat',
      metrics: {
        cpuLoad: Math.round((load / Math.max(1, os.cpus().length)) * 100) / 100,
        memUsedPercent: Math.round((1 - os.freemem() / os.totalmem()) * 1000) / 10,
        uptimeSeconds: Math.round(os.uptime()),
      },
    });
  }
}

/** A WebSocket message as text, whatever shape ws delivered it in. */
function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
