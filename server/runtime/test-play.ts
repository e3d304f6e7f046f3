import type { Drill } from '../domain/drill.js';
import type { Problem } from '../domain/problem.js';
import { scoreDrill } from '../domain/scoring/score.js';
import { simulate } from './simulate.js';

/**
 * Plays a scenario with perfect bots in every role. A scenario that perfect participants cannot
 * complete with 100 — a deadline no one could meet, a step whose anchor the scenario never
 * brings, a drill that never ends — is a problem with the scenario (or its manual).
 */
export function testPlay(drill: Drill, seed = 1): Problem[] {
  let log: ReturnType<typeof simulate>;
  try {
    log = simulate(drill, { seed });
  } catch (error) {
    return [
      { path: [], message: `perfect participants cannot finish it: ${(error as Error).message}` },
    ];
  }
  const card = scoreDrill(drill, log);
  if (card.score === 100 && card.pass) return [];
  const failures = [
    ...card.steps
      .filter((s) => !['on_time', 'not_applicable'].includes(s.verdict))
      .map((s) => `step ${s.step} ${s.verdict}`),
    ...card.rules.flatMap((r) => r.violations.map((v) => `rule ${r.rule} broken: ${v.message}`)),
    ...card.grades.filter((g) => g.status === 'wrong').map((g) => `grade checkpoint ${g.n} wrong`),
  ];
  return [
    {
      path: [],
      message: `perfect participants score ${card.score} (${card.pass ? 'pass' : 'fail'}), not 100: ${failures.join('; ')}`,
    },
  ];
}
