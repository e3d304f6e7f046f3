// What every page shares: its data and strings from the server, element helpers, and times shown
// in the viewer's own time zone.

/** The page's data block (strings under `strings`). */
export const data = JSON.parse(document.getElementById('page-data')?.textContent || '{}');
/** The page's strings: the one place its text comes from. */
export const t = data.strings || {};

/** Creates an element: h('li', { class: 'x', dataset: { a: 1 } }, 'text', child). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/**
 * A table in its scrolling wrapper: column headings, then rows as `{ props, cells }` (a cell is
 * text or an element).
 */
export function table(props, headings, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      props,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headings.map((x) => h('th', { scope: 'col' }, x)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            row.props,
            row.cells.map((c) => h('td', {}, c)),
          ),
        ),
      ),
    ),
  );
}

/** Drill time (ms since the start) as HH:MM:SS. */
export function drillTime(ms) {
  const s = Math.max(0, Math.floor((ms || 0) / 1000));
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A UTC ISO time in the viewer's time zone. */
export function localTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : local.format(d);
}

/** Rewrites every <time datetime> on the page into the viewer's time zone. */
export function localiseTimes(root = document) {
  for (const el of root.querySelectorAll('time[datetime]')) {
    el.textContent = localTime(el.getAttribute('datetime'));
    el.title = `${el.getAttribute('datetime')} (UTC)`;
  }
}

/** Sets a status line's text and tone ('ok', 'error' or none). */
export function say(el, text, tone) {
  if (!el) return;
  el.textContent = text;
  el.classList.toggle('ok', tone === 'ok');
  el.classList.toggle('error', tone === 'error');
}

/** A client id for an action: a resend with the same id is answered, not applied twice. */
export function clientId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}
