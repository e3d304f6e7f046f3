import { formatDuration, formatOffset } from '../domain/duration.js';
import type { Metric } from '../domain/scoring/scorecard.js';
import { escapeHtml as esc } from './escape.js';

/** Small HTML building blocks shared by the report pages. Every text argument is escaped here. */

/** A drill time as `HH:MM:SS`, or a dash. */
export const at = (t: number | undefined) => (t === undefined ? '—' : formatOffset(t));

/** A key timing as a short duration, or `never`. */
export const took = (m: Metric | { ms?: number }) =>
  m.ms === undefined ? 'never' : formatDuration(m.ms);

/** Log sequence numbers as `#3 #5`. */
export const seqs = (evidence: readonly number[]) => evidence.map((e) => `#${e}`).join(' ');

/** A coloured label for a verdict, status or result; `value` is also its CSS class. */
export function pill(value: string, text = value.replace(/_/g, ' ')): string {
  return `<span class="pill v-${esc(value)}">${esc(text)}</span>`;
}

/** A table cell; `html` is already safe markup, `text` is escaped. */
export const td = (text: string | number, cls?: string) =>
  `<td${cls ? ` class="${cls}"` : ''}>${esc(String(text))}</td>`;
export const tdHtml = (html: string, cls?: string) =>
  `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;

/**
 * A table with a header row. `rows` are complete `<tr>` strings built from td()/tdHtml().
 * `keep` asks the printer not to split the table across pages (for short tables).
 */
export function table(
  head: readonly (string | { text: string; cls: string })[],
  rows: readonly string[],
  options: { keep?: boolean; empty?: string; cls?: string; label?: string } = {},
): string {
  if (!rows.length) return `<p class="none">${esc(options.empty ?? 'None.')}</p>`;
  const th = head
    .map((h) =>
      typeof h === 'string' ? `<th>${esc(h)}</th>` : `<th class="${h.cls}">${esc(h.text)}</th>`,
    )
    .join('');
  const classes = [options.keep ? 'keep' : '', options.cls ?? ''].filter(Boolean).join(' ');
  // A region that can scroll must be reachable from the keyboard (tabindex) and named.
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(options.label ?? head.map((h) => (typeof h === 'string' ? h : h.text)).join(', '))}"><table${classes ? ` class="${classes}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

/** A report section with its heading; `body` is safe markup; `keep` prints it on one page. */
export function section(
  id: string,
  title: string,
  body: string,
  intro?: string,
  options: { keep?: boolean } = {},
): string {
  return `<section id="${esc(id)}"${options.keep ? ' class="keep"' : ''}><h2>${esc(title)}</h2>${intro ? `<p class="note">${esc(intro)}</p>` : ''}\n${body}\n</section>`;
}

/** A whole self-contained HTML page: inline stylesheet, no external assets, no scripts. */
export function page(title: string, css: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
