import { expect } from 'chai';
import { compileDrill, type Drill } from '../../../server/domain/drill.js';
import { scoreDrill } from '../../../server/domain/scoring/score.js';
import type { Scorecard } from '../../../server/domain/scoring/scorecard.js';
import type { Fault } from '../../../server/runtime/bots/faults.js';
import { simulate } from '../../../server/runtime/simulate.js';
import { testPlay } from '../../../server/runtime/test-play.js';
import { bundledLibrary, drillOf } from '../../helpers/drills.js';

/** What a scorecard says went wrong: step occurrences, violations and checkpoints, literally. */
function faultsFound(card: Scorecard) {
  return {
    steps: card.steps.flatMap((s) =>
      s.occurrences
        .filter((o) => !['on_time', 'not_applicable'].includes(o.verdict))
        .map((o) => `${s.step}#${o.n} ${o.verdict} [${o.evidence.join(',')}]`),
    ),
    rules: card.rules.flatMap((r) =>
      r.violations.map((v) => `${r.rule}#${v.n} ${v.role} [${v.evidence.join(',')}]`),
    ),
    grades: card.grades
      .filter((g) => g.status === 'wrong')
      .map(
        (g) => `#${g.n} expected ${g.expected} got ${g.actual ?? 'none'} [${g.evidence.join(',')}]`,
      ),
  };
}

describe('bots', () => {
  describe('perfect participants', () => {
    it('score 100 and pass on every bundled scenario, with two seeds each', async () => {
      const library = await bundledLibrary();
      expect(library.scenarios.size).to.be.at.least(4);
      for (const [id, scenario] of library.scenarios) {
        const manual = library.manuals.get(scenario.value.manual);
        if (!manual) throw new Error(`no manual for ${id}`);
        const drill = compileDrill(manual.value, scenario.value);
        for (const seed of [1, 2]) {
          const card = scoreDrill(drill, simulate(drill, { seed }));
          expect(faultsFound(card), `${id} seed ${seed}`).to.deep.equal({
            steps: [],
            rules: [],
            grades: [],
          });
          expect([card.score, card.pass, card.final], `${id} seed ${seed}`).to.deep.equal([
            100,
            true,
            true,
          ]);
        }
      }
    });

    it('play a whole 2-hour-limit drill in well under a second of real time', async () => {
      const drill = await drillOf(bundledLibrary(), 'kakao-pangyo-fire');
      const started = performance.now();
      const log = simulate(drill, { seed: 3 });
      const elapsed = performance.now() - started;
      expect(log.at(-1)?.type).to.equal('ended');
      expect(log.at(-1)?.t).to.be.greaterThan(30 * 60_000);
      // A sanity bound, not a benchmark: the point is virtual time, not speed.
      expect(elapsed).to.be.lessThan(5_000);
    });

    it('make validate reject a scenario no one could complete perfectly', async () => {
      const drill = await drillOf(bundledLibrary(), 'kakao-pangyo-fire');
      const squeezed = compileDrill(drill.manual, {
        ...drill.scenario,
        end: { ...drill.scenario.end, limit: '2m30s' },
      });
      const problems = testPlay(squeezed);
      expect(problems).to.have.lengthOf(1);
      expect(problems[0]?.message).to.match(
        /^perfect participants score \d+(\.\d)? \(fail\), not 100: step /,
      );
    });
  });

  describe('with a fault, on kakao-pangyo-fire, seed 1', () => {
    let drill: Drill;
    before(async () => {
      drill = await drillOf(bundledLibrary(), 'kakao-pangyo-fire');
    });
    const run = (...faults: Fault[]) => scoreDrill(drill, simulate(drill, { seed: 1, faults }));

    it('late by 10m: declares late, and the grade is not right by the first checkpoint', () => {
      const card = run({ kind: 'late', step: 'declare-incident', by: '10m' });
      expect(faultsFound(card)).to.deep.equal({
        steps: ['declare-incident#1 late [5,9]'],
        rules: [],
        grades: ['#1 expected 1 got none []'],
      });
      expect(card.score).to.be.lessThan(100);
      expect(card.roles.find((r) => r.role === 'control-tower')?.pass).to.equal(false);
    });

    it('skip a step: the dashboard is never opened', () => {
      const card = run({ kind: 'skip', step: 'open-dashboard' });
      expect(faultsFound(card)).to.deep.equal({
        steps: ['open-dashboard#1 missed [6]'],
        rules: [],
        grades: [],
      });
      expect(card.score).to.equal(97.2);
    });

    it('wrong channel: external notices on the secondary messenger break the channel rule', () => {
      const card = run({
        kind: 'wrong-channel',
        step: 'notify-externally',
        channel: 'secondary-messenger',
      });
      const found = faultsFound(card);
      expect(found.rules).to.deep.equal([
        'external-notices-on-status-page#1 operations-lead [17]',
        'external-notices-on-status-page#2 operations-lead [28]',
        'external-notices-on-status-page#3 operations-lead [35]',
        'external-notices-on-status-page#4 operations-lead [48]',
        'external-notices-on-status-page#5 operations-lead [58]',
      ]);
      expect(found.steps).to.include('notify-externally#2 missed [27]');
      expect(card.score).to.be.lessThan(100);
    });

    it('act without instruction: a task reported done with no task to refer to', () => {
      const card = run({ kind: 'act-without-instruction', role: 'operator' });
      expect(faultsFound(card)).to.deep.equal({
        steps: [],
        rules: ['operators-work-under-instruction#1 operator [3]'],
        grades: [],
      });
      expect(card.score).to.equal(95);
    });

    it('speak out of role: the Communicator posts an external notice', () => {
      const card = run({
        kind: 'speak-out-of-role',
        role: 'communicator',
        action: 'post-external-notice',
      });
      expect(faultsFound(card)).to.deep.equal({
        steps: [],
        rules: ['only-operations-lead-speaks-externally#1 communicator [4]'],
        grades: [],
      });
      expect(card.roles.find((r) => r.role === 'communicator')?.pass).to.equal(false);
    });

    it('promise an ETA: every external notice promises a resolution time', () => {
      const card = run({ kind: 'promise-eta', role: 'operations-lead' });
      expect(faultsFound(card).rules).to.deep.equal([
        'no-promised-resolution-time#1 operations-lead [17]',
        'no-promised-resolution-time#2 operations-lead [28]',
        'no-promised-resolution-time#3 operations-lead [35]',
        'no-promised-resolution-time#4 operations-lead [48]',
        'no-promised-resolution-time#5 operations-lead [56]',
      ]);
      expect(card.score).to.equal(75);
    });

    it('wrong grade: both grade checkpoints are wrong', () => {
      const card = run({ kind: 'wrong-grade' });
      expect(faultsFound(card)).to.deep.equal({
        steps: [],
        rules: [],
        grades: ['#1 expected 1 got 3 [26]', '#2 expected 2 got 3 [43]'],
      });
      expect(card.score).to.equal(80);
    });

    it('never acknowledge: every page and task goes unanswered', () => {
      const card = run({ kind: 'never-acknowledge', role: 'operator' });
      expect(faultsFound(card)).to.deep.equal({
        steps: [
          'acknowledge-page#1 missed [2]',
          'acknowledge-task#1 missed [6]',
          'acknowledge-task#2 missed [17]',
          'acknowledge-task#3 missed [27]',
          'acknowledge-task#4 missed [36]',
        ],
        rules: [
          'tasks-acknowledged#1 operator [6]',
          'tasks-acknowledged#2 operator [17]',
          'tasks-acknowledged#3 operator [27]',
          'tasks-acknowledged#4 operator [36]',
          'pages-acknowledged#1 operator [2]',
        ],
        grades: [],
      });
      expect(card.score).to.equal(69.4);
    });

    it('combines faults: each leaves its own mark', () => {
      const card = run(
        { kind: 'skip', step: 'open-dashboard' },
        { kind: 'speak-out-of-role', role: 'communicator', action: 'post-external-notice' },
      );
      const found = faultsFound(card);
      // The extra notice shifts the sequence numbers by one from the single-fault runs.
      expect(found.steps).to.deep.equal(['open-dashboard#1 missed [7]']);
      expect(found.rules).to.have.lengthOf(1);
      expect(found.rules[0]).to.match(/^only-operations-lead-speaks-externally#1 communicator /);
    });
  });
});
