// Loaded into the player page by bench/stream.ts before the player's own script. Keeps the player's
// RTCPeerConnection for getStats, and reads the clock stamp of every presented frame (agent/stream.ts: the low
// `bits` bits of the capture time in Unix milliseconds, one `block`-pixel white (1) or black (0) square per bit, least
// significant first, along the top-left edge) against the time Chromium expects to show the frame.
(() => {
  const { bits, block } = window.__stampProbe;
  const wrap = 2 ** bits;
  const Native = window.RTCPeerConnection;
  const peers = [];
  window.RTCPeerConnection = class extends Native {
    constructor(configuration) {
      super(configuration);
      peers.push(this);
    }
  };
  const empty = () => ({ latencies: [], toReceive: [], unreadable: 0, presented: 0 });
  let probe = empty();
  window.__probe = {
    reset: () => void (probe = empty()),
    read: () => probe,
    async inbound() {
      for (const pc of peers)
        for (const report of (await pc.getStats()).values())
          if (report.type === 'inbound-rtp' && report.kind === 'video') return report;
      return null;
    },
  };
  const since = (epochMs, stamp) => ((Math.floor(epochMs) % wrap) - stamp + wrap) % wrap;
  const start = () => {
    const video = document.getElementById('video');
    const canvas = new OffscreenCanvas(bits * block, block);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const onFrame = (_now, frame) => {
      probe.presented += 1;
      if (video.videoWidth >= bits * block) {
        context.drawImage(video, 0, 0, bits * block, block, 0, 0, bits * block, block);
        const pixels = context.getImageData(0, 0, bits * block, block).data;
        let stamp = 0;
        for (let bit = 0; bit < bits; bit += 1) {
          const at = ((block >> 1) * bits * block + bit * block + (block >> 1)) * 4;
          if (pixels[at] >= 128) stamp += 2 ** bit;
        }
        const latency = since(performance.timeOrigin + frame.expectedDisplayTime, stamp);
        // A misread high bit shows as minutes of latency: counted, not averaged in.
        if (latency < 5000) {
          probe.latencies.push(latency);
          if (frame.receiveTime) probe.toReceive.push(since(performance.timeOrigin + frame.receiveTime, stamp));
        } else probe.unreadable += 1;
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  addEventListener('DOMContentLoaded', start);
})();
