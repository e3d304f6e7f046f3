// Each role's steps and score in the live console, from the scorecard (GET /api/drills/:id/scorecard).
import { $, h, t } from './lib/page.js';

/** Draws the overall score and, per role, its score and each step's verdict. */
export function drawScores(card) {
  // While the drill runs the score is of what has been judged so far, and says so.
  $('#overall').textContent =
    `${t.score} ${card.score} · ${card.pass ? t.common.pass : t.common.fail}` +
    (card.final ? '' : ` (${t.soFar})`);
  // Keep the roles someone folded away folded (the list is drawn anew after each entry).
  const folded = new Set(
    [...document.querySelectorAll('#scores details:not([open])')].map((d) => d.dataset.role),
  );
  $('#scores').replaceChildren(
    ...card.roles.map((r) => {
      const steps = card.steps.filter((s) => s.role === r.role);
      return h(
        'details',
        { class: 'role-score', dataset: { role: r.role }, open: !folded.has(r.role) },
        h(
          'summary',
          {},
          h('strong', {}, r.name),
          h(
            'span',
            {},
            h('span', { class: `score ${r.pass ? 'pass' : 'fail'}` }, r.score),
            ` ${r.pass ? t.common.pass : t.common.fail}`,
          ),
        ),
        h(
          'ul',
          {},
          steps.map((s) =>
            h(
              'li',
              { dataset: { step: s.step, verdict: s.verdict } },
              s.title,
              h(
                'span',
                { class: `pill verdict-${s.verdict}` },
                t.common.verdicts[s.verdict] || s.verdict,
              ),
            ),
          ),
        ),
      );
    }),
  );
}
