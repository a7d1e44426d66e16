// The GameBoost player: WebRTC with the host agent through the API's signaling socket, a stats overlay, keyboard and
// mouse over the `input` data channel, quality samples back to the API for the SLA. English and Russian.
const TEXT = {
  en: {
    connecting: 'Connecting…',
    live: 'Live',
    ended: 'Session ended',
    lost: 'Connection lost',
    full: 'Full screen',
    soundOn: 'Sound on',
    soundOff: 'Sound off',
    end: 'End session',
    bitrate: 'bitrate',
    loss: 'loss',
    freezes: 'freezes',
  },
  ru: {
    connecting: 'Подключение…',
    live: 'В эфире',
    ended: 'Сеанс завершён',
    lost: 'Связь потеряна',
    full: 'Во весь экран',
    soundOn: 'Включить звук',
    soundOff: 'Выключить звук',
    end: 'Завершить сеанс',
    bitrate: 'битрейт',
    loss: 'потери',
    freezes: 'фризы',
  },
};
const params = new URLSearchParams(location.hash.slice(1));
const lang = (params.get('lang') ?? navigator.language).startsWith('ru') ? 'ru' : 'en';
const t = (key) => TEXT[lang][key];
for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
document.documentElement.lang = lang;

const session = params.get('session');
// The viewer token comes once, in the fragment; kept for this tab so a reload reconnects.
const token = params.get('token') ?? sessionStorage.getItem(`gameboost:${session}`);
if (params.get('token')) sessionStorage.setItem(`gameboost:${session}`, params.get('token'));
// Where the web companion shows the session's bill once it ends.
const back = /^\/sessions\/[0-9a-f-]{36}$/.test(params.get('back') ?? '') ? params.get('back') : null;
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
  if (event.channel.label !== 'input') return;
  input = event.channel;
};
pc.ontrack = (event) => {
  // A game wants the frame now, not smooth playback later: ask for the smallest jitter buffer Chromium allows.
  if ('jitterBufferTarget' in event.receiver) event.receiver.jitterBufferTarget = 0;
  else event.receiver.playoutDelayHint = 0;
  video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
  // Sound starts muted (browsers allow autoplay only so); the button turns it on with the viewer's click.
  if (event.track.kind === 'audio') sound.hidden = false;
};
const sound = document.getElementById('sound');
const showSound = () => (sound.textContent = t(video.muted ? 'soundOn' : 'soundOff'));
sound.onclick = () => {
  video.muted = !video.muted;
  showSound();
};
showSound();
pc.onicecandidate = (event) => {
  if (event.candidate) signal({ type: 'candidate', candidate: event.candidate.candidate, mid: event.candidate.sdpMid });
};
// A negotiation that fails, or brings no picture within 10 s, starts over (the agent begins a new stream on hello);
// three tries per tab, then the viewer sees that the connection was lost.
const retries = Number(sessionStorage.getItem(`gameboost-retries:${session}`) ?? 0);
let ended = false;
const retry = () => {
  if (ended || started || retries >= 3) return;
  sessionStorage.setItem(`gameboost-retries:${session}`, String(retries + 1));
  location.reload();
};
setTimeout(retry, 10_000);
pc.onconnectionstatechange = () => {
  if (pc.connectionState === 'failed' || pc.connectionState === 'disconnected') show(t('lost'));
  if (pc.connectionState === 'failed') setTimeout(retry, 1000);
};
ws.onopen = () => signal({ type: 'hello' });
// Signals are handled one after another: a candidate must not be added before the offer it belongs to is set.
let signals = Promise.resolve();
ws.onmessage = (event) => {
  signals = signals.then(() => onSignal(JSON.parse(event.data))).catch((error) => console.warn('signal', error));
};
async function onSignal(message) {
  if (message.type === 'offer') {
    await pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    signal({ type: 'answer', sdp: pc.localDescription.sdp });
  } else if (message.type === 'candidate' && message.candidate) {
    await pc.addIceCandidate({ candidate: message.candidate, sdpMid: message.mid ?? '0' }).catch(() => undefined);
  } else if (message.type === 'ended') {
    ended = true;
    show(t('ended'));
    pc.close();
    ws.close();
    if (back) setTimeout(() => location.assign(back), 1500);
  }
}

// Input: keys (held keys are released by the agent if the line drops), mouse position and buttons on the video.
const send = (event) => {
  if (input?.readyState !== 'open') return false;
  input.send(JSON.stringify(event));
  return true;
};
addEventListener('keydown', (e) => {
  if (!e.repeat) send({ kind: 'key', code: e.code, down: true });
  e.preventDefault();
});
addEventListener('keyup', (e) => {
  send({ kind: 'key', code: e.code, down: false });
  e.preventDefault();
});
// The picture is letterboxed inside the element (object-fit: contain): map the pointer to the host's pixels.
const mouse = (e) => {
  const box = video.getBoundingClientRect();
  const width = video.videoWidth || 1280;
  const height = video.videoHeight || 720;
  const scale = Math.min(box.width / width, box.height / height);
  const left = box.left + (box.width - width * scale) / 2;
  const top = box.top + (box.height - height * scale) / 2;
  const clamp = (value, max) => Math.min(max, Math.max(0, Math.round(value)));
  send({
    kind: 'mouse',
    x: clamp((e.clientX - left) / scale, width),
    y: clamp((e.clientY - top) / scale, height),
    buttons: e.buttons,
  });
};
// Gamepads: polled every frame, sent when a button or an axis moved (the agent passes them on where it can).
const pads = new Map();
const pollPads = () => {
  for (const pad of navigator.getGamepads?.() ?? []) {
    if (!pad) continue;
    const state = {
      kind: 'pad',
      index: pad.index,
      buttons: pad.buttons.map((b) => Math.round(b.value * 100) / 100),
      axes: pad.axes.map((a) => Math.round(a * 100) / 100),
    };
    const key = JSON.stringify(state);
    if (pads.get(pad.index) !== key && send(state)) pads.set(pad.index, key);
  }
  requestAnimationFrame(pollPads);
};
requestAnimationFrame(pollPads);
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
    sessionStorage.removeItem(`gameboost-retries:${session}`);
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
