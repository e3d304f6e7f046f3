// The action form of the participant console: every action of the manual's vocabulary, with the
// fields and the channel the manual expects marked, and none of it required or checked.
import { $, drillTime, h } from './lib/page.js';

const t = JSON.parse(document.getElementById('page-data').textContent).strings;

function fieldInput(state, field) {
  const id = `field-${field.id}`;
  const label = h(
    'label',
    { for: id },
    field.label,
    field.expected ? h('span', { class: 'expected' }, `(${t.expected})`) : '',
  );
  let input;
  const options = (pairs) => [
    h('option', { value: '' }, '—'),
    ...pairs.map(([v, text]) => h('option', { value: v }, text)),
  ];
  if (field.type === 'grade')
    input = h(
      'select',
      { id, dataset: { field: field.id } },
      options(state.manual.grades.map((g) => [g.id, g.name])),
    );
  else if (field.type === 'role')
    input = h(
      'select',
      { id, dataset: { field: field.id } },
      options(state.manual.roles.map((r) => [r.id, r.name])),
    );
  else if (field.type === 'choice')
    input = h(
      'select',
      { id, dataset: { field: field.id } },
      options((field.options || []).map((o) => [o, o])),
    );
  else
    input = h('input', {
      id,
      dataset: { field: field.id },
      placeholder: field.type === 'duration' ? '10m' : '',
      maxlength: '1000',
    });
  return h('div', { class: 'stack' }, label, input);
}

function drawFor(state) {
  const action = state.actions.get($('#action').value);
  if (!action) return;
  const hint = [];
  if (action.description) hint.push(action.description);
  if (action.channel === 'required') hint.push(t.channelExpected);
  $('#action-hint').textContent = hint.join(' · ');
  $('#fields').replaceChildren(...(action.fields || []).map((f) => fieldInput(state, f)));
}

function drawChannels(state) {
  const select = $('#channel');
  const chosen = select.value;
  select.replaceChildren(
    h('option', { value: '' }, t.channelNone),
    ...state.channels.map((c) =>
      h(
        'option',
        { value: c.id, selected: c.id === chosen },
        `${c.name}${c.state === 'down' ? ` — ${t.channelDown}` : ''}${c.member ? '' : ` (${t.notMember})`}`,
      ),
    ),
  );
}

function drawRefs(state) {
  const select = $('#ref');
  const chosen = select.value;
  const items = [
    ...state.inbox.map((i) => [i.seq, `#${i.seq} ${drillTime(i.t)} ${i.title}`]),
    ...state.tasks.map((x) => [x.seq, `#${x.seq} ${t.task}: ${x.text}`]),
  ].sort((a, b) => b[0] - a[0]);
  select.replaceChildren(
    h('option', { value: '' }, t.refNone),
    ...items.map(([seq, text]) =>
      h('option', { value: String(seq), selected: String(seq) === chosen }, text),
    ),
  );
}

/** Draws the form; with `refresh`, only the parts the drill changes (channel states, answers). */
export function drawActionForm(state, _data, refresh = false) {
  drawChannels(state);
  drawRefs(state);
  if (refresh) return;
  const select = $('#action');
  select.replaceChildren(...state.manual.actions.map((a) => h('option', { value: a.id }, a.name)));
  select.addEventListener('change', () => drawFor(state));
  $('#to').replaceChildren(
    ...state.manual.roles
      .filter((r) => r.id !== state.role)
      .map((r) =>
        h('label', {}, h('input', { type: 'checkbox', value: r.id, name: 'to' }), r.name),
      ),
  );
  drawFor(state);
}

/** The action as the form says it: whatever was filled in, nothing required. */
export function readActionForm(_state) {
  const fields = {};
  for (const el of $('#fields').querySelectorAll('[data-field]'))
    if (el.value.trim()) fields[el.dataset.field] = el.value.trim();
  const to = [...$('#to').querySelectorAll('input:checked')].map((x) => x.value);
  const text = $('#text').value.trim();
  const ref = Number($('#ref').value);
  return {
    action: $('#action').value,
    channel: $('#channel').value || undefined,
    to: to.length ? to : undefined,
    text: text || undefined,
    fields: Object.keys(fields).length ? fields : undefined,
    ref: ref || undefined,
  };
}
