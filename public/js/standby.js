// The standby page: asks the server every few seconds whether a drill the person is on has
// started (GET /api/standby/:token names only running drills). When one has, it rings (an
// <audio> element), flashes the title, shows a browser notification where allowed, then opens
// the drill console.
import { $, data, h, say } from './lib/page.js';

const t = data.strings;
// Every 10 s: a ring within seconds of the start, and inside the per-address rate limit of
// /api/standby for three pages behind one address (docs/consoles.md).
const POLL_MS = 10_000;
const audio = $('#ring-sound');
const title = document.title;
const rung = new Set(JSON.parse(sessionStorage.getItem('firedrill:rung') || '[]'));
let armed = false;

$('#arm').addEventListener('click', async () => {
  // Playing once, muted, inside the click is what lets the page ring later without a click.
  try {
    audio.muted = true;
    await audio.play();
    audio.pause();
    audio.currentTime = 0;
  } catch {
    // Some browsers refuse even this; the title flash and the notification remain.
  } finally {
    audio.muted = false;
  }
  let permission = 'Notification' in window ? Notification.permission : 'denied';
  if (permission === 'default') permission = await Notification.requestPermission();
  armed = true;
  say(
    $('#armed'),
    permission === 'granted' ? t.armed : `${t.armed} ${t.notificationsDenied}`,
    'ok',
  );
  $('#arm').hidden = true;
});

function flashTitle() {
  let on = false;
  const timer = setInterval(() => {
    on = !on;
    document.title = on ? `${t.flash} · ${title}` : title;
  }, 800);
  document.title = `${t.flash} · ${title}`;
  return () => clearInterval(timer);
}

async function ring(drill) {
  rung.add(drill.drillId);
  sessionStorage.setItem('firedrill:rung', JSON.stringify([...rung]));
  const path = new URL(drill.join, location.href).pathname;
  const box = $('#ring');
  $('#ring-title').textContent = drill.title;
  $('#ring-open').href = path;
  say($('#standby-status'), '');
  box.hidden = false;
  $('#h-ring').focus();
  flashTitle();
  const open = () => {
    say($('#standby-status'), t.opening);
    location.assign(path);
  };
  if ('Notification' in window && Notification.permission === 'granted') {
    const n = new Notification(t.notificationTitle, {
      body: `${t.notificationBody}${drill.title}`,
      tag: drill.drillId,
      requireInteraction: true,
    });
    document.body.dataset.notification = 'created';
    n.addEventListener('show', () => {
      document.body.dataset.notification = 'shown';
    });
    n.addEventListener('click', () => {
      window.focus();
      open();
    });
  }
  try {
    audio.currentTime = 0;
    await audio.play();
    document.body.dataset.sound = 'played';
    // The console opens once the ring has sounded.
    audio.addEventListener('ended', open, { once: true });
  } catch (error) {
    document.body.dataset.sound = `blocked: ${error.name}`;
    setTimeout(open, 3000);
  }
}

async function poll() {
  try {
    const res = await fetch(data.api, { headers: { accept: 'application/json' } });
    if (res.status === 404) {
      say($('#standby-status'), t.unknown);
      return;
    }
    if (res.status === 429) {
      // Rate-limited: wait as long as the server says (at least 30 s), then ask again.
      const wait = Math.max(30, Number(res.headers.get('retry-after')) || 0) * 1000;
      say($('#standby-status'), t.checkFailed);
      setTimeout(poll, wait);
      return;
    }
    const body = await res.json();
    const next = body.live.find((d) => !rung.has(d.drillId));
    say($('#standby-status'), `${t.waiting}${new Date().toLocaleTimeString()}`);
    if (next) return ring(next);
  } catch {
    say($('#standby-status'), t.checkFailed);
  }
  setTimeout(poll, POLL_MS);
}

void armed;
void h;
poll();
