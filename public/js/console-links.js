// The facilitator's part of the live console: who is on the drill, in which role, whether their
// join link still works, and a button that takes them off the drill (revokes every link they
// hold; the server closes their console at once).
import { api } from './lib/api.js';
import { $, h, say, t } from './lib/page.js';

/**
 * Draws the drill's assignments with their links' state from `GET /api/drills/:id` (link ids,
 * never tokens) and wires each Revoke button. `isOver()` says whether the drill has ended;
 * `onRevoked()` is called after a revoke (the console redraws who is connected).
 */
export function wireLinks({ id, assignments, roleName, isOver, onRevoked }) {
  const list = $('#assignments');
  if (!list) return { refresh() {} };

  async function revoke(link, who) {
    if (!confirm(t.confirmRevoke.replace('{who}', who))) return;
    try {
      await api('POST', `/api/drills/${id}/links/${encodeURIComponent(link.id)}/revoke`);
      say($('#assignments-status'), t.revokedDone + who, 'ok');
      onRevoked?.();
    } catch (error) {
      say($('#assignments-status'), t.failed + error.message, 'error');
    }
    await refresh();
  }

  function row(a, links) {
    const role = roleName(a.role);
    if (a.bot)
      return h(
        'li',
        { dataset: { role: a.role, bot: 'true' } },
        role,
        h('span', { class: 'pill' }, t.bot),
      );
    const who = a.name || a.person || role;
    const theirs = links.filter((l) => l.personId === a.person && l.role === a.role);
    const open = theirs.find((l) => !l.revokedAt);
    const state = open ? t.linkActive : theirs.length ? t.linkRevoked : t.noLink;
    return h(
      'li',
      { dataset: { role: a.role, person: a.person || '', state: open ? 'active' : 'revoked' } },
      h('span', {}, h('strong', {}, who), h('br'), h('span', { class: 'muted small' }, role)),
      h(
        'span',
        { class: 'cell-links' },
        h('span', { class: `pill ${open ? 'up' : 'down'}` }, state),
        open && !isOver()
          ? h(
              'button',
              { type: 'button', class: 'danger', onclick: () => revoke(open, who) },
              t.revoke,
              h('span', { class: 'sr-only' }, `: ${who}, ${role}`),
            )
          : '',
      ),
    );
  }

  async function refresh() {
    let links = [];
    try {
      links = (await api('GET', `/api/drills/${id}`)).links || [];
    } catch {
      return;
    }
    list.replaceChildren(...assignments.map((a) => row(a, links)));
  }

  refresh();
  return { refresh };
}
