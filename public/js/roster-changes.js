// The roster's undo: remove a person, edit or delete a team, disable or re-enable a staff
// account, revoke an API token. Each one that cannot be taken back asks first; the server's
// refusal (a person still on a drill, the last facilitator) is shown in its own words.
import { api } from './lib/api.js';
import { $, h, say, t } from './lib/page.js';

const named = (text, name) => text.replaceAll('{name}', name);
const path = (kind, id, op = '') => `/api/${kind}/${encodeURIComponent(id)}${op}`;

/** A button that names what it acts on to a screen reader ("Remove: Kim Min-jun"). */
function button(label, what, props, onclick) {
  return h(
    'button',
    { type: 'button', ...props, onclick },
    label,
    h('span', { class: 'sr-only' }, `: ${what}`),
  );
}

/** Puts the keyboard back where it was after a redraw: the same control, else the list's heading. */
function refocus(selector, heading) {
  const again = selector && document.querySelector(selector);
  const target = again || $(heading);
  if (!again) target?.setAttribute('tabindex', '-1');
  target?.focus();
}

/**
 * The undo controls of the roster's lists. `lists` holds the arrays the page draws from (people,
 * teams, accounts, tokens) and `redraw()` draws them all again; `me` is the signed-in username.
 * Returns the buttons each row gets and the team form's edit mode.
 */
export function rosterChanges({ lists, redraw, me }) {
  /** Asks (when `ask`), calls the API, says what happened in `status`, redraws, refocuses. */
  async function run({ ask, status, call, done, focus, heading }) {
    if (ask && !confirm(ask)) return;
    say($(status), t.working);
    try {
      const message = done(await call());
      redraw();
      say($(status), message, 'ok');
      refocus(focus, heading);
    } catch (error) {
      say($(status), t.failed + error.message, 'error');
    }
  }
  const replace = (list, item) => {
    const at = list.findIndex((x) => x.id === item.id);
    if (at >= 0) list[at] = { ...list[at], ...item };
  };
  const drop = (list, id) => {
    const at = list.findIndex((x) => x.id === id);
    if (at >= 0) list.splice(at, 1);
  };

  const removePerson = (p) =>
    run({
      ask: named(t.confirmRemove, p.name),
      status: '#person-status',
      heading: '#h-people',
      call: () => api('DELETE', path('people', p.id)),
      done: () => {
        drop(lists.people, p.id);
        for (const team of lists.teams) team.members = team.members.filter((m) => m !== p.id);
        return named(t.removed, p.name);
      },
    });

  const deleteTeam = (team) =>
    run({
      ask: named(t.confirmDeleteTeam, team.name),
      status: '#team-status',
      heading: '#h-teams',
      call: () => api('DELETE', path('teams', team.id)),
      done: () => {
        drop(lists.teams, team.id);
        if (editing?.id === team.id) stopEditing();
        return named(t.deleted, team.name);
      },
    });

  const toggleAccount = (a) => {
    const disable = !a.disabledAt;
    return run({
      ask: disable ? named(t.confirmDisable, a.username) : undefined,
      status: '#account-status',
      heading: '#h-accounts',
      focus: `[data-toggle-account="${a.id}"]`,
      call: () => api('POST', path('accounts', a.id, disable ? '/disable' : '/enable')),
      done: (res) => {
        replace(lists.accounts, { disabledAt: undefined, disabledBy: undefined, ...res.account });
        // Disabling revoked its tokens on the server: show them revoked here too.
        if (disable)
          for (const k of lists.tokens)
            if (k.owner === a.username && !k.revokedAt) k.revokedAt = res.account.disabledAt;
        return named(disable ? t.disabledDone : t.enabledDone, a.username);
      },
    });
  };

  const revokeToken = (k) =>
    run({
      ask: named(t.confirmRevoke, k.name),
      status: '#token-status',
      heading: '#h-tokens',
      call: () => api('POST', path('tokens', k.id, '/revoke')),
      done: (res) => {
        replace(lists.tokens, res.token);
        return named(t.revokedDone, k.name);
      },
    });

  // ---------------------------------------------------------------- the team form, editing
  let editing;
  const form = $('#team-form');
  const heading = $('#h-add-team');
  const submit = form?.querySelector('button[type="submit"]');
  const cancel = $('#team-cancel');
  cancel?.addEventListener('click', () => {
    stopEditing();
    $('#team-name')?.focus();
  });

  /** Fills the team form with a team; its next submit saves the team instead of adding one. */
  function editTeam(team) {
    editing = team;
    form.reset();
    $('#team-name').value = team.name;
    $('#team-zone').value = team.timeZone;
    for (const box of form.querySelectorAll('#team-members input'))
      box.checked = team.members.includes(box.value);
    heading.textContent = named(t.editTeamHeading, team.name);
    submit.textContent = t.saveTeam;
    cancel.hidden = false;
    say($('#team-status'), '');
    $('#team-name').focus();
  }

  function stopEditing() {
    editing = undefined;
    form?.reset();
    if (heading) heading.textContent = t.addTeam;
    if (submit) submit.textContent = t.addTeamSubmit;
    if (cancel) cancel.hidden = true;
  }

  return {
    personButtons: (p) =>
      button(t.remove, p.name, { class: 'danger', dataset: { remove: p.id } }, () =>
        removePerson(p),
      ),
    teamButtons: (team) =>
      h(
        'div',
        { class: 'cell-links' },
        button(t.editTeam, team.name, { dataset: { edit: team.id } }, () => editTeam(team)),
        button(t.deleteTeam, team.name, { class: 'danger', dataset: { delete: team.id } }, () =>
          deleteTeam(team),
        ),
      ),
    accountButtons: (a) =>
      a.username === me
        ? ''
        : button(
            a.disabledAt ? t.enable : t.disable,
            a.username,
            { class: a.disabledAt ? undefined : 'danger', dataset: { toggleAccount: a.id } },
            () => toggleAccount(a),
          ),
    tokenButtons: (k) =>
      k.revokedAt
        ? ''
        : button(t.revoke, k.name, { class: 'danger', dataset: { revoke: k.id } }, () =>
            revokeToken(k),
          ),
    /** The team being edited, if the form is in edit mode. */
    editing: () => editing,
    /** Saves the team being edited from the form's fields; the form goes back to adding. */
    async saveTeam(fields) {
      const res = await api('PATCH', path('teams', editing.id), fields);
      replace(lists.teams, res.team);
      stopEditing();
      redraw();
      return t.saved;
    },
  };
}
