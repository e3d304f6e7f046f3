// The roster: people (each person's standby link shown once, when made or re-issued), teams,
// staff accounts (the one-time password shown once) and API tokens (shown once). Lists are drawn
// from the page data and kept up to date from each answer of the API; taking any of it back
// (remove, edit, delete, disable, revoke) is in roster-changes.js.
import { api } from './lib/api.js';
import { shownOnce } from './lib/copy.js';
import './lib/staff-shell.js';
import { $, data, h, localTime, say, t, table } from './lib/page.js';
import { rosterChanges } from './roster-changes.js';

const people = [...data.people];
const teams = [...data.teams];
const accounts = [...data.accounts];
const tokens = [...data.tokens];
const nameOf = (id) => people.find((p) => p.id === id)?.name || id;
const when = (iso) =>
  iso ? h('time', { datetime: iso, title: `${iso} (UTC)` }, localTime(iso)) : '';
const changes = rosterChanges({
  lists: { people, teams, accounts, tokens },
  redraw: () => {
    drawPeople();
    drawTeams();
    drawAccounts();
    drawTokens();
  },
  me: data.me,
});

/** Shows a secret once under a form, and moves focus to it so a screen reader says it. */
function reveal(where, options) {
  const panel = shownOnce({ ...options, words: t });
  $(where).replaceChildren(panel);
  panel.focus();
}

// ------------------------------------------------------------------ lists
/** A name in bold with what else there is to say under it (small), so two or three columns fit a phone. */
const titled = (name, under) =>
  h(
    'span',
    {},
    h('strong', {}, name),
    under ? [h('br'), h('span', { class: 'muted small' }, under)] : '',
  );

/** Draws a list into `where`: a table of `rows` (headings first), or `empty` when there is none. */
function drawList(where, id, items, empty, headings, row) {
  if (!$(where)) return;
  $(where).replaceChildren(
    items.length ? table({ id }, headings, items.map(row)) : h('p', { class: 'muted' }, empty),
  );
}

const reissueButton = (p) =>
  h(
    'button',
    { type: 'button', dataset: { reissue: p.id }, onclick: () => reissue(p) },
    t.reissue,
    h('span', { class: 'sr-only' }, `: ${p.name}`),
  );

function drawPeople() {
  $('#people-count').textContent = `(${people.length})`;
  const details = (p) =>
    [p.email, ...p.webhooks.map((w) => `${t.webhookKinds[w.kind] || w.kind} (${w.host})`)]
      .filter(Boolean)
      .join(' · ');
  drawList(
    '#people',
    'people-table',
    people,
    t.noPeople,
    data.canEdit ? [t.colName, t.colChange] : [t.colName],
    (p) => ({
      props: { dataset: { person: p.id } },
      cells: [
        titled(p.name, details(p)),
        ...(data.canEdit
          ? [h('span', { class: 'cell-links' }, reissueButton(p), changes.personButtons(p))]
          : []),
      ],
    }),
  );
}

function drawTeams() {
  $('#teams-count').textContent = `(${teams.length})`;
  // The buttons go under the members, not in a column of their own: three columns do not fit a phone.
  drawList('#teams', 'teams-table', teams, t.noTeams, [t.colName, t.colMembers], (team) => ({
    props: { dataset: { team: team.id } },
    cells: [
      titled(team.name, team.timeZone),
      h(
        'span',
        {},
        team.members.length ? team.members.map(nameOf).join(', ') : t.none,
        data.canEdit ? changes.teamButtons(team) : '',
      ),
    ],
  }));
  const editing = changes.editing();
  $('#team-members')?.replaceChildren(
    ...people.map((p) =>
      h(
        'label',
        {},
        h('input', {
          type: 'checkbox',
          value: p.id,
          name: 'member',
          checked: editing?.members.includes(p.id),
        }),
        p.name,
      ),
    ),
  );
}

function drawAccounts() {
  const headings = [t.colUsername, t.colCreated, t.colState];
  drawList('#accounts', 'accounts-table', accounts, t.noAccounts, headings, (a) => ({
    props: { dataset: { account: a.username } },
    cells: [
      titled(a.username, t.common.roles[a.role] || a.role),
      when(a.createdAt),
      h(
        'span',
        { class: 'cell-links' },
        a.disabledAt ? t.disabled : a.username === data.me ? `${t.active} (${t.you})` : t.active,
        changes.accountButtons(a),
      ),
    ],
  }));
}

function drawTokens() {
  const headings = [t.colName, t.colCreated, t.colState];
  drawList('#tokens', 'tokens-table', tokens, t.noTokens, headings, (k) => ({
    props: { dataset: { token: k.id } },
    cells: [
      titled(k.name, k.owner && `${t.madeBy} ${k.owner}`),
      h(
        'span',
        {},
        when(k.createdAt),
        h('br'),
        h(
          'span',
          { class: 'muted small' },
          k.lastUsedAt ? [`${t.lastUsed} `, when(k.lastUsedAt)] : t.neverUsed,
        ),
      ),
      h(
        'span',
        { class: 'cell-links' },
        k.revokedAt ? t.revoked : t.active,
        changes.tokenButtons(k),
      ),
    ],
  }));
}

// ------------------------------------------------------------------ forms
/** Wires a form: `send()` builds the request and shows the answer; errors are the server's own. */
function wire(form, status, send) {
  $(form)?.addEventListener('submit', async (e) => {
    e.preventDefault();
    say($(status), t.working);
    try {
      const message = await send();
      say($(status), message || t.added, 'ok');
      $(form).reset();
    } catch (error) {
      say($(status), t.failed + error.message, 'error');
    }
  });
}

let hooks = 0;
function addWebhookRow() {
  const n = ++hooks;
  const row = h(
    'div',
    { class: 'row webhook', dataset: { webhook: n } },
    h(
      'div',
      {},
      h('label', { for: `hook-kind-${n}` }, t.webhookKind),
      h(
        'select',
        { id: `hook-kind-${n}` },
        Object.entries(t.webhookKinds).map(([value, text]) => h('option', { value }, text)),
      ),
    ),
    h(
      'div',
      {},
      h('label', { for: `hook-url-${n}` }, t.webhookUrl),
      h(
        'div',
        { class: 'link-row' },
        h('input', { id: `hook-url-${n}`, type: 'url', placeholder: 'https://' }),
        h('button', { type: 'button', onclick: () => row.remove() }, t.removeWebhook),
      ),
    ),
  );
  $('#webhooks').append(row);
  row.querySelector('select').focus();
}
$('#add-webhook')?.addEventListener('click', addWebhookRow);

wire('#person-form', '#person-status', async () => {
  const webhooks = [...document.querySelectorAll('#webhooks .webhook')]
    .map((row) => ({
      kind: row.querySelector('select').value,
      url: row.querySelector('input').value.trim(),
    }))
    .filter((w) => w.url);
  const res = await api('POST', '/api/people', {
    name: $('#person-name').value.trim(),
    email: $('#person-email').value.trim() || undefined,
    webhooks: webhooks.length ? webhooks : undefined,
  });
  showPerson(res);
  $('#webhooks').replaceChildren();
  drawTeams();
});

/** A person as the API answered (made or re-issued): listed, and their standby link shown once. */
function showPerson({ person, standbyUrl }) {
  const shown = {
    ...person,
    webhooks: (person.webhooks || []).map((w) => ({ kind: w.kind, host: new URL(w.url).host })),
  };
  const at = people.findIndex((p) => p.id === person.id);
  if (at >= 0) people[at] = shown;
  else people.push(shown);
  drawPeople();
  reveal('#person-once', {
    id: 'standby-once',
    label: `${t.standbyFor} ${person.name}`,
    value: standbyUrl,
    note: t.standbyNote,
  });
}

async function reissue(person) {
  if (!confirm(t.confirmReissue.replace('{name}', person.name))) return;
  try {
    showPerson(await api('POST', `/api/people/${encodeURIComponent(person.id)}/standby`));
    say($('#person-status'), '');
  } catch (error) {
    say($('#person-status'), t.failed + error.message, 'error');
  }
}

wire('#team-form', '#team-status', async () => {
  const fields = {
    name: $('#team-name').value.trim(),
    timeZone: $('#team-zone').value.trim() || undefined,
    members: [...document.querySelectorAll('#team-members input:checked')].map((x) => x.value),
  };
  if (changes.editing()) return changes.saveTeam(fields);
  const res = await api('POST', '/api/teams', fields);
  teams.push(res.team);
  drawTeams();
});

wire('#account-form', '#account-status', async () => {
  const res = await api('POST', '/api/accounts', {
    username: $('#account-username').value.trim(),
    role: $('#account-role').value,
  });
  accounts.push(res.account);
  drawAccounts();
  reveal('#account-once', {
    id: 'password-once',
    label: `${t.passwordFor} ${res.account.username}`,
    value: res.password,
    note: t.passwordNote,
  });
});

wire('#token-form', '#token-status', async () => {
  const res = await api('POST', '/api/tokens', { name: $('#token-name').value.trim() });
  tokens.push({ id: res.id, name: res.name, owner: data.me, createdAt: res.createdAt });
  drawTokens();
  reveal('#token-once', {
    id: 'token-once-value',
    label: `${t.tokenFor}: ${res.name}`,
    value: res.token,
    note: t.tokenNote,
  });
});

const zones = $('#zones');
if (zones && Intl.supportedValuesOf)
  zones.replaceChildren(
    ...Intl.supportedValuesOf('timeZone').map((z) => h('option', { value: z })),
  );

drawPeople();
drawTeams();
drawAccounts();
drawTokens();
