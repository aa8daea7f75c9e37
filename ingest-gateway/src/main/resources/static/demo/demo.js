// facestream demo: webcam -> /ws/recognize -> boxes, names and similarity over the video.
// Plain JS, no build step. Protocol: README "WebSocket" (or /docs): key as the first message, then one
// binary JPEG per frame, one JSON reply per frame in the order sent.
'use strict';

const $ = (id) => document.getElementById(id);
// Two frames in flight hide the network round trip without queueing stale frames behind the pipeline.
const MAX_IN_FLIGHT = 2;
// Faces need far fewer pixels than webcams give (the detector works at 640 px): smaller frames, faster answers.
const MAX_SIDE = 640;
const JPEG_QUALITY = 0.85;
// A key may make 600 requests a minute (FACESTREAM_REQUESTS_PER_MINUTE) and WebSocket frames count: 8 frames/s is
// 480 a minute, leaving room for enrolment and other calls with the same key. Uncapped, a quiet 2-core machine
// answered fast enough to reach the limit within a minute, and the next enrolment got 429.
const MAX_FPS = 8;

const video = $('video');
const overlay = $('overlay');
const capture = document.createElement('canvas');

let stream = null;
let socket = null;
let authenticated = false;
let inFlight = 0;
let lastSentAt = 0;
let pumpTimer = null;
let sent = [];            // per sequence: {at, width, height}, in send order
let latest = null;        // the last reply with faces: {faces: [...], width, height}
let chosenPoint = null;   // where the user clicked, in frame pixels
let answered = 0;
let windowStart = performance.now();
let latencies = [];

function status(text, isError) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

function apiKey() {
  return $('api-key').value.trim();
}

async function start() {
  if (!apiKey()) {
    status('Type an API key first.', true);
    return;
  }
  $('start').disabled = true;
  if (stream) stream.getTracks().forEach((t) => t.stop());
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 } }, audio: false });
  } catch (e) {
    status('No camera: ' + e.message, true);
    $('start').disabled = false;
    return;
  }
  video.srcObject = stream;
  await video.play();
  $('stop').disabled = false;
  connect();
}

function connect() {
  const url = new URL('../ws/recognize', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  socket = ws;
  ws.binaryType = 'arraybuffer';
  authenticated = false;
  inFlight = 0;
  sent = [];
  status('Connecting…');
  ws.onopen = () => ws.send(JSON.stringify({ api_key: apiKey() }));
  ws.onmessage = (event) => onReply(JSON.parse(event.data));
  ws.onclose = (event) => {
    if (socket !== ws) return; // an earlier connection, already replaced
    const why = event.code === 4401 ? 'the key is missing, unknown or revoked'
      : event.code === 4403 ? "the key lacks the 'recognize' scope"
      : event.code === 1009 ? 'a frame was too large'
      : (event.reason || 'closed');
    status('Disconnected (' + event.code + '): ' + why, event.code !== 1000);
    authenticated = false;
    $('enrol').disabled = true;
    // Refused or dropped: release the camera, so the key can be fixed and Start pressed again.
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    socket = null;
    $('start').disabled = false;
    $('stop').disabled = true;
  };
  ws.onerror = () => status('The WebSocket failed (is the gateway running, and is this origin allowed?)', true);
}

function stop() {
  if (socket) {
    socket.close(1000, 'stopped'); // onclose releases the camera
  } else if (stream) {
    stream.getTracks().forEach((t) => t.stop());
    stream = null;
  }
  $('start').disabled = false;
  $('stop').disabled = true;
}

function onReply(reply) {
  if (reply.authenticated) {
    authenticated = true;
    answered = 0;
    latencies = [];
    windowStart = performance.now();
    $('enrol').disabled = false;
    status('Connected: recognizing.');
    pump();
    return;
  }
  if (reply.sequence === undefined) {
    if (reply.error) status(reply.error.code + ': ' + reply.error.message, true);
    return;
  }
  inFlight--;
  const frame = sent[reply.sequence] || {};
  delete sent[reply.sequence];
  latencies.push(performance.now() - frame.at);
  answered++;
  if (reply.error) {
    // busy and rate_limited are expected under load: show them and carry on with the next frame.
    status('Frame ' + reply.sequence + ': ' + reply.error.code + ' (' + reply.error.message + ')', reply.error.code !== 'busy');
  } else {
    const faces = reply.recognized_faces.map((f) => ({ ...f, known: true }))
      .concat(reply.unknown_faces.map((f) => ({ ...f, known: false })));
    latest = { faces, width: frame.width, height: frame.height, threshold: reply.threshold };
    draw();
    list();
  }
  stats();
  pump();
}

// Sends the current video frame if fewer than MAX_IN_FLIGHT wait; replies call it again.
function pump() {
  if (!authenticated || !socket || socket.readyState !== WebSocket.OPEN || inFlight >= MAX_IN_FLIGHT) return;
  if (!video.videoWidth) {
    later(50);
    return;
  }
  const wait = lastSentAt + 1000 / MAX_FPS - performance.now();
  if (wait > 0) {
    later(wait);
    return;
  }
  lastSentAt = performance.now();
  const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
  capture.width = Math.round(video.videoWidth * scale);
  capture.height = Math.round(video.videoHeight * scale);
  capture.getContext('2d').drawImage(video, 0, 0, capture.width, capture.height);
  const size = { width: capture.width, height: capture.height };
  inFlight++;
  capture.toBlob((blob) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    sent.push({ at: performance.now(), ...size });
    socket.send(blob);
    pump();
  }, 'image/jpeg', JPEG_QUALITY);
}

// One pending timer at most: replies and timers both call pump.
function later(ms) {
  if (pumpTimer === null) pumpTimer = setTimeout(() => { pumpTimer = null; pump(); }, ms);
}

function label(face) {
  const own = face.known
    ? face.name + '  ' + face.similarity.toFixed(2)
    : 'unknown  ' + (face.best_similarity || 0).toFixed(2);
  if (!face.track_id) return own;
  // The track's name is voted over its faces: steadier than this frame's match, which is shown first.
  const named = face.track && face.track.name ? face.track.name : 'unknown';
  return own + '  · track …' + face.track_id.slice(-4) + ': ' + named;
}

function chosenFace() {
  if (!latest || latest.faces.length === 0) return null;
  if (chosenPoint) {
    const hit = latest.faces.find((f) => chosenPoint.x >= f.box[0] && chosenPoint.x <= f.box[0] + f.box[2]
      && chosenPoint.y >= f.box[1] && chosenPoint.y <= f.box[1] + f.box[3]);
    if (hit) return hit;
  }
  return latest.faces.reduce((a, b) => (b.box[2] * b.box[3] > a.box[2] * a.box[3] ? b : a));
}

function draw() {
  const width = overlay.clientWidth;
  const height = overlay.clientHeight;
  overlay.width = width;
  overlay.height = height;
  const ctx = overlay.getContext('2d');
  ctx.clearRect(0, 0, width, height);
  if (!latest) return;
  const sx = width / latest.width;
  const sy = height / latest.height;
  const chosen = chosenFace();
  ctx.font = '600 15px system-ui, sans-serif';
  for (const face of latest.faces) {
    const [x, y, w, h] = face.box;
    const colour = face.known ? '#1b9e4b' : '#e0a100';
    ctx.strokeStyle = colour;
    ctx.lineWidth = face === chosen ? 4 : 2;
    ctx.strokeRect(x * sx, y * sy, w * sx, h * sy);
    const text = label(face);
    const textWidth = ctx.measureText(text).width + 8;
    const top = Math.max(0, y * sy - 20);
    const left = Math.max(0, Math.min(x * sx, width - textWidth));
    ctx.fillStyle = colour;
    ctx.fillRect(left, top, textWidth, 20);
    ctx.fillStyle = '#fff';
    ctx.fillText(text, left + 4, top + 15);
  }
}

function list() {
  const ul = $('faces');
  ul.replaceChildren(...latest.faces.map((face) => {
    const li = document.createElement('li');
    li.className = face.known ? 'known' : 'unknown';
    li.textContent = label(face) + (face.low_quality ? '  (low quality: ' + face.quality_issues.join('; ') + ')' : '');
    li.title = 'choose this face for enrolment';
    // Choosing a face in the list is choosing the spot it is at, like clicking its box on the video.
    li.addEventListener('click', () => {
      chosenPoint = { x: face.box[0] + face.box[2] / 2, y: face.box[1] + face.box[3] / 2 };
      draw();
    });
    return li;
  }));
  if (latest.faces.length === 0) {
    const li = document.createElement('li');
    li.textContent = 'no face';
    ul.append(li);
  }
}

function stats() {
  const now = performance.now();
  if (now - windowStart < 1000) return;
  const fps = answered * 1000 / (now - windowStart);
  const sorted = latencies.slice().sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
  $('stats').textContent = fps.toFixed(1) + ' frames/s answered, median round trip ' + Math.round(median) + ' ms'
    + (latest ? ', threshold ' + latest.threshold.toFixed(3) : '');
  answered = 0;
  latencies = [];
  windowStart = now;
}

async function enrol() {
  const result = $('enrol-result');
  const name = $('enrol-name').value.trim();
  const face = chosenFace();
  if (!name) {
    result.textContent = 'Type a name.';
    result.className = 'error';
    return;
  }
  if (!face) {
    result.textContent = 'No face on screen.';
    result.className = 'error';
    return;
  }
  const form = new FormData();
  form.append('name', name);
  form.append('face_id', face.face_id);
  form.append('same_person', $('same-person').checked ? 'true' : 'false');
  result.textContent = 'Enrolling…';
  result.className = '';
  try {
    const response = await fetch(new URL('../api/recognition/register', location.href),
      { method: 'POST', headers: { 'X-API-Key': apiKey() }, body: form });
    const body = await response.json();
    if (response.ok) {
      result.textContent = 'Enrolled ' + name + ' (person ' + body.id + ').';
      result.className = 'ok';
    } else if (body.error === 'already_enrolled') {
      result.textContent = 'Already enrolled as person ' + body.existing_person_id + ': ' + body.message;
      result.className = 'error';
    } else {
      result.textContent = response.status + ' ' + body.error + ': ' + body.message;
      result.className = 'error';
    }
  } catch (e) {
    result.textContent = 'Enrolment failed: ' + e.message;
    result.className = 'error';
  }
}

overlay.addEventListener('click', (event) => {
  if (!latest) return;
  const rect = overlay.getBoundingClientRect();
  chosenPoint = {
    x: (event.clientX - rect.left) * latest.width / rect.width,
    y: (event.clientY - rect.top) * latest.height / rect.height,
  };
  draw();
});
$('start').addEventListener('click', start);
$('stop').addEventListener('click', stop);
$('enrol').addEventListener('click', enrol);
window.addEventListener('resize', draw);
