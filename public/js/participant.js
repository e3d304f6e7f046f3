// The participant's console: inbox, status board, channels, every action of the manual (nothing
// enforced), the decision log, a clock, a banner and automatic resume when the link drops, and
// a debrief form when the drill ends.
import { liveSocket } from './lib/live-socket.js';
import { $, clientId, data, drillTime, h, say } from './lib/page.js';
import { applyBoard, applyEvent, fromWelcome } from './lib/role-state.js';
import { drawActionForm, readActionForm } from './participant-form.js';
import { drawBoard, drawChannels, drawLog } from './participant-view.js';

const t = data.strings;
let state;
const pending = new Map();
const seenKey = `firedrill:seen:${data.drill.id}:${data.role}`;
let seenUpTo = Number(sessionStorage.getItem(seenKey) || 0);
const fresh = new Set();
let everConnected = false;

// ------------------------------------------------------------------ the clock
let clock = { t: data.t, at: performance.now(), running: data.status === 'running' };
function nowT() {
  return clock.running
    ? clock.t + (performance.now() - clock.at) * (data.drill.timeScale || 1)
    : clock.t;
}
const tick = () => {
  $('#clock').textContent = drillTime(nowT());
};
function syncClock(t, running) {
  const estimate = nowT();
  clock = { t: Math.max(estimate, t ?? 0), at: performance.now(), running };
  tick();
}
setInterval(tick, 500);
tick();

// ------------------------------------------------------------------ drawing

function drawStatus() {
  const el = $('#drill-status');
  const key = state.stopped ? 'stopped' : state.status;
  el.textContent = t.statusPill[key] ?? state.status;
  el.className = `pill status-${state.status === 'running' ? 'running' : state.status === 'ended' ? 'ended' : 'paused'}`;
  $('#grade').textContent = state.grade
    ? (state.manual.grades.find((g) => g.id === state.grade)?.name ?? state.grade)
    : t.noGrade;
  if (state.status === 'ended') showDebrief();
}

function markSeen(seq) {
  fresh.delete(seq);
  seenUpTo = Math.max(seenUpTo, seq);
  sessionStorage.setItem(seenKey, String(seenUpTo));
  drawInbox();
}

function drawInbox() {
  // Updated in place, not redrawn: an item someone is reading (focused) stays focused.
  const list = $('#inbox');
  list.querySelector('li.empty')?.remove();
  if (!state.inbox.length) list.append(h('li', { class: 'muted empty' }, t.inboxEmpty));
  for (const item of state.inbox) {
    let li = list.querySelector(`li[data-seq="${item.seq}"]`);
    if (!li) {
      li = h(
        'li',
        {
          tabindex: '0',
          dataset: { seq: item.seq, inject: item.inject },
          onfocus: () => fresh.has(item.seq) && setTimeout(() => markSeen(item.seq), 1500),
        },
        h(
          'h3',
          {},
          h('span', { class: 'badge' }, t.new),
          h('span', { class: 'muted small' }, `${drillTime(item.t)} · #${item.seq} `),
          item.title,
        ),
        h('p', {}, item.text),
      );
      list.prepend(li);
    }
    const isNew = fresh.has(item.seq);
    li.classList.toggle('new', isNew);
    li.querySelector('.badge').hidden = !isNew;
  }
  $('#inbox-new').textContent = fresh.size ? `(${fresh.size} ${t.new})` : '';
}

function drawAll() {
  drawStatus();
  drawInbox();
  drawBoard(state);
  drawChannels(state);
  drawLog(state);
}

// ------------------------------------------------------------------ the status board
async function refreshBoard() {
  if (!state || state.status === 'ended') return;
  try {
    const res = await fetch(data.board, { headers: { accept: 'application/json' } });
    if (res.status === 404) return linkClosed();
    if (!res.ok) return;
    const board = await res.json();
    applyBoard(state, board);
    // The server's own drill time now: it corrects whatever the page's estimate drifted to.
    clock = { t: board.t, at: performance.now(), running: state.status === 'running' };
    tick();
    drawStatus();
    drawBoard(state);
    drawChannels(state);
    drawActionForm(state, data, true);
  } catch {
    // Offline: the banner says so; the next round tries again.
  }
}
setInterval(refreshBoard, data.boardPollMs || 5000);

/**
 * The link opens nothing any more while the page was away: the drill ended (or the link was
 * withdrawn). Stop reconnecting and offer the debrief; its answer says which it was.
 */
function linkClosed() {
  socket.close();
  state.status = 'ended';
  syncClock(state.t, false);
  drawStatus();
}

// ------------------------------------------------------------------ the connection
function banner(text, tone = 'warn') {
  const el = $('#banner');
  el.hidden = !text;
  el.textContent = text || '';
  el.className = `banner ${tone}`;
}

/** Whether the inbox already shows this inject: the same one sent again under a new seq. */
const shownAlready = (event) =>
  event.type === 'inject-delivered' &&
  state.inbox.some(
    (i) => i.inject === event.inject && i.title === event.title && i.text === event.text,
  );

const socket = liveSocket(data.socket, {
  onWelcome(welcome, resumed) {
    // An inject is sent once written, before it is durable: after a power loss the server's log
    // may end before what this page has seen. Start again from what the server holds.
    if (resumed && !welcome.view && state && welcome.seq < state.seq) {
      location.reload();
      return;
    }
    if (welcome.view) {
      const first = !state;
      state = fromWelcome(welcome);
      for (const i of state.inbox) if (i.seq > seenUpTo) fresh.add(i.seq);
      if (first) drawActionForm(state, data);
    }
    syncClock(state.t, state.status === 'running');
    if (resumed && everConnected) {
      banner(t.reconnected, 'info');
      setTimeout(() => $('#banner').classList.contains('info') && banner(''), 4000);
    } else banner('');
    everConnected = true;
    drawAll();
    refreshBoard();
    // What was sent but never acknowledged goes again with the same client id: the server
    // answers a resend without recording it twice.
    for (const message of pending.values()) socket.send(message);
  },
  onEvent(event) {
    if (!state) return;
    // Sent again after a power loss (docs/storage.md): shown once.
    if (shownAlready(event)) {
      state.seq = Math.max(state.seq, event.seq);
      return;
    }
    const kind = applyEvent(state, event);
    if (kind === 'inject') fresh.add(event.seq);
    syncClock(event.t, state.status === 'running');
    drawAll();
    if (kind === 'inject' || kind === 'action') drawActionForm(state, data, true);
    // An ended drill has no socket to come back to: stop trying.
    if (state.status === 'ended') socket.close();
  },
  onMessage(message) {
    if (message.type === 'board' && state) {
      // The world changed (perhaps by an inject to another role): the board every role sees.
      applyBoard(state, message.board);
      drawBoard(state);
      drawChannels(state);
      drawActionForm(state, data, true);
    } else if (message.type === 'ack') {
      const sent = pending.get(message.clientId);
      pending.delete(message.clientId);
      if (sent) say($('#act-status'), `${t.sent}${message.seq}`, 'ok');
    } else if (message.type === 'error') {
      if (message.clientId) pending.delete(message.clientId);
      say($('#act-status'), t.notSent + message.message, 'error');
    }
  },
  onState(s) {
    if (s === 'closed') {
      banner(t.disconnected);
      refreshBoard();
    }
    if (s === 'revoked') {
      banner(t.revoked);
      // Off the drill: nothing sent from here would be recorded any more.
      for (const el of $('#act').elements) el.disabled = true;
    }
  },
});

$('#act').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!state) return;
  const message = { type: 'action', clientId: clientId(), ...readActionForm(state) };
  if (!socket.send(message)) {
    say($('#act-status'), t.offline, 'error');
    return;
  }
  pending.set(message.clientId, message);
  if (message.ref) markSeen(message.ref);
  say($('#act-status'), t.sending);
  $('#text').value = '';
});

// A real incident beats the drill: anyone on it may stop it; the facilitator is told who and why.
$('#stop').addEventListener('click', () => {
  const reason = prompt(t.stopConfirm);
  if (reason === null) return;
  socket.send({ type: 'stop', reason: reason.slice(0, 500) || undefined });
});

// ------------------------------------------------------------------ the debrief
let debriefShown = false;
function showDebrief() {
  if (debriefShown) return;
  debriefShown = true;
  banner(t.ended, 'info');
  $('#stop').hidden = true;
  // Nothing can be recorded in an ended drill: say so instead of letting a send fail.
  for (const el of $('#act').querySelectorAll('button[type="submit"]')) el.disabled = true;
  $('#debrief').hidden = false;
  $('#h-debrief').focus();
}

$('#debrief').addEventListener('submit', async (e) => {
  e.preventDefault();
  const status = $('#debrief-status');
  try {
    const res = await fetch(data.debrief, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        wentWell: $('#went-well').value,
        didNotGoWell: $('#did-not-go-well').value,
      }),
    });
    if (!res.ok)
      throw new Error((await res.json().catch(() => ({}))).error?.message || res.statusText);
    say(status, t.debriefThanks, 'ok');
    for (const el of $('#debrief').querySelectorAll('textarea, button')) el.disabled = true;
  } catch (error) {
    say(status, t.debriefFailed + error.message, 'error');
  }
});
