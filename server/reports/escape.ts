/**
 * Escaping for the report formats. Every free-text value that reaches a report (a step title,
 * a participant's debrief, an evaluator's note, a facilitator's improvement item) goes through
 * one of these; nothing is ever concatenated raw into markup or a spreadsheet.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML and XML (SVG) content and double- or single-quoted attribute values.
 * Characters XML 1.0 forbids (C0 controls other than tab, newline, CR) are dropped, so an SVG
 * built from hostile text is still well-formed.
 */
export function escapeHtml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)
  );
}

/** Cells a spreadsheet would read as a formula (or a DDE command) start with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, and defused when
 * a spreadsheet would take it for a formula: a leading `=`, `+`, `-`, `@`, tab or carriage
 * return gets a `'` in front (OWASP's advice for CSV injection), so `=HYPERLINK(...)` shows as
 * text. Numbers are written as numbers; a negative number is not text and is left alone.
 */
export function csvCell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row, CRLF-terminated as RFC 4180 asks. */
export function csvRow(cells: readonly (string | number | boolean | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Text for Markdown (a table cell or a line): angle brackets escaped so that no inline HTML a
 * wiki would render survives, pipes escaped, line breaks flattened. Quotes and ampersands are
 * left as typed, so the text still reads well in the raw Markdown.
 */
export function mdCell(text: string): string {
  return text
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, ' ');
}
