// The parts of the participant console drawn whole from the role's state each time it changes:
// the status board, the channels, the decision log. None holds anything focusable.
import { $, data, drillTime, h } from './lib/page.js';
import { roleActions } from './lib/role-state.js';

const t = data.strings;
const roleName = (state, id) => state.manual.roles.find((r) => r.id === id)?.name || id;
const actionName = (state, id) => state.actions.get(id)?.name || id;

/** The status board: services across data centres, and alerts. */
export function drawBoard(state) {
  const dcs = state.dataCentres;
  const table = $('#board');
  table.replaceChildren(
    h('caption', { class: 'sr-only' }, t.board),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t.colService),
        h('th', { scope: 'col' }, t.colState),
        h('th', { scope: 'col' }, t.colDataCentres),
      ),
    ),
    h(
      'tbody',
      {},
      state.services.map((s) =>
        h(
          'tr',
          { dataset: { service: s.id, state: s.state } },
          h('th', { scope: 'row' }, s.name),
          h('td', {}, h('span', { class: `pill ${s.state}` }, t.services[s.state] || s.state)),
          h(
            'td',
            { class: 'dc' },
            s.dataCentres.map((id) => dcs.find((d) => d.id === id)?.name || id).join(', '),
          ),
        ),
      ),
    ),
  );
  const alerts = $('#alerts');
  alerts.replaceChildren();
  if (!state.alerts.length) alerts.append(h('li', { class: 'muted' }, t.noAlerts));
  for (const a of state.alerts)
    alerts.append(
      h(
        'li',
        { dataset: { alert: a.id } },
        h('span', { class: `sev-${a.severity}` }, a.severity.toUpperCase()),
        a.text,
      ),
    );
}

/** Every channel with its state and the messages the role sent or received on it. */
export function drawChannels(state) {
  const box = $('#channels');
  box.replaceChildren(
    ...state.channels.map((c) =>
      h(
        'section',
        {
          class: `channel ${c.state === 'down' ? 'down' : ''}`,
          dataset: { channel: c.id, state: c.state },
          'aria-label': c.name,
        },
        h(
          'h3',
          {},
          c.name,
          h('span', { class: `pill ${c.state}` }, c.state === 'down' ? t.channelDown : t.channelUp),
        ),
        c.member ? '' : h('p', { class: 'muted small' }, t.notMember),
        c.messages.length
          ? h(
              'ol',
              { class: 'messages' },
              c.messages.map((m) =>
                h(
                  'li',
                  { class: m.delivered === false ? 'undelivered' : '', dataset: { seq: m.seq } },
                  h('span', { class: 'muted' }, `${drillTime(m.t)} `),
                  h('strong', {}, roleName(state, m.role)),
                  ` · ${actionName(state, m.action)}`,
                  m.text ? `: ${m.text}` : '',
                  m.delivered === false ? h('em', {}, ` (${t.undelivered})`) : '',
                ),
              ),
            )
          : h('p', { class: 'muted small' }, t.noMessages),
      ),
    ),
  );
}

/** The role's decision log and its tasks. */
export function drawLog(state) {
  const list = $('#log');
  const mine = roleActions(state);
  list.replaceChildren();
  if (!mine.length) list.append(h('li', { class: 'muted' }, t.logEmpty));
  for (const m of mine)
    list.append(
      h(
        'li',
        { dataset: { seq: m.seq } },
        h('span', { class: 'muted' }, `${drillTime(m.t)} #${m.seq} `),
        // Several people may share a role (three operators): say whose it was.
        m.person && data.personId && m.person !== data.personId
          ? h('span', { class: 'badge-colleague' }, `${t.colleague} `)
          : '',
        h('strong', {}, actionName(state, m.action)),
        m.channel ? ` · ${state.channels.find((c) => c.id === m.channel)?.name || m.channel}` : '',
        m.text ? `: ${m.text}` : '',
        Object.keys(m.fields || {}).length
          ? h(
              'span',
              { class: 'muted small' },
              ` (${Object.entries(m.fields)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')})`,
            )
          : '',
        m.delivered === false ? h('em', { class: 'sev-critical' }, ` — ${t.undelivered}`) : '',
      ),
    );
  const tasks = $('#tasks');
  tasks.replaceChildren(
    ...state.tasks.map((x) =>
      h(
        'li',
        { dataset: { task: x.seq } },
        `#${x.seq} ${x.text} — ${t.from} ${roleName(state, x.by)}${x.owner === state.role ? '' : ` → ${roleName(state, x.owner)}`}`,
      ),
    ),
  );
}
