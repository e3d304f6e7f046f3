import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse } from 'yaml';
import { formatOffset } from '../../../server/domain/duration.js';
import type {
  GradeCheckpoint,
  Occurrence,
  RuleResult,
  Scorecard,
  StepVerdict,
} from '../../../server/domain/scoring/scorecard.js';
import { ROOT } from '../../helpers/drills.js';

const run = promisify(execFile);

const LOGS = 'test/fixtures/logs';
const PANGYO = { log: `${LOGS}/pangyo-fire-perfect.jsonl`, manual: 'kakao' };
const PANGYO_SCENARIO = 'kakao-pangyo-fire';

/** Scores a log with the real CLI in a child process, as a user would, and parses its JSON. */
async function scoreWithCli(
  log: string,
  manual: string,
  scenario: string,
  at?: string,
): Promise<Scorecard> {
  const args = ['--import', 'tsx', 'server/cli/main.ts', 'score', log];
  args.push('--manual', manual, '--scenario', scenario, '--format', 'json');
  if (at !== undefined) args.push('--at', at);
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 32 * 1024 * 1024 });
  return JSON.parse(stdout) as Scorecard;
}

// ------------------------------------------------------------------ expected file (hand-written)

interface ExpectedScoring {
  at?: string;
  final: boolean;
  horizon: string;
  score: number;
  pass: boolean;
  steps: Record<string, { verdict: string; occurrences: Record<string, unknown>[] }>;
  rules: Record<string, { kept: boolean; violations: Record<string, unknown>[] }>;
  grades: Record<string, unknown>[];
  roles: Record<string, { score: number; pass: boolean }>;
  evaluator: { offPlatform: number[]; notes: number[]; overrides: number[] };
}

interface ExpectedFile {
  log: string;
  manual: string;
  scenario: string;
  final: ExpectedScoring;
  live: ExpectedScoring[];
}

const expected = parse(
  await readFile(`${ROOT}${LOGS}/boundaries.expected.yaml`, 'utf8'),
) as ExpectedFile;

// ------------------------------------------------- the scorecard in the expected file's terms

const clock = (ms: number | undefined) => (ms === undefined ? undefined : formatOffset(ms));

/** Drops keys whose value is undefined, so absent and undefined compare equal. */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function occurrenceView(o: Occurrence) {
  return defined({
    verdict: o.verdict,
    deadline: clock(o.deadline),
    doneAt: clock(o.doneAt),
    evidence: o.evidence,
    offPlatform: o.offPlatform ? true : undefined,
  });
}

function stepView(step: StepVerdict) {
  return { verdict: step.verdict, occurrences: step.occurrences.map(occurrenceView) };
}

function ruleView(rule: RuleResult) {
  return {
    kept: rule.kept,
    violations: rule.violations.map((v) =>
      defined({
        role: v.role,
        evidence: v.evidence,
        overridden: v.overridden && { by: v.overridden.by, reason: v.overridden.reason },
      }),
    ),
  };
}

function gradeView(g: GradeCheckpoint) {
  return defined({ at: clock(g.at), expected: g.expected, actual: g.actual, status: g.status });
}

// ------------------------------------------------------------------------------------- tests

describe('hand-written drill logs scored by the firedrill CLI', () => {
  describe('pangyo-fire-perfect.jsonl, a perfect response to kakao-pangyo-fire', () => {
    let card: Scorecard;
    before(async () => {
      card = await scoreWithCli(PANGYO.log, PANGYO.manual, PANGYO_SCENARIO);
    });

    it('is final, scores exactly 100 and passes', () => {
      expect(card.final).to.equal(true);
      expect(card.score).to.equal(100);
      expect(card.pass).to.equal(true);
    });

    it('gives every role and every person 100 and a pass', () => {
      for (const r of [...card.roles, ...card.persons])
        expect({ score: r.score, pass: r.pass }, r.role).to.deep.equal({ score: 100, pass: true });
    });

    it('judges every step and every occurrence on time or not applicable', () => {
      expect(card.steps).to.have.length(28);
      for (const step of card.steps) {
        expect(['on_time', 'not_applicable'], step.step).to.include(step.verdict);
        for (const o of step.occurrences)
          expect(['on_time', 'not_applicable'], `${step.step} #${o.n}`).to.include(o.verdict);
      }
      const applicable = card.steps.filter((s) => s.verdict === 'on_time').map((s) => s.step);
      expect(applicable).to.have.length(27);
      const skipped = card.steps.filter((s) => s.verdict === 'not_applicable').map((s) => s.step);
      expect(skipped).to.deep.equal(['decide-traffic-control']);
    });

    it('keeps every rule', () => {
      for (const rule of card.rules) expect(rule.violations, `rule ${rule.rule}`).to.deep.equal([]);
      expect(card.rules.every((r) => r.kept)).to.equal(true);
    });

    it('finds the grade right at both checkpoints', () => {
      expect(card.grades.map(gradeView)).to.deep.equal([
        { at: '00:12:00', expected: '1', actual: '1', status: 'right' },
        { at: '00:40:30', expected: '2', actual: '2', status: 'right' },
      ]);
    });

    it('marks the acknowledgements taken on the bridge as off-platform, and keeps the note', () => {
      expect(card.evaluator.offPlatform.map((a) => a.seq)).to.deep.equal([18, 46]);
      expect(card.evaluator.offPlatform.every((a) => a.by === 'han.soyoung' && a.medium)).to.equal(
        true,
      );
      expect(card.evaluator.notes.map((n) => n.seq)).to.deep.equal([35]);
      const acks = card.steps.find((s) => s.step === 'acknowledge-task');
      expect(acks?.occurrences.map((o) => Boolean(o.offPlatform))).to.deep.equal([
        true,
        false,
        false,
        true,
      ]);
    });
  });

  const sections: [string, ExpectedScoring][] = [
    ['final (no --at)', expected.final],
    ...expected.live.map((s): [string, ExpectedScoring] => [`--at ${s.at}`, s]),
  ];

  for (const [label, want] of sections) {
    describe(`boundaries.jsonl scored ${label}, against boundaries.expected.yaml`, () => {
      let card: Scorecard;
      before(async () => {
        card = await scoreWithCli(expected.log, expected.manual, expected.scenario, want.at);
      });

      it('is final or live, at the horizon expected', () => {
        expect({ final: card.final, horizon: clock(card.at) }).to.deep.equal({
          final: want.final,
          horizon: want.horizon,
        });
      });

      it('has the overall score and pass expected', () => {
        expect({ score: card.score, pass: card.pass }).to.deep.equal({
          score: want.score,
          pass: want.pass,
        });
      });

      it('lists every step and every rule of the manual in the expected file', () => {
        expect(Object.keys(want.steps)).to.have.members(card.steps.map((s) => s.step));
        expect(Object.keys(want.rules)).to.have.members(card.rules.map((r) => r.rule));
      });

      for (const [id, step] of Object.entries(want.steps)) {
        it(`judges step ${id} ${step.verdict}, occurrence by occurrence`, () => {
          const got = card.steps.find((s) => s.step === id);
          expect(got, `step ${id} is missing from the scorecard`).to.not.equal(undefined);
          expect(stepView(got as StepVerdict), `step ${id}`).to.deep.equal(step);
        });
      }

      for (const [id, rule] of Object.entries(want.rules)) {
        const outcome = rule.kept ? 'kept' : `broken ${rule.violations.length} time(s)`;
        it(`judges rule ${id} ${outcome}`, () => {
          const got = card.rules.find((r) => r.rule === id);
          expect(got, `rule ${id} is missing from the scorecard`).to.not.equal(undefined);
          expect(ruleView(got as RuleResult), `rule ${id}`).to.deep.equal(rule);
        });
      }

      it('judges each grade checkpoint as expected', () => {
        expect(card.grades.map(gradeView), 'grade checkpoints').to.deep.equal(want.grades);
      });

      for (const [role, result] of Object.entries(want.roles)) {
        it(`scores role ${role} ${result.score} and ${result.pass ? 'passes' : 'fails'}`, () => {
          const got = card.roles.find((r) => r.role === role);
          expect(got, `role ${role} is missing from the scorecard`).to.not.equal(undefined);
          expect({ score: got?.score, pass: got?.pass }, `role ${role}`).to.deep.equal(result);
        });
      }

      it('lists the evaluator’s off-platform actions, notes and overrides', () => {
        expect({
          offPlatform: card.evaluator.offPlatform.map((a) => a.seq),
          notes: card.evaluator.notes.map((n) => n.seq),
          overrides: card.evaluator.overrides.map((o) => o.seq),
        }).to.deep.equal(want.evaluator);
      });
    });
  }
});
