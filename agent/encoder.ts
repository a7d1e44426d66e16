import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { ffmpegArgs, type Source, type StreamSettings, type VideoCodec } from './stream-args.ts';

export type MediaKind = 'video' | 'audio';

/** One kind of media of one ffmpeg run: its RTP and RTCP sockets and the offsets that continue the numbering. */
interface Lane {
  rtp: Socket;
  rtcp: Socket;
  seqOffset: number;
  tsOffset: number;
  started: boolean;
}

/** One ffmpeg process and its lanes (audio only when the stream has sound). */
interface Run {
  ffmpeg: ChildProcess;
  lanes: Partial<Record<MediaKind, Lane>>;
}

/** What the viewer last got of each kind, so the next encoder continues it. */
interface Continuity {
  seq: number;
  ts: number;
  /** RTP clock ticks between two packets' frames: a video frame at the frame rate, an Opus frame of 10 ms. */
  step: number;
}

const bind = () =>
  new Promise<Socket>((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });

/**
 * The encoder behind a stream: ffmpeg writes RTP (video, and Opus audio when there is sound) to loopback, and each
 * packet is handed to `send` with its sequence number and timestamp rewritten so the viewer sees one continuous
 * stream. `restart` starts a new ffmpeg (a new bitrate, and a fresh keyframe for a viewer that asked for one) and
 * switches to it at its first video packet, so the picture does not stop while the new encoder warms up. Counts the
 * video frames (RTP marker bits) and bytes sent.
 */
export class Encoder {
  private active: Run | null = null;
  private pending: Run | null = null;
  private readonly last: Partial<Record<MediaKind, Continuity>> = {};
  private stopped = false;
  private launching = false;
  frames = 0;
  bytes = 0;
  packets = 0;

  constructor(
    private readonly options: {
      source: Source;
      settings: StreamSettings;
      codec: VideoCodec;
      send(kind: MediaKind, packet: Buffer): boolean;
      onState?(state: string): void;
    },
  ) {}

  start(): void {
    void this.launch(this.options.settings.bitrateKbps);
  }

  /** A new ffmpeg at `bitrateKbps`; ignored while one is already starting. */
  restart(bitrateKbps: number): void {
    if (this.pending || this.launching || this.stopped) return;
    void this.launch(bitrateKbps);
  }

  private async launch(bitrateKbps: number): Promise<void> {
    const sound = this.options.settings.audio === true;
    this.launching = true;
    const sockets = await Promise.all(Array.from({ length: sound ? 4 : 2 }, bind));
    this.launching = false;
    if (this.stopped) return void sockets.forEach((socket) => socket.close());
    const [rtp, rtcp, audioRtp, audioRtcp] = sockets as [Socket, Socket, Socket?, Socket?];
    const lane = (r: Socket, c: Socket): Lane => ({ rtp: r, rtcp: c, seqOffset: 0, tsOffset: 0, started: false });
    const lanes: Run['lanes'] = { video: lane(rtp, rtcp) };
    if (audioRtp && audioRtcp) lanes.audio = lane(audioRtp, audioRtcp);
    const args = ffmpegArgs(
      this.options.source,
      {
        rtp: rtp.address().port,
        rtcp: rtcp.address().port,
        audioRtp: audioRtp?.address().port,
        audioRtcp: audioRtcp?.address().port,
      },
      { ...this.options.settings, bitrateKbps },
      this.options.codec,
    );
    const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    ffmpeg.stderr?.on('data', (chunk: Buffer) => this.options.onState?.(`ffmpeg: ${chunk.toString().trim()}`));
    ffmpeg.on('error', (error) => this.options.onState?.(`ffmpeg could not start: ${error.message}`));
    const run: Run = { ffmpeg, lanes };
    if (this.active) this.pending = run;
    else this.active = run;
    for (const kind of ['video', 'audio'] as const) {
      const l = lanes[kind];
      if (!l) continue;
      l.rtp.on('message', (packet) => this.onRtp(run, kind, l, packet));
      l.rtcp.on('message', (packet) => this.onSenderReport(run, kind, l, packet));
    }
  }

  private onRtp(run: Run, kind: MediaKind, lane: Lane, packet: Buffer): void {
    if (packet.length < 12) return;
    if (run === this.pending && kind === 'video') {
      // The new encoder's first picture (its keyframe): continue the numbering, then retire the old one.
      const old = this.active;
      this.active = run;
      this.pending = null;
      if (old) this.end(old);
    }
    if (run !== this.active) return;
    const last = this.last[kind];
    if (!lane.started) {
      lane.started = true;
      if (last) {
        lane.seqOffset = (last.seq + 1 - packet.readUInt16BE(2)) & 0xffff;
        lane.tsOffset = (last.ts + last.step - packet.readUInt32BE(4)) >>> 0;
      }
    }
    const seq = (packet.readUInt16BE(2) + lane.seqOffset) & 0xffff;
    const ts = (packet.readUInt32BE(4) + lane.tsOffset) >>> 0;
    packet.writeUInt16BE(seq, 2);
    packet.writeUInt32BE(ts, 4);
    this.last[kind] = { seq, ts, step: kind === 'video' ? Math.round(90_000 / this.options.settings.fps) : 480 };
    if (!this.options.send(kind, packet) || kind !== 'video') return;
    this.packets += 1;
    this.bytes += packet.length;
    if ((packet[1] ?? 0) & 0x80) this.frames += 1;
  }

  /** ffmpeg's sender reports tie RTP time to the wall clock for the viewer; they carry the same timestamp offset. */
  private onSenderReport(run: Run, kind: MediaKind, lane: Lane, packet: Buffer): void {
    if (run !== this.active || !lane.started || packet.length < 20 || packet[1] !== 200) return;
    packet.writeUInt32BE((packet.readUInt32BE(16) + lane.tsOffset) >>> 0, 16);
    this.options.send(kind, packet);
  }

  private end(run: Run): void {
    run.ffmpeg.kill('SIGKILL');
    for (const lane of Object.values(run.lanes)) {
      lane.rtp.close();
      lane.rtcp.close();
    }
  }

  stop(): void {
    this.stopped = true;
    for (const run of [this.active, this.pending]) if (run) this.end(run);
    this.active = null;
    this.pending = null;
  }
}
