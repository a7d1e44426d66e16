// The GameBoost player: WebRTC with the host agent through the API's signaling socket, a stats overlay, keyboard and
// mouse over the `input` data channel, quality samples back to the API for the SLA. English and Russian.
const TEXT = {
  en: {
    connecting: 'Connecting…',
    live: 'Live',
    ended: 'Session ended',
    lost: 'Connection lost',
    full: 'Full screen',
    end: 'End session',
  },
  ru: {
    connecting: 'Подключение…',
    live: 'В эфире',
    ended: 'Сеанс завершён',
    lost: 'Связь потеряна',
    full: 'Во весь экран',
    end: 'Завершить сеанс',
  },
};
const lang = navigator.language.startsWith('ru') ? 'ru' : 'en';
const t = (key) => TEXT[lang][key];
for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
document.documentElement.lang = lang;

const params = new URLSearchParams(location.hash.slice(1));
const session = params.get('session');
const token = params.get('token');
const iceServers = JSON.parse(params.get('ice') || '[]');
const video = document.getElementById('video');
const status = document.getElementById('status');
const overlay = document.getElementById('overlay');
const show = (text) => (status.textContent = text);

const ws = new WebSocket(
  `${location.origin.replace('http', 'ws')}/api/v1/gameboost/signal?session=${encodeURIComponent(session)}&token=${encodeURIComponent(token)}`,
);
const signal = (message) => ws.readyState === 1 && ws.send(JSON.stringify(message));
const pc = new RTCPeerConnection({ iceServers });
let input = null;
pc.ondatachannel = (event) => {
  if (event.channel.label === 'input') input = event.channel;
};
pc.ontrack = (event) => {
  video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
};
pc.onicecandidate = (event) => {
  if (event.candidate) signal({ type: 'candidate', candidate: event.candidate.candidate, mid: event.candidate.sdpMid });
};
pc.onconnectionstatechange = () => {
  if (pc.connectionState === 'failed' || pc.connectionState === 'disconnected') show(t('lost'));
};
ws.onopen = () => signal({ type: 'hello' });
ws.onmessage = async (event) => {
  const message = JSON.parse(event.data);
  if (message.type === 'offer') {
    await pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    signal({ type: 'answer', sdp: pc.localDescription.sdp });
  } else if (message.type === 'candidate' && message.candidate) {
    await pc.addIceCandidate({ candidate: message.candidate, sdpMid: message.mid ?? '0' }).catch(() => undefined);
  } else if (message.type === 'ended') {
    show(t('ended'));
    pc.close();
  }
};

// Input: keys (held keys are released by the agent if the line drops), mouse position and buttons on the video.
const send = (event) => input?.readyState === 'open' && input.send(JSON.stringify(event));
addEventListener('keydown', (e) => {
  if (!e.repeat) send({ kind: 'key', code: e.code, down: true });
  e.preventDefault();
});
addEventListener('keyup', (e) => {
  send({ kind: 'key', code: e.code, down: false });
  e.preventDefault();
});
const mouse = (e) => {
  const box = video.getBoundingClientRect();
  send({
    kind: 'mouse',
    x: Math.round(((e.clientX - box.left) / box.width) * 1280),
    y: Math.round(((e.clientY - box.top) / box.height) * 720),
    buttons: e.buttons,
  });
};
video.addEventListener('mousemove', mouse);
video.addEventListener('mousedown', mouse);
video.addEventListener('mouseup', mouse);
document.getElementById('full').onclick = () => document.documentElement.requestFullscreen?.();
document.getElementById('end').onclick = () => {
  signal({ type: 'end' });
  show(t('ended'));
};

// Stats every second: the overlay, and a sample to the API (first decoded frame starts the session's time).
let last = null;
let started = false;
setInterval(async () => {
  const stats = await pc.getStats();
  let inbound = null;
  let pair = null;
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') inbound = s;
    if (s.type === 'candidate-pair' && s.nominated) pair = s;
  });
  if (!inbound) return;
  const fps = inbound.framesPerSecond ?? 0;
  const rtt = pair?.currentRoundTripTime != null ? Math.round(pair.currentRoundTripTime * 1000) : null;
  const bitrate = last
    ? Math.round(
        ((inbound.bytesReceived - last.bytesReceived) * 8) / ((inbound.timestamp - last.timestamp) / 1000) / 1000,
      )
    : 0;
  const loss = inbound.packetsReceived ? inbound.packetsLost / (inbound.packetsReceived + inbound.packetsLost) : 0;
  last = inbound;
  document.getElementById('fps').textContent = fps.toFixed(0);
  document.getElementById('rtt').textContent = rtt === null ? '–' : `${rtt} ms`;
  document.getElementById('bitrate').textContent = `${bitrate} kb/s`;
  document.getElementById('loss').textContent = `${(loss * 100).toFixed(1)}%`;
  document.getElementById('freezes').textContent = String(inbound.freezeCount ?? 0);
  overlay.dataset.fps = String(fps);
  overlay.dataset.input = input?.readyState ?? 'none';
  overlay.dataset.framesDecoded = String(inbound.framesDecoded ?? 0);
  if (!started && (inbound.framesDecoded ?? 0) > 0) {
    started = true;
    show(t('live'));
    signal({ type: 'first-frame' });
  }
  signal({
    type: 'stats',
    fps,
    rttMs: rtt ?? undefined,
    packetLoss: loss,
    freezes: inbound.freezeCount ?? 0,
    bitrateKbps: bitrate,
  });
}, 1000);
