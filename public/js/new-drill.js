// Scheduling a drill: scenario preview, mode, time scale, people per role (bots for the rest),
// then the join links, each with a copy button.
import { api } from './lib/api.js';
import { copyValue } from './lib/copy.js';
import './lib/staff-shell.js';
import { $, data, h, say, t } from './lib/page.js';
import { scenarioPreview } from './lib/scenario-preview.js';

const form = $('#new-drill');
const status = $('#new-drill-status');
const scenarios = new Map(data.scenarios.map((s) => [s.id, s]));
const people = new Map(data.people.map((p) => [p.id, p]));

const current = () => scenarios.get($('#scenario').value);

function drawPreview() {
  const box = $('#preview');
  box.replaceChildren();
  const s = current();
  if (s) box.append(scenarioPreview(s, t.common.preview));
}

function personOptions(selected) {
  const team = data.teams.find((x) => x.id === $('#team').value);
  const ids = team ? team.members : [...people.keys()];
  return [
    h('option', { value: '' }, t.nobody),
    ...ids
      .filter((id) => people.has(id))
      .map((id) => h('option', { value: id, selected: id === selected }, people.get(id).name)),
  ];
}

function personRow(role, index, selected) {
  const id = `person-${role.id}-${index}`;
  const row = h(
    'div',
    { class: 'link-row', dataset: { role: role.id } },
    h('label', { for: id, class: 'sr-only' }, `${t.person} ${index + 1}: ${role.name}`),
    h('select', { id, name: 'person', dataset: { role: role.id } }, personOptions(selected)),
  );
  if (index > 0)
    row.append(
      h(
        'button',
        { type: 'button', onclick: () => row.remove() },
        t.remove,
        h('span', { class: 'sr-only' }, ` ${role.name} ${index + 1}`),
      ),
    );
  return row;
}

function drawRoles() {
  const s = current();
  const box = $('#roles');
  const chosen = [...box.querySelectorAll('select')].map((x) => [x.dataset.role, x.value]);
  box.replaceChildren();
  if (!s) return;
  for (const role of s.roles) {
    const mine = chosen.filter(([r]) => r === role.id).map(([, v]) => v);
    const list = h('div', { class: 'stack', dataset: { roleList: role.id } });
    const rows = mine.length ? mine : [''];
    for (const [i, v] of rows.entries()) list.append(personRow(role, i, v));
    box.append(
      h(
        'fieldset',
        { class: 'stack' },
        h('legend', {}, role.name),
        list,
        h(
          'button',
          { type: 'button', onclick: () => list.append(personRow(role, list.children.length, '')) },
          `${t.addPerson} ${role.name}`,
        ),
      ),
    );
  }
}

for (const radio of form.querySelectorAll('input[name="mode"]'))
  radio.addEventListener('change', () => {
    for (const box of form.querySelectorAll('.when')) box.hidden = box.dataset.for !== radio.value;
  });
// The manual narrows the scenarios to those scored against it.
function filterScenarios() {
  const manual = $('#manual').value;
  const select = $('#scenario');
  for (const option of select.options) option.hidden = option.dataset.manual !== manual;
  if (select.selectedOptions[0]?.hidden)
    select.value = [...select.options].find((o) => !o.hidden)?.value ?? '';
}
$('#manual').addEventListener('change', () => {
  filterScenarios();
  drawPreview();
  drawRoles();
});
filterScenarios();
$('#scenario').addEventListener('change', () => {
  drawPreview();
  drawRoles();
});
$('#team').addEventListener('change', drawRoles);
drawPreview();
drawRoles();

const iso = (value) => (value ? new Date(value).toISOString() : undefined);

function request() {
  const s = current();
  const mode = form.querySelector('input[name="mode"]:checked').value;
  const assignments = [];
  for (const role of s.roles) {
    const picked = [...form.querySelectorAll(`select[data-role="${role.id}"]`)]
      .map((x) => x.value)
      .filter(Boolean);
    if (picked.length) for (const personId of picked) assignments.push({ role: role.id, personId });
    else assignments.push({ role: role.id, bot: true });
  }
  return {
    scenario: s.id,
    title: $('#title').value.trim() || undefined,
    mode,
    at: mode === 'at' ? iso($('#at').value) : undefined,
    window:
      mode === 'surprise'
        ? { from: iso($('#window-from').value), to: iso($('#window-to').value) }
        : undefined,
    timeScale: Number($('#time-scale').value) || 1,
    teamId: $('#team').value || undefined,
    assignments,
  };
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  say(status, t.working);
  try {
    const created = await api('POST', '/api/drills', request());
    const s = current();
    const roleName = new Map(s.roles.map((r) => [r.id, r.name]));
    const list = $('#links');
    list.replaceChildren(
      ...created.links.map((link, i) => {
        const who = `${roleName.get(link.role) || link.role}${link.personId ? ` — ${people.get(link.personId)?.name || ''}` : ''}`;
        const input = h('input', {
          id: `link-${i}`,
          readonly: true,
          value: link.url,
          dataset: { role: link.role, person: link.personId || '' },
        });
        const button = h(
          'button',
          { type: 'button', onclick: () => copyValue(input, button, t) },
          t.copy,
        );
        return h(
          'li',
          {},
          h('label', { for: `link-${i}` }, `${t.linkFor} ${who}`),
          h('div', { class: 'link-row' }, input, button),
        );
      }),
    );
    const bots = created.drill.assignments
      .filter((a) => a.bot)
      .map((a) => roleName.get(a.role) || a.role);
    $('#bots-play').textContent = bots.length ? t.botsPlay + bots.join(', ') : '';
    $('#not-yet').hidden = created.drill.status !== 'scheduled';
    $('#open-console').href = `/drills/${created.drill.id}`;
    say(status, '');
    form.hidden = true;
    $('#created').hidden = false;
    $('#created').focus();
  } catch (error) {
    say(status, t.failed + error.message, 'error');
  }
});
