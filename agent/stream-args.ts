/** What the agent streams: the clock-stamped test pattern, the X display, or a KMS plane (consoles, Wayland). */
export type Source = 'test' | 'x11' | 'kms';
export const SOURCES: readonly Source[] = ['test', 'x11', 'kms'];

/** The RTP stream's identity: the SDP promises these to the browser and ffmpeg writes them into every packet. */
export const SSRC = 42;
export const AUDIO_SSRC = 43;
export const OPUS_PAYLOAD_TYPE = 111;
/** The codecs the agent offers, H.264 first; a browser without H.264 answers with VP8 only. */
export type VideoCodec = 'h264' | 'vp8';
export const PAYLOAD_TYPES: Record<VideoCodec, number> = { h264: 96, vp8: 97 };

/** The codec the viewer's answer accepted (the first of its m=video payload types the agent offered). */
export function codecOfAnswer(sdp: string): VideoCodec | null {
  const types = /^m=video \d+ \S+ ([\d ]+)/m.exec(sdp)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  for (const type of types) {
    if (type === PAYLOAD_TYPES.h264) return 'h264';
    if (type === PAYLOAD_TYPES.vp8) return 'vp8';
  }
  return null;
}

/**
 * What the agent encodes: frame rate, the test pattern's size (a display is captured at its own), bitrate, and
 * whether sound goes along (Opus: a 440 Hz tone with the test pattern, the PulseAudio default source with a display).
 */
export interface StreamSettings {
  fps: number;
  width: number;
  height: number;
  bitrateKbps: number;
  audio?: boolean;
  /** The DRM device kmsgrab captures (source `kms`). */
  kmsDevice?: string;
}
export const DEFAULT_STREAM: StreamSettings = { fps: 60, width: 1280, height: 720, bitrateKbps: 6000 };
/** The DRM device `--source kms` captures unless `--device` names another. */
export const DEFAULT_KMS_DEVICE = '/dev/dri/card0';
/** H.264 as the agent streams it in software (constrained baseline, no B-frames, zero latency); `agent bench` times it. */
export const H264_SOFTWARE = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-tune',
  'zerolatency',
  '-profile:v',
  'baseline',
];

/** The loopback ports ffmpeg sends to: video RTP and its sender reports, and the same for audio when there is sound. */
export interface EncoderPorts {
  rtp: number;
  rtcp: number;
  audioRtp?: number;
  audioRtcp?: number;
}

/**
 * The test pattern carries the wall clock: the low STAMP_BITS bits of the Unix time in milliseconds when the frame
 * was made, one STAMP_BLOCK-pixel square per bit (white = 1, least significant first) along the top-left edge. A
 * viewer on the same clock reads it back from a decoded frame to measure glass-to-glass latency (bench/stream.ts).
 */
export const STAMP_BITS = 24;
export const STAMP_BLOCK = 32;
const clockStamp =
  `settb=AVTB,setpts=RTCTIME,split[frame][bits];` +
  `[bits]crop=${STAMP_BITS}:2:0:0,format=gray,` +
  `geq=lum='255*mod(floor(mod(floor(T*1000)\\,${2 ** STAMP_BITS})/pow(2\\,X))\\,2)',` +
  `scale=${STAMP_BITS * STAMP_BLOCK}:${STAMP_BLOCK}:flags=neighbor,format=yuv420p[stamp];` +
  `[frame][stamp]overlay=0:0,setpts=PTS-STARTPTS`;

/**
 * ffmpeg arguments: the moving, clock-stamped test pattern, the X display or a KMS plane, encoded as H.264 (constrained
 * baseline, no B-frames, zero-latency tuning) or VP8 (libvpx realtime) at a capped bitrate with a keyframe every two
 * seconds; RTP and RTCP sender reports to the agent's loopback ports. With sound, a second output sends Opus
 * (low-delay, 10 ms frames).
 */
export function ffmpegArgs(
  source: Source,
  ports: EncoderPorts,
  settings: StreamSettings = DEFAULT_STREAM,
  codec: VideoCodec = 'h264',
): string[] {
  const { fps, width, height, bitrateKbps } = settings;
  const video =
    source === 'test'
      ? ['-re', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`]
      : source === 'kms'
        ? ['-device', settings.kmsDevice ?? DEFAULT_KMS_DEVICE, '-f', 'kmsgrab', '-framerate', String(fps), '-i', '-']
        : ['-f', 'x11grab', '-framerate', String(fps), '-draw_mouse', '1', '-i', process.env.DISPLAY ?? ':0'];
  // The test pattern carries the clock; KMS frames live on the GPU and come down to memory for the encoder (this
  // needs a linear, mappable framebuffer, and ffmpeg with CAP_SYS_ADMIN).
  const filter = source === 'test' ? ['-vf', clockStamp] : source === 'kms' ? ['-vf', 'hwdownload,format=bgr0'] : [];
  const sound = settings.audio && ports.audioRtp && ports.audioRtcp;
  const audioInput = !sound
    ? []
    : source === 'test'
      ? ['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']
      : ['-f', 'pulse', '-i', 'default'];
  const audioOutput = !sound
    ? []
    : [
        '-map',
        '1:a',
        '-c:a',
        'libopus',
        '-b:a',
        '96k',
        '-application',
        'lowdelay',
        '-frame_duration',
        '10',
        '-ar',
        '48000',
        '-ac',
        '2',
        '-f',
        'rtp',
        '-ssrc',
        String(AUDIO_SSRC),
        '-payload_type',
        String(OPUS_PAYLOAD_TYPE),
        `rtp://127.0.0.1:${ports.audioRtp}?pkt_size=1200&rtcpport=${ports.audioRtcp}`,
      ];
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    ...video,
    ...audioInput,
    '-map',
    '0:v',
    ...filter,
    ...(codec === 'h264'
      ? H264_SOFTWARE
      : // VP8 for browsers without H.264: libvpx's realtime mode, fastest, no lookahead, error resilient.
        [
          '-c:v',
          'libvpx',
          '-deadline',
          'realtime',
          '-cpu-used',
          '16',
          '-lag-in-frames',
          '0',
          '-error-resilient',
          '1',
          '-static-thresh',
          '0',
        ]),
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(fps * 2),
    '-b:v',
    `${bitrateKbps}k`,
    '-maxrate',
    `${bitrateKbps}k`,
    '-bufsize',
    `${Math.round(bitrateKbps / 4)}k`,
    ...(codec === 'h264' ? ['-bsf:v', 'h264_mp4toannexb'] : []),
    '-f',
    'rtp',
    '-ssrc',
    String(SSRC),
    '-payload_type',
    String(PAYLOAD_TYPES[codec]),
    `rtp://127.0.0.1:${ports.rtp}?pkt_size=1200&rtcpport=${ports.rtcp}`,
    ...audioOutput,
  ];
}
