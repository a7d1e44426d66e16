import nodeDataChannel from 'node-datachannel';
import { Encoder } from './encoder.ts';
import type { InputEvent } from './inject.ts';
import { BitrateController, parseRtcp } from './rtcp.ts';
import {
  AUDIO_SSRC,
  codecOfAnswer,
  DEFAULT_STREAM,
  OPUS_PAYLOAD_TYPE,
  PAYLOAD_TYPES,
  SSRC,
  type Source,
  type StreamSettings,
  type VideoCodec,
} from './stream-args.ts';

export {
  codecOfAnswer,
  DEFAULT_STREAM,
  ffmpegArgs,
  STAMP_BITS,
  STAMP_BLOCK,
  type Source,
  type StreamSettings,
} from './stream-args.ts';
export type { InputEvent } from './inject.ts';

/** The agent's side of a session's quality, sent to the API every few seconds (SLA evidence for disputes). */
export interface AgentSample {
  fps: number;
  bitrateKbps: number;
  packetLoss?: number;
  rttMs?: number;
}

const SAMPLE_MS = 5000;
/** A viewer's keyframe requests are answered at most this often (each one starts a new encoder). */
const KEYFRAME_COOLDOWN_MS = 2000;

/**
 * One GameBoost stream: a WebRTC peer (node-datachannel) offering an H.264 video track fed by ffmpeg's RTP and an
 * `input` data channel. Signaling messages go out through `signal` and come in through `handle`. Input events are
 * handed to `onInput`; keys and gamepads still held when the connection drops are released (sent up, read as
 * resting), so nothing stays pressed.
 */
export class StreamHost {
  private pc: nodeDataChannel.PeerConnection | null = null;
  // Held on purpose: node-datachannel closes a channel or track whose JS object is garbage-collected.
  private track: nodeDataChannel.Track | null = null;
  private audioTrack: nodeDataChannel.Track | null = null;
  private input: nodeDataChannel.DataChannel | null = null;
  private encoder: Encoder | null = null;
  private sampler: NodeJS.Timeout | null = null;
  private lastKeyframeRestart = 0;
  private feedback: { packetLoss?: number; rttMs?: number } = {};
  private readonly held = new Set<string>();
  /** Gamepads the viewer has used: released (read as resting) with the keys. */
  private readonly pads = new Set<number>();
  /** The viewer's answer was applied; until then its candidates wait in `early`. */
  private answered = false;
  /** What the viewer's answer chose among the offered codecs. */
  private codec: VideoCodec = 'h264';
  private early: { candidate: string; mid: string }[] = [];

  constructor(
    private readonly options: {
      source: Source;
      settings?: StreamSettings;
      iceServers?: string[];
      signal(data: Record<string, unknown>): void;
      onSample?(sample: AgentSample): void;
      onInput?(event: InputEvent): void;
      onState?(state: string): void;
    },
  ) {}

  /**
   * A message from the viewer: hello (start), an answer, or an ICE candidate. Candidates that come before the answer
   * wait for it. Nothing a viewer sends can throw out of here: a refused message is reported and dropped.
   */
  handle(data: Record<string, unknown>): void {
    try {
      if (data.type === 'hello') this.start();
      else if (data.type === 'answer' && typeof data.sdp === 'string' && this.pc) {
        this.pc.setRemoteDescription(data.sdp, 'answer');
        this.codec = codecOfAnswer(data.sdp) ?? 'h264';
        this.options.onState?.(`codec ${this.codec}`);
        this.answered = true;
        for (const { candidate, mid } of this.early.splice(0)) this.pc.addRemoteCandidate(candidate, mid);
      } else if (data.type === 'candidate' && typeof data.candidate === 'string') {
        const mid = typeof data.mid === 'string' ? data.mid : '0';
        if (this.answered) this.pc?.addRemoteCandidate(data.candidate, mid);
        else if (this.early.length < 64) this.early.push({ candidate: data.candidate, mid });
      } else if (data.type === 'bye') this.stop();
    } catch (error) {
      this.options.onState?.(
        `signal ${String(data.type)} refused: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private start(): void {
    this.stop();
    this.answered = false;
    this.early = [];
    const pc = new nodeDataChannel.PeerConnection('gameboost', { iceServers: this.options.iceServers ?? [] });
    this.pc = pc;
    pc.onLocalDescription((sdp, type) => this.options.signal({ type: type.toLowerCase(), sdp }));
    pc.onLocalCandidate((candidate, mid) => this.options.signal({ type: 'candidate', candidate, mid }));
    pc.onStateChange((state) => {
      this.options.onState?.(state);
      if (state === 'disconnected' || state === 'failed' || state === 'closed') this.releaseKeys();
    });
    const video = new nodeDataChannel.Video('video', 'SendOnly');
    video.addH264Codec(PAYLOAD_TYPES.h264);
    video.addVP8Codec(PAYLOAD_TYPES.vp8);
    // One media stream id for picture and sound, so the browser plays them together.
    video.addSSRC(SSRC, 'gameboost', 'gameboost', 'video');
    const track = pc.addTrack(video);
    if (this.options.settings?.audio) {
      const audio = new nodeDataChannel.Audio('audio', 'SendOnly');
      audio.addOpusCodec(OPUS_PAYLOAD_TYPE);
      audio.addSSRC(AUDIO_SSRC, 'gameboost', 'gameboost', 'audio');
      this.audioTrack = pc.addTrack(audio);
    }
    const input = pc.createDataChannel('input');
    this.track = track;
    this.input = input;
    input.onMessage((message) =>
      this.onInputMessage(typeof message === 'string' ? message : Buffer.from(message as ArrayBuffer).toString()),
    );
    input.onOpen(() => this.options.onState?.('input open'));
    input.onClosed(() => this.releaseKeys());
    track.onOpen(() => this.feed(track));
    pc.setLocalDescription();
  }

  /** The encoder feeds the track; the viewer's RTCP drives retransmissions, keyframes and the bitrate. */
  private feed(track: nodeDataChannel.Track): void {
    const settings = this.options.settings ?? DEFAULT_STREAM;
    // Lost packets the viewer NACKs are resent from a buffer of the last 512.
    track.setMediaHandler(new nodeDataChannel.RtcpNackResponder(512));
    const encoder = new Encoder({
      source: this.options.source,
      settings,
      codec: this.codec,
      send: (kind, packet) => {
        const to = kind === 'video' ? track : this.audioTrack;
        return to !== null && to.isOpen() && to.sendMessageBinary(packet);
      },
      onState: (state) => this.options.onState?.(state),
    });
    this.encoder = encoder;
    const bitrate = new BitrateController(settings.bitrateKbps, Date.now());
    track.onMessage((message) => {
      const now = Date.now();
      const read = parseRtcp(Buffer.from(message), now);
      if (read.fractionLost !== undefined) this.feedback.packetLoss = read.fractionLost;
      if (read.rttMs !== undefined) this.feedback.rttMs = read.rttMs;
      const next = bitrate.onReport(read, now);
      if (next !== null) {
        this.options.onState?.(`bitrate ${next} kb/s`);
        encoder.restart(next);
      } else if (read.keyframeRequests > 0 && now - this.lastKeyframeRestart >= KEYFRAME_COOLDOWN_MS) {
        this.lastKeyframeRestart = now;
        this.options.onState?.('keyframe requested');
        encoder.restart(bitrate.current);
      }
    });
    // The first keyframe comes with the first encoder; requests before it has warmed up are not answered twice.
    this.lastKeyframeRestart = Date.now();
    encoder.start();
    let frames = 0;
    let bytes = 0;
    this.sampler = setInterval(() => {
      const sample: AgentSample = {
        fps: Math.round(((encoder.frames - frames) * 1000) / SAMPLE_MS),
        bitrateKbps: Math.round(((encoder.bytes - bytes) * 8) / SAMPLE_MS),
        ...this.feedback,
      };
      frames = encoder.frames;
      bytes = encoder.bytes;
      this.options.onSample?.(sample);
    }, SAMPLE_MS);
    this.sampler.unref();
  }

  /** RTP packets sent to the viewer so far. */
  get packetsSent(): number {
    return this.encoder?.packets ?? 0;
  }

  /** One message from the `input` channel, checked field by field: anything else is dropped. */
  private onInputMessage(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const event = inputEvent(raw);
    if (!event) return;
    if (event.kind === 'key') {
      if (event.down) this.held.add(event.code);
      else this.held.delete(event.code);
    }
    if (event.kind === 'pad') this.pads.add(event.index);
    this.options.onInput?.(event);
  }

  private releaseKeys(): void {
    for (const code of this.held) this.options.onInput?.({ kind: 'key', code, down: false });
    this.held.clear();
    for (const index of this.pads) this.options.onInput?.({ kind: 'pad', index, buttons: [], axes: [] });
    this.pads.clear();
  }

  stop(): void {
    this.releaseKeys();
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    this.encoder?.stop();
    this.encoder = null;
    this.feedback = {};
    // Channel and track first, then the connection: nothing native is left for a later GC to finalize.
    this.input?.close();
    this.input = null;
    this.audioTrack?.close();
    this.audioTrack = null;
    this.track?.close();
    this.track = null;
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
      settings?: StreamSettings;
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
        settings: this.options.settings,
        iceServers: this.iceServers,
        signal: (out) => this.options.send({ type: 'signal', sessionId, data: out }),
        onSample: (sample) => this.options.send({ type: 'metrics', sessionId, sample }),
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

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A well-formed input event, or null: keys by code, the mouse in host pixels, a gamepad's buttons and axes. */
export function inputEvent(raw: unknown): InputEvent | null {
  if (!raw || typeof raw !== 'object') return null;
  const e = raw as Record<string, unknown>;
  if (e.kind === 'key' && typeof e.code === 'string' && e.code.length <= 32 && typeof e.down === 'boolean')
    return { kind: 'key', code: e.code, down: e.down };
  if (e.kind === 'mouse' && finite(e.x) && finite(e.y) && finite(e.buttons))
    return { kind: 'mouse', x: e.x, y: e.y, buttons: e.buttons };
  if (
    e.kind === 'pad' &&
    Number.isInteger(e.index) &&
    (e.index as number) >= 0 &&
    (e.index as number) < 16 &&
    Array.isArray(e.buttons) &&
    e.buttons.length <= 32 &&
    e.buttons.every(finite) &&
    Array.isArray(e.axes) &&
    e.axes.length <= 16 &&
    e.axes.every(finite)
  )
    return { kind: 'pad', index: e.index as number, buttons: e.buttons, axes: e.axes };
  return null;
}
