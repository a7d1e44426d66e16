/**
 * What the viewer's browser says back about the stream, in RTCP (RFC 3550, RFC 4585, REMB draft): receiver reports
 * (loss, jitter, round trip), keyframe requests (PLI, FIR), NACKs and its bandwidth estimate (REMB).
 */
export interface RtcpFeedback {
  /** Fraction of packets lost since the previous report (0..1), from the last receiver report. */
  fractionLost?: number;
  /** Interarrival jitter in RTP timestamp units (90 kHz for video). */
  jitter?: number;
  /** Round trip from the report's LSR/DLSR, given the 32-bit middle of the NTP time it arrived at. */
  rttMs?: number;
  keyframeRequests: number;
  nacks: number;
  /** The receiver's estimate of the bandwidth it can take, bits per second. */
  rembBps?: number;
}

/** The middle 32 bits of an NTP timestamp (16.16 seconds) for a Unix time in milliseconds. */
export function ntpMiddle(unixMs: number): number {
  const seconds = unixMs / 1000 + 2_208_988_800;
  return Math.floor(seconds * 65536) >>> 0;
}

/** Reads one compound RTCP packet; unknown or malformed parts are skipped, never thrown. */
export function parseRtcp(packet: Buffer, arrivedMs: number): RtcpFeedback {
  const feedback: RtcpFeedback = { keyframeRequests: 0, nacks: 0 };
  let at = 0;
  while (at + 4 <= packet.length) {
    const first = packet[at] ?? 0;
    if (first >> 6 !== 2) break;
    const count = first & 0x1f;
    const type = packet[at + 1] ?? 0;
    const end = at + (packet.readUInt16BE(at + 2) + 1) * 4;
    if (end > packet.length) break;
    if (type === 201 && count > 0 && at + 32 <= end) {
      // Receiver report: the first report block (the agent sends one stream).
      const block = at + 8;
      feedback.fractionLost = (packet[block + 4] ?? 0) / 256;
      feedback.jitter = packet.readUInt32BE(block + 12);
      const lastSr = packet.readUInt32BE(block + 16);
      const delaySinceSr = packet.readUInt32BE(block + 20);
      if (lastSr !== 0) {
        const rtt = (ntpMiddle(arrivedMs) - lastSr - delaySinceSr) >>> 0;
        const rttMs = (rtt / 65536) * 1000;
        if (rttMs < 10_000) feedback.rttMs = rttMs;
      }
    } else if (type === 206 && (count === 1 || count === 4)) feedback.keyframeRequests += 1;
    else if (type === 205 && count === 1) feedback.nacks += Math.max(1, (end - at - 12) / 4);
    else if (type === 206 && count === 15 && end - at >= 20 && packet.toString('latin1', at + 12, at + 16) === 'REMB') {
      const exponent = (packet[at + 17] ?? 0) >> 2;
      const mantissa = (((packet[at + 17] ?? 0) & 0x03) << 16) | packet.readUInt16BE(at + 18);
      feedback.rembBps = mantissa * 2 ** exponent;
    }
    at = end;
  }
  return feedback;
}

/**
 * The encoder's bitrate, adapted to what the viewer reports: down by 30% after two reports in a row with more than
 * 5% loss (or to the viewer's bandwidth estimate when lower), back up by 15% after ten clean seconds, never below
 * 20% of the asked bitrate or above it. Changing the bitrate restarts ffmpeg, which also sends a fresh keyframe.
 */
export class BitrateController {
  private lossyReports = 0;
  private cleanSince: number;
  current: number;
  constructor(
    private readonly maxKbps: number,
    now: number,
  ) {
    this.current = maxKbps;
    this.cleanSince = now;
  }

  /** A receiver report arrived; returns the new bitrate when it should change. */
  onReport(feedback: RtcpFeedback, now: number): number | null {
    const floor = Math.max(300, Math.round(this.maxKbps * 0.2));
    if (feedback.fractionLost === undefined) return null;
    if (feedback.fractionLost > 0.05) {
      this.lossyReports += 1;
      this.cleanSince = now;
      if (this.lossyReports < 2) return null;
      this.lossyReports = 0;
      const estimate = feedback.rembBps ? Math.round(feedback.rembBps / 1000) : Infinity;
      return this.set(Math.max(floor, Math.min(Math.round(this.current * 0.7), estimate)));
    }
    this.lossyReports = 0;
    if (feedback.fractionLost < 0.01 && now - this.cleanSince >= 10_000 && this.current < this.maxKbps) {
      this.cleanSince = now;
      return this.set(Math.min(this.maxKbps, Math.round(this.current * 1.15)));
    }
    return null;
  }

  private set(kbps: number): number | null {
    if (kbps === this.current) return null;
    this.current = kbps;
    return kbps;
  }
}
