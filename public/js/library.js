// The library: edit or upload a manual or scenario, see the validator's errors at their lines,
// save it, and dry-run a scenario with bots before scheduling it.
import { api } from './lib/api.js';
import './lib/staff-shell.js';
import { $, data, drillTime, h, say, t, table } from './lib/page.js';
import { scenarioPreview } from './lib/scenario-preview.js';

const source = $('#source');
const gutter = $('#gutter');
const status = $('#editor-status');
let bad = new Set();

function drawGutter() {
  const lines = source.value.split('\n').length;
  gutter.replaceChildren(
    ...Array.from({ length: lines }, (_, i) =>
      h('span', { class: bad.has(i + 1) ? 'bad' : '' }, String(i + 1)),
    ).flatMap((el) => [el, '\n']),
  );
  gutter.scrollTop = source.scrollTop;
}
source.addEventListener('input', () => {
  bad = new Set();
  drawGutter();
});
source.addEventListener('scroll', () => {
  gutter.scrollTop = source.scrollTop;
});

/** Puts the caret at a line and column, so an error is one keypress away. */
function goTo(line, column = 1) {
  const lines = source.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(0, column - 1);
  source.focus();
  source.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 18;
  source.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

function drawProblems(problems) {
  bad = new Set(problems.map((p) => p.line).filter(Boolean));
  drawGutter();
  $('#problems').replaceChildren(
    ...problems.map((p) =>
      h(
        'li',
        { dataset: { line: p.line || '' } },
        p.line
          ? h(
              'button',
              { type: 'button', class: 'link', onclick: () => goTo(p.line, p.column) },
              `${t.line} ${p.line}${p.column ? `, ${t.column} ${p.column}` : ''}`,
            )
          : '',
        ` ${p.path?.length ? `${p.path.join('.')}: ` : ''}${p.message}`,
      ),
    ),
  );
}

async function validate() {
  if (!source.value.trim()) return undefined;
  const res = await api('POST', '/api/library/validate', { text: source.value });
  drawProblems(res.problems);
  say(
    status,
    res.ok
      ? `${t.valid}${res.kind} ${res.id} ${res.version}`
      : `${res.problems.length} ${res.problems.length === 1 ? t.invalidOne : t.invalid}`,
    res.ok ? 'ok' : 'error',
  );
  return res;
}

$('#validate').addEventListener('click', () =>
  validate().catch((e) => say(status, t.failed + e.message, 'error')),
);

$('#save')?.addEventListener('click', async () => {
  try {
    const checked = await validate();
    if (!checked?.ok) return;
    const res = await api('POST', '/api/library', { text: source.value });
    say(status, `${t.saved}${res.kind} ${res.id} ${res.version}`, 'ok');
  } catch (e) {
    say(status, t.failed + e.message, 'error');
  }
});

$('#file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  source.value = await file.text();
  drawGutter();
  validate().catch((err) => say(status, t.failed + err.message, 'error'));
});

for (const button of document.querySelectorAll('[data-edit]'))
  button.addEventListener('click', async () => {
    try {
      source.value = await api('GET', `/api/library/${button.dataset.edit}/text`);
      bad = new Set();
      drawProblems([]);
      say(status, button.dataset.edit);
      source.focus();
      source.setSelectionRange(0, 0);
    } catch (e) {
      say(status, t.failed + e.message, 'error');
    }
  });

async function dryRun(body) {
  const box = $('#dry');
  const card = $('#dry-card');
  try {
    const faults = $('#faults').value.trim();
    const res = await api('POST', '/api/library/dry-run', { ...body, faults: faults || undefined });
    box.replaceChildren(
      h(
        'p',
        {},
        h('span', { class: `score ${res.pass ? 'pass' : 'fail'}` }, res.score),
        ` ${t.score} · ${res.pass ? t.common.pass : t.common.fail} · ${res.entries} ${t.entries} · ${drillTime(res.durationMs)} ${t.drillTime}`,
      ),
      table(
        {},
        [t.role, t.score, t.violations],
        res.roles.map((r) => ({
          props: { dataset: { role: r.role } },
          cells: [
            r.name,
            `${r.score} ${r.pass ? t.common.pass : t.common.fail}`,
            String(r.violations),
          ],
        })),
      ),
      h('h3', {}, t.steps),
      h(
        'ul',
        { class: 'plain small' },
        res.steps.map((s) =>
          h(
            'li',
            { dataset: { step: s.step, verdict: s.verdict } },
            `${s.title} `,
            h(
              'span',
              { class: `pill verdict-${s.verdict}` },
              t.common.verdicts[s.verdict] || s.verdict,
            ),
          ),
        ),
      ),
      res.violations.length
        ? h(
            'ul',
            { class: 'plain small' },
            res.violations.map((v) => h('li', {}, h('strong', {}, v.title), ` — ${v.message}`)),
          )
        : '',
    );
    $('#h-dry').textContent =
      `${t.dryRunOf}${body.scenario ?? t.pastedScenario}${faults ? ` (${t.withFaults})` : ''}`;
    card.hidden = false;
    card.focus();
  } catch (e) {
    say(status, t.failed + e.message, 'error');
  }
}

for (const button of document.querySelectorAll('[data-preview]'))
  button.addEventListener('click', async () => {
    try {
      const { scenario } = await api('GET', `/api/library/scenarios/${button.dataset.preview}`);
      $('#h-preview').textContent = t.previewOf + scenario.title;
      $('#preview').replaceChildren(scenarioPreview(scenario, t.common.preview));
      $('#preview-card').hidden = false;
      $('#preview-card').focus();
    } catch (e) {
      say(status, t.failed + e.message, 'error');
    }
  });

for (const button of document.querySelectorAll('[data-dry-run]'))
  button.addEventListener('click', () => dryRun({ scenario: button.dataset.dryRun }));
$('#dry-run-text').addEventListener('click', () => dryRun({ text: source.value }));
drawGutter();
void data;
