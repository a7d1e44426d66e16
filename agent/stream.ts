import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import nodeDataChannel from 'node-datachannel';

export type Source = 'test' | 'x11';
export type InputEvent =
  { kind: 'key'; code: string; down: boolean } | { kind: 'mouse'; x: number; y: number; buttons: number };

/** The RTP stream's identity: the SDP promises these to the browser and ffmpeg writes them into every packet. */
const SSRC = 42;
const PAYLOAD_TYPE = 96;

/** ffmpeg arguments: a moving test pattern, or the X display; H.264 at low latency, a keyframe every second. */
export function ffmpegArgs(
  source: Source,
  port: number,
  options: { fps?: number; bitrateKbps?: number } = {},
): string[] {
  const fps = options.fps ?? 30;
  const input =
    source === 'test'
      ? ['-re', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=${fps}`]
      : ['-f', 'x11grab', '-framerate', String(fps), '-i', process.env.DISPLAY ?? ':0'];
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    ...input,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps),
    '-b:v',
    `${options.bitrateKbps ?? 4000}k`,
    '-bsf:v',
    'h264_mp4toannexb',
    '-f',
    'rtp',
    '-ssrc',
    String(SSRC),
    '-payload_type',
    String(PAYLOAD_TYPE),
    `rtp://127.0.0.1:${port}?pkt_size=1200`,
  ];
}

/**
 * One GameBoost stream: a WebRTC peer (node-datachannel) offering an H.264 video track fed by ffmpeg's RTP and an
 * `input` data channel. Signaling messages go out through `signal` and come in through `handle`. Input events are
 * handed to `onInput`; keys still held when the connection drops are released (sent up), so nothing stays pressed.
 */
export class StreamHost {
  private pc: nodeDataChannel.PeerConnection | null = null;
  private ffmpeg: ChildProcess | null = null;
  private udp: Socket | null = null;
  private readonly held = new Set<string>();
  packetsSent = 0;

  constructor(
    private readonly options: {
      source: Source;
      iceServers?: string[];
      signal(data: Record<string, unknown>): void;
      onInput?(event: InputEvent): void;
      onState?(state: string): void;
    },
  ) {}

  /** A message from the viewer: hello (start), an answer, or an ICE candidate. */
  handle(data: Record<string, unknown>): void {
    if (data.type === 'hello') this.start();
    else if (data.type === 'answer' && typeof data.sdp === 'string') this.pc?.setRemoteDescription(data.sdp, 'answer');
    else if (data.type === 'candidate' && typeof data.candidate === 'string')
      this.pc?.addRemoteCandidate(data.candidate, typeof data.mid === 'string' ? data.mid : '0');
    else if (data.type === 'bye') this.stop();
  }

  private start(): void {
    this.stop();
    const pc = new nodeDataChannel.PeerConnection('gameboost', { iceServers: this.options.iceServers ?? [] });
    this.pc = pc;
    pc.onLocalDescription((sdp, type) => this.options.signal({ type: type.toLowerCase(), sdp }));
    pc.onLocalCandidate((candidate, mid) => this.options.signal({ type: 'candidate', candidate, mid }));
    pc.onStateChange((state) => {
      this.options.onState?.(state);
      if (state === 'disconnected' || state === 'failed' || state === 'closed') this.releaseKeys();
    });
    const video = new nodeDataChannel.Video('video', 'SendOnly');
    video.addH264Codec(PAYLOAD_TYPE);
    video.addSSRC(SSRC, 'gameboost');
    const track = pc.addTrack(video);
    const input = pc.createDataChannel('input');
    input.onMessage((message) =>
      this.onInputMessage(typeof message === 'string' ? message : Buffer.from(message as ArrayBuffer).toString()),
    );
    input.onClosed(() => this.releaseKeys());
    track.onOpen(() => this.feed(track));
    pc.setLocalDescription();
  }

  private feed(track: nodeDataChannel.Track): void {
    const udp = createSocket('udp4');
    this.udp = udp;
    udp.on('message', (packet) => {
      if (track.isOpen() && track.sendMessageBinary(packet)) this.packetsSent += 1;
    });
    udp.bind(0, '127.0.0.1', () => {
      const { port } = udp.address();
      const ffmpeg = spawn('ffmpeg', ffmpegArgs(this.options.source, port), { stdio: ['ignore', 'ignore', 'pipe'] });
      this.ffmpeg = ffmpeg;
      ffmpeg.stderr?.on('data', (chunk: Buffer) => this.options.onState?.(`ffmpeg: ${chunk.toString().trim()}`));
      ffmpeg.on('error', (error) => this.options.onState?.(`ffmpeg could not start: ${error.message}`));
    });
  }

  private onInputMessage(text: string): void {
    let event: InputEvent;
    try {
      event = JSON.parse(text) as InputEvent;
    } catch {
      return;
    }
    if (event.kind === 'key' && typeof event.code === 'string') {
      if (event.down) this.held.add(event.code);
      else this.held.delete(event.code);
    } else if (event.kind !== 'mouse') return;
    this.options.onInput?.(event);
  }

  private releaseKeys(): void {
    for (const code of this.held) this.options.onInput?.({ kind: 'key', code, down: false });
    this.held.clear();
  }

  stop(): void {
    this.releaseKeys();
    this.ffmpeg?.kill('SIGKILL');
    this.ffmpeg = null;
    this.udp?.close();
    this.udp = null;
    this.pc?.close();
    this.pc = null;
  }
}

/** The streams of one agent, one per session, driven by the gateway's session and signal messages. */
export class StreamHub {
  private readonly streams = new Map<string, StreamHost>();
  /** STUN/TURN servers the API handed out in its welcome (TURN credentials are time-limited). */
  iceServers: string[] = [];
  constructor(
    private readonly options: {
      source: Source;
      send(message: Record<string, unknown>): void;
      onInput?(sessionId: string, event: InputEvent): void;
      log?(line: string): void;
    },
  ) {}

  get(sessionId: string): StreamHost | undefined {
    return this.streams.get(sessionId);
  }

  onSession(message: Record<string, unknown>): void {
    const sessionId = String(message.sessionId);
    this.options.log?.(`${String(message.type)} ${sessionId}`);
    if (message.type === 'session-ended') {
      this.streams.get(sessionId)?.stop();
      this.streams.delete(sessionId);
    }
  }

  onSignal(sessionId: string, data: Record<string, unknown>): void {
    let host = this.streams.get(sessionId);
    if (!host) {
      // Bounded: one stream per session, and a machine runs one session at a time.
      if (this.streams.size >= 4) return;
      host = new StreamHost({
        source: this.options.source,
        iceServers: this.iceServers,
        signal: (out) => this.options.send({ type: 'signal', sessionId, data: out }),
        onInput: (event) => this.options.onInput?.(sessionId, event),
        onState: (state) => this.options.log?.(`stream ${sessionId}: ${state}`),
      });
      this.streams.set(sessionId, host);
    }
    host.handle(data);
  }

  stopAll(): void {
    for (const host of this.streams.values()) host.stop();
    this.streams.clear();
  }
}

/** Ends node-datachannel's native threads (they keep a process alive): once, when the agent stops. */
export function stopStreaming(): void {
  nodeDataChannel.cleanup();
}
