// A scenario before it is run: its roles, its injects in order (at a time or on a trigger, to
// whom) and its services, from the server's scenarioPreview (server/http/pages).
import { h, table } from './page.js';

function when(inject, t) {
  if (inject.at) return inject.at;
  const w = inject.when;
  if (!w) return '';
  const trigger = (x) => [x.action, x.inject, x.role].filter(Boolean).join(' · ');
  const delay = w.delay && w.delay !== '0s' ? `${w.delay} ` : '';
  return `${delay}${t.after} ${trigger(w.after)}${w.unless ? `, ${t.unless} ${trigger(w.unless)}` : ''}`;
}

/** The preview as elements; `t` is the `preview` section of the common strings. */
export function scenarioPreview(s, t) {
  const roleName = new Map(s.roles.map((r) => [r.id, r.name]));
  return h(
    'div',
    { class: 'stack' },
    h('h3', {}, t.heading),
    s.description ? h('p', { class: 'small' }, s.description) : '',
    h('h3', {}, t.roles),
    h(
      'ul',
      { class: 'plain small' },
      s.roles.map((r) => h('li', {}, h('strong', {}, r.name), ` — ${r.duties[0] || ''}`)),
    ),
    h('h3', {}, `${t.injects} (${s.injects.length}) · ${t.limit} ${s.limit}`),
    table(
      { class: 'small', id: 'preview-injects' },
      [t.colAt, t.colInject, t.colTo],
      s.injects.map((i) => ({
        props: { dataset: { inject: i.id } },
        cells: [when(i, t), i.title, i.to.map((r) => roleName.get(r) || r).join(', ')],
      })),
    ),
    h('h3', {}, t.services),
    h(
      'ul',
      { class: 'plain small' },
      s.services.map((x) => h('li', {}, `${x.name}: ${x.dataCentres.join(', ')}`)),
    ),
  );
}
