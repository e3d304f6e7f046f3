import type { Scorecard } from './scorecard.js';

/**
 * The scorecard as a viewer may see it: scores and verdicts per role, with every trace of who
 * the persons were removed — no per-person scores, and no person on an occurrence, violation or
 * decision. Per-person scores are for facilitators and evaluators only (docs/security.md).
 */
export function withoutPersons(card: Scorecard): Scorecard {
  return {
    ...card,
    persons: [],
    steps: card.steps.map((s) => ({
      ...s,
      occurrences: s.occurrences.map((o) => ({ ...o, persons: [] })),
    })),
    rules: card.rules.map((r) => ({
      ...r,
      violations: r.violations.map(({ person: _person, ...v }) => v),
    })),
    decisions: card.decisions.map(({ person: _person, ...d }) => d),
  };
}
