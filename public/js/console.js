// The live console for facilitators and evaluators: the timeline as it happens (staff socket),
// each role's steps and score forming (GET /api/drills/:id/scorecard), who is connected, channel
// and service state, the facilitator's controls and the evaluator's notes, off-platform actions
// and overrides.
import { api } from './lib/api.js';
import { liveSocket } from './lib/live-socket.js';
import './lib/staff-shell.js';
import { wireEvaluator } from './console-evaluator.js';
import { wireLinks } from './console-links.js';
import { drawScores } from './console-score.js';
import { describeEntry } from './console-timeline.js';
import { $, data, drillTime, h, say, t } from './lib/page.js';

const def = data.definition;
const id = data.drill.id;
const names = {
  role: new Map(def.roles.map((r) => [r.id, r.name])),
  channel: new Map(def.channels.map((c) => [c.id, c.name])),
  action: new Map(def.actions.map((a) => [a.id, a.name])),
  person: new Map(data.assignments.filter((a) => a.person).map((a) => [a.person, a.name])),
};
const world = structuredClone(data.state);
let status = data.drill.status;
let socket;

// ------------------------------------------------------------------ clock
let clock = { t: data.live?.t ?? world.t, at: performance.now(), running: status === 'running' };
const nowT = () =>
  clock.running ? clock.t + (performance.now() - clock.at) * (data.drill.timeScale || 1) : clock.t;
setInterval(() => {
  $('#clock').textContent = drillTime(nowT());
}, 500);
$('#clock').textContent = drillTime(nowT());

// ------------------------------------------------------------------ world
function applyEffects(effects) {
  if (!effects) return;
  Object.assign(world.services, effects.services || {});
  Object.assign(world.channels, effects.channels || {});
  const cleared = new Set(effects.clearAlerts || []);
  const raised = effects.raiseAlerts || [];
  const ids = new Set(raised.map((a) => a.id));
  world.alerts = [...world.alerts.filter((a) => !cleared.has(a.id) && !ids.has(a.id)), ...raised];
}

function drawWorld() {
  $('#channels').replaceChildren(
    ...def.channels.map((c) => {
      const s = world.channels[c.id] || 'up';
      return h(
        'li',
        { dataset: { channel: c.id, state: s } },
        c.name,
        h('span', { class: `pill ${s}` }, s === 'down' ? t.channelDown : t.channelUp),
      );
    }),
  );
  $('#services').replaceChildren(
    ...def.services.map((x) => {
      const s = world.services[x.id] || x.state;
      return h(
        'li',
        { dataset: { service: x.id, state: s } },
        h(
          'span',
          {},
          x.name,
          h('br'),
          h('span', { class: 'muted small' }, x.dataCentres.join(', ')),
        ),
        h('span', { class: `pill ${s}` }, s),
      );
    }),
  );
  const alerts = $('#alerts');
  alerts.replaceChildren(
    ...world.alerts.map((a) =>
      h(
        'li',
        { class: 'small' },
        h('span', { class: `sev-${a.severity}` }, `${a.severity.toUpperCase()} `),
        a.text,
      ),
    ),
  );
  if (!world.alerts.length) alerts.append(h('li', { class: 'muted' }, t.noAlerts));
}

function drawStatus() {
  const el = $('#drill-status');
  el.textContent = t.common.status[status] || status;
  el.className = `pill status-${status}`;
  const over = status === 'ended' || status === 'aborted';
  $('#report-link').hidden = !over;
  for (const b of document.querySelectorAll('#controls button')) {
    const op = b.dataset.op;
    b.disabled =
      over || (op === 'pause' && status !== 'running') || (op === 'resume' && status !== 'paused');
  }
}

// ------------------------------------------------------------------ timeline
const undelivered = (e) => e.type === 'action' && e.channel && world.channels[e.channel] === 'down';

function addEntry(e) {
  if (document.querySelector(`#timeline li[data-seq="${e.seq}"]`)) return;
  // Whether an action reached anyone depends on the channel's state when it was said.
  const lost = undelivered(e);
  if (e.type === 'inject-delivered' && !e.adHoc) applyEffects(def.injects[e.inject]?.effects);
  if (e.type === 'channel-changed') world.channels[e.channel] = e.state;
  if (e.type === 'paused') status = e.reason === 'real-incident' ? 'stopped' : 'paused';
  if (e.type === 'resumed') status = 'running';
  if (e.type === 'ended') status = e.reason === 'aborted' ? 'aborted' : 'ended';
  clock = { t: Math.max(nowT(), e.t), at: performance.now(), running: status === 'running' };
  $('#timeline').append(
    h(
      'li',
      {
        class: `${e.type}${lost ? ' undelivered' : ''}`,
        dataset: {
          seq: e.seq,
          type: e.type,
          role: e.role || '',
          action: e.action || '',
          channel: e.channel || '',
        },
      },
      h('span', { class: 't' }, drillTime(e.t)),
      h(
        'span',
        {},
        h('span', { class: 'kind' }, `#${e.seq} ${t.entry[e.type] || e.type}`),
        describeEntry(e, names, def),
        lost ? h('em', { class: 'sev-critical' }, ` — ${t.undelivered}`) : '',
      ),
    ),
  );
  const list = $('#timeline');
  list.scrollTop = list.scrollHeight;
}

// ------------------------------------------------------------------ score and connections
let scoreTimer;
function refreshScore() {
  clearTimeout(scoreTimer);
  scoreTimer = setTimeout(drawScore, 250);
}

async function drawScore() {
  try {
    drawScores(await api('GET', `/api/drills/${id}/scorecard`));
  } catch {
    // No log yet (not started): nothing to score.
  }
}

async function drawConnected() {
  if (!data.live || status === 'ended' || status === 'aborted') return;
  let live;
  try {
    live = (await api('GET', `/api/drills/${id}`)).live;
  } catch {
    return;
  }
  // The server's drill time now corrects the page's running estimate.
  if (live) clock = { t: live.t, at: performance.now(), running: status === 'running' };
  const list = $('#connected');
  const conns = live?.connected || [];
  list.replaceChildren(
    ...conns.map((c) =>
      h(
        'li',
        { dataset: { role: c.role || '', staff: String(c.staff) } },
        c.staff
          ? `${c.person} (${t.staff})`
          : `${names.role.get(c.role) || c.role}${c.person && names.person.get(c.person) ? ` — ${names.person.get(c.person)}` : ''}`,
      ),
    ),
  );
  const bots = data.assignments.filter((a) => a.bot).map((a) => names.role.get(a.role) || a.role);
  if (bots.length) list.append(h('li', { class: 'muted' }, `${t.bots}: ${bots.join(', ')}`));
  if (!conns.length && !bots.length) list.append(h('li', { class: 'muted' }, t.nobodyConnected));
}

// ------------------------------------------------------------------ controls
for (const button of document.querySelectorAll('#controls button'))
  button.addEventListener('click', async () => {
    const op = button.dataset.op;
    if (op === 'abort' && !confirm(t.confirmAbort)) return;
    try {
      await api('POST', `/api/drills/${id}/${op}`);
      say($('#controls-status'), '');
    } catch (error) {
      say($('#controls-status'), t.failed + error.message, 'error');
    }
  });

for (const button of document.querySelectorAll('[data-schedule-op]'))
  button.addEventListener('click', async () => {
    const op = button.dataset.scheduleOp;
    if (op === 'end' && !confirm(t.confirmCancel)) return;
    try {
      await api('POST', `/api/drills/${id}/${op}`);
      location.reload();
    } catch (error) {
      say($('#scheduled-status'), t.failed + error.message, 'error');
    }
  });

const injectForm = $('#inject-form');
if (injectForm) {
  $('#inject-roles').replaceChildren(
    ...def.roles.map((r) => h('label', {}, h('input', { type: 'checkbox', value: r.id }), r.name)),
  );
  injectForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const to = [...injectForm.querySelectorAll('#inject-roles input:checked')].map((x) => x.value);
    try {
      const res = await api('POST', `/api/drills/${id}/inject`, {
        to,
        title: $('#inject-title').value,
        text: $('#inject-text').value,
      });
      say($('#inject-status'), `${t.saved}${res.seq})`, 'ok');
      injectForm.reset();
    } catch (error) {
      say($('#inject-status'), t.failed + error.message, 'error');
    }
  });
}

wireEvaluator({ id, def, refreshScore });
const links = wireLinks({
  id,
  assignments: data.assignments,
  roleName: (role) => names.role.get(role) || role,
  isOver: () => status === 'ended' || status === 'aborted',
  onRevoked: drawConnected,
});

// ------------------------------------------------------------------ start
drawWorld();
drawStatus();
drawScore();
drawConnected();
setInterval(drawConnected, 5000);

function onEntry(e) {
  addEntry(e);
  drawWorld();
  drawStatus();
  refreshScore();
  if (status === 'ended' || status === 'aborted') {
    socket?.close();
    links.refresh();
  } else drawConnected();
}

if (data.socket) {
  // The socket replays the whole log from the start (lastSeq 0): the world is rebuilt from it.
  Object.assign(world, structuredClone(def.start));
  socket = liveSocket(
    data.socket,
    {
      onEvent: onEntry,
      onState(s) {
        $('#banner').hidden = s === 'open';
      },
    },
    { lastSeq: 0 },
  );
} else if (data.role !== 'viewer') {
  api('GET', `/api/drills/${id}/log`)
    .then((text) => {
      const replay = structuredClone(world);
      Object.assign(world, structuredClone(def.start));
      for (const line of String(text).split('\n')) if (line.trim()) addEntry(JSON.parse(line));
      Object.assign(world, replay);
      drawWorld();
    })
    .catch(() => undefined);
}
