/**
 * The HTML report's stylesheet, inlined into the page so the report is one self-contained file
 * (no fonts, images or scripts fetched from anywhere). The print rules keep each small table on
 * one page, never split a row, and repeat a long table's header on every page it spans.
 */
export const REPORT_CSS = `
:root { --ink:#1f2933; --muted:#5a6470; --line:#d5dae0; --band:#f4f6f8; --accent:#1d4e89;
  --ok:#1b5e31; --ok-bg:#e3f3e8; --warn:#7a4300; --warn-bg:#fdf0da; --bad:#b3261e; --bad-bg:#fbe4e2;
  --na:#464e5a; --na-bg:#eceef1; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 13px/1.45 "Helvetica Neue", Helvetica, Arial, "Noto Sans", "Noto Sans CJK KR", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 32px 48px; }
header.cover { border-bottom: 3px solid var(--accent); padding-bottom: 16px; margin-bottom: 20px;
  display: grid; grid-template-columns: 1fr auto; gap: 16px; align-items: end; }
.kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--accent); font-weight: 700; font-size: 11px; margin: 0; }
h1 { font-size: 26px; margin: 4px 0 6px; line-height: 1.2; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line);
  color: var(--accent); break-after: avoid; page-break-after: avoid; }
h3 { font-size: 14px; margin: 14px 0 6px; break-after: avoid; }
.meta { color: var(--muted); margin: 0; }
.meta b { color: var(--ink); font-weight: 600; }
.scorebox { text-align: center; border: 1px solid var(--line); border-radius: 8px; padding: 10px 18px; min-width: 150px; }
.scorebox .score { font-size: 40px; font-weight: 700; line-height: 1; }
.scorebox .of { color: var(--muted); font-size: 12px; }
.result { display: inline-block; margin-top: 6px; padding: 3px 12px; border-radius: 999px; font-weight: 700; letter-spacing: .05em; }
.result.pass { background: var(--ok-bg); color: var(--ok); }
.result.fail { background: var(--bad-bg); color: var(--bad); }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 8px; margin: 8px 0 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; background: var(--band); }
.card .k { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 18px; font-weight: 700; margin-top: 2px; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 4px; font-size: 12px; }
th, td { text-align: left; padding: 5px 7px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--band); font-weight: 600; color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mono, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11px; }
/* A step or rule id never breaks at its hyphens: it is what readers search the manual for. */
.id { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11px; white-space: nowrap; }
tr.occurrence td { color: var(--muted); border-bottom-style: dotted; }
tr.occurrence td:first-child { padding-left: 22px; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 11px; font-weight: 600; white-space: nowrap; }
.v-on_time, .v-right, .v-pass, .v-done { background: var(--ok-bg); color: var(--ok); }
.v-late, .v-pending, .v-in-progress { background: var(--warn-bg); color: var(--warn); }
.v-missed, .v-out_of_order, .v-wrong, .v-fail, .v-open { background: var(--bad-bg); color: var(--bad); }
.v-not_applicable, .v-dropped { background: var(--na-bg); color: var(--na); }
.better { color: var(--ok); font-weight: 600; } .worse { color: var(--bad); font-weight: 600; }
.note { color: var(--muted); font-size: 12px; margin: 4px 0; }
.none { color: var(--muted); font-style: italic; margin: 4px 0; }
.timeline-wrap svg { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
blockquote { margin: 4px 0; padding: 6px 10px; background: var(--band); border-left: 3px solid var(--line); white-space: pre-wrap; }
.debrief { break-inside: avoid; page-break-inside: avoid; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.debrief h3 { margin-top: 0; }
footer .mono { overflow-wrap: anywhere; }
footer { margin-top: 36px; padding-top: 8px; border-top: 1px solid var(--line); color: var(--muted); font-size: 11px; }
ul.summary { margin: 4px 0; padding-left: 18px; font-size: 13.5px; }
ul.summary li { margin: 2px 0; }
.keep { break-inside: avoid; page-break-inside: avoid; }
/* On a narrow screen a wide table scrolls inside its own box, never the whole page. */
.table-wrap { overflow-x: auto; }
.table-wrap:focus-visible { outline: 2px solid var(--accent); }
@media screen and (max-width: 720px) {
  main { padding: 16px 12px 32px; }
  header.cover { grid-template-columns: 1fr; }
  .cards { grid-template-columns: repeat(2, 1fr); }
  h1 { font-size: 21px; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm 16mm; }
  body { font-size: 10.5px; }
  main { max-width: none; padding: 0; }
  h2 { margin-top: 18px; }
  table { font-size: 10px; }
  thead { display: table-header-group; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  .cards { grid-template-columns: repeat(3, 1fr); }
  section.timeline-wrap { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
}
`;
