// The evaluator's part of the live console: notes, actions that happened off the platform (for
// a role, at a stated drill time), and verdict overrides with a reason.
import { api } from './lib/api.js';
import { $, h, say, t } from './lib/page.js';

/** `12:30` or `1:02:03` → drill ms; undefined when it is not a time. */
function parseClock(text) {
  const parts = text.trim().split(':').map(Number);
  if (parts.length < 2 || parts.length > 3 || parts.some((n) => !Number.isInteger(n) || n < 0))
    return undefined;
  const [hh, mm, ss] = parts.length === 3 ? parts : [0, ...parts];
  return ((hh * 60 + mm) * 60 + ss) * 1000;
}

async function submit(form, status, call) {
  try {
    const res = await call();
    say(status, `${t.saved}${res.seq})`, 'ok');
    form.reset();
  } catch (error) {
    say(status, t.failed + error.message, 'error');
  }
}

/** Wires the three evaluator forms of the console for drill `id`. */
export function wireEvaluator({ id, def, refreshScore }) {
  const options = (items, none) => [
    ...(none ? [h('option', { value: '' }, none)] : []),
    ...items.map(([v, text]) => h('option', { value: v }, text)),
  ];
  $('#op-role').replaceChildren(...options(def.roles.map((r) => [r.id, r.name])));
  $('#op-action').replaceChildren(...options(def.actions.map((a) => [a.id, a.name])));
  $('#op-channel').replaceChildren(
    ...options(
      def.channels.map((c) => [c.id, c.name]),
      t.opNone,
    ),
  );
  $('#ov-step').replaceChildren(
    ...options(
      def.steps.map((s) => [
        s.step ?? s.id,
        `${s.title} (${def.roles.find((r) => r.id === s.role)?.name || s.role})`,
      ]),
    ),
  );

  $('#note-form').addEventListener('submit', (e) => {
    e.preventDefault();
    submit(e.target, $('#note-status'), () =>
      api('POST', `/api/drills/${id}/notes`, { text: $('#note-text').value }),
    );
  });

  $('#off-platform-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const at = parseClock($('#op-at').value);
    if (at === undefined) {
      say($('#op-status'), `${t.failed}${t.opAt}: mm:ss`, 'error');
      $('#op-at').focus();
      return;
    }
    const text = $('#op-text').value.trim();
    submit(e.target, $('#op-status'), async () => {
      const res = await api('POST', `/api/drills/${id}/off-platform`, {
        role: $('#op-role').value,
        action: $('#op-action').value,
        channel: $('#op-channel').value || undefined,
        text: text || undefined,
        t: at,
        medium: $('#op-medium').value.trim(),
      });
      refreshScore();
      return res;
    });
  });

  $('#override-form').addEventListener('submit', (e) => {
    e.preventDefault();
    submit(e.target, $('#ov-status'), async () => {
      const res = await api('POST', `/api/drills/${id}/overrides`, {
        reason: $('#ov-reason').value,
        target: { step: $('#ov-step').value, verdict: $('#ov-verdict').value },
      });
      refreshScore();
      return res;
    });
  });
}
