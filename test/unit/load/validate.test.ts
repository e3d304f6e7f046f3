import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { loadLibrary } from '../../../server/load/library.js';
import { type FileProblem, formatPath, formatProblem } from '../../../server/load/problems.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VALID = 'test/fixtures/valid';
const BROKEN = 'test/fixtures/broken';
const VALID_MANUAL = join(ROOT, VALID, 'mini-manual.yaml');

/** Every problem the loader finds in one broken fixture; scenarios find the mini manual. */
async function problemsIn(name: string): Promise<FileProblem[]> {
  const library = await loadLibrary([join(ROOT, BROKEN, name)], {
    cwd: ROOT,
    extraManuals: [VALID_MANUAL],
  });
  return library.problems;
}

interface Expected {
  /** As formatPath prints it, e.g. `steps[3].role`; '' for a problem with the whole file. */
  path: string;
  line: number;
  column: number;
  /** A part of the message that says what is wrong. */
  message: string;
}

/** Asserts that the fixture has exactly one problem, at the expected place. */
async function expectOneProblem(name: string, expected: Expected): Promise<FileProblem> {
  const problems = await problemsIn(name);
  expect(problems.map(formatProblem), `problems in ${name}`).to.have.lengthOf(1);
  const [problem] = problems as [FileProblem];
  expect({
    file: problem.file,
    path: formatPath(problem.path),
    line: problem.line,
    column: problem.column,
  }).to.deep.equal({
    file: `${BROKEN}/${name}`,
    path: expected.path,
    line: expected.line,
    column: expected.column,
  });
  expect(problem.message).to.include(expected.message);
  return problem;
}

describe('loadLibrary()', () => {
  describe('on the valid fixtures', () => {
    it('loads the mini manual and its scenario with no problems', async () => {
      const library = await loadLibrary([join(ROOT, VALID)], { cwd: ROOT });
      expect(library.problems.map(formatProblem)).to.deep.equal([]);
      expect([...library.manuals.keys()]).to.deep.equal(['mini']);
      expect([...library.scenarios.keys()]).to.deep.equal(['mini-checkout-outage']);
      expect(library.manuals.get('mini')?.file).to.equal(`${VALID}/mini-manual.yaml`);
      expect(library.scenarios.get('mini-checkout-outage')?.file).to.equal(
        `${VALID}/mini-scenario.yaml`,
      );
    });

    it('checks a scenario against a manual given in extraManuals', async () => {
      const library = await loadLibrary([join(ROOT, VALID, 'mini-scenario.yaml')], {
        cwd: ROOT,
        extraManuals: [VALID_MANUAL],
      });
      expect(library.problems.map(formatProblem)).to.deep.equal([]);
      expect([...library.scenarios.keys()]).to.deep.equal(['mini-checkout-outage']);
    });
  });

  describe('on broken YAML', () => {
    it('names the line and column of a YAML syntax error', async () => {
      // The flow sequence opened on line 118 is found unclosed where the next key starts.
      await expectOneProblem('bad-yaml-syntax.yaml', {
        path: '',
        line: 119,
        column: 7,
        message: 'invalid YAML: Flow sequence in block collection',
      });
    });

    it('names the line of a key given twice in one mapping', async () => {
      await expectOneProblem('duplicate-yaml-key.yaml', {
        path: '',
        line: 163,
        column: 5,
        message: 'invalid YAML: Map keys must be unique',
      });
    });

    it('rejects a file whose kind is neither manual nor scenario', async () => {
      await expectOneProblem('not-a-drill-file.yaml', {
        path: 'kind',
        line: 2,
        column: 1,
        message: "must be 'manual' or 'scenario'",
      });
    });
  });

  describe('on a manual that breaks its schema', () => {
    it('names a missing required top-level key, placed at the top of the file', async () => {
      await expectOneProblem('missing-top-level-key.yaml', {
        path: 'grading',
        line: 2,
        column: 1,
        message: "missing required key 'grading' (object)",
      });
    });

    it('names the file, path and line of an unknown key', async () => {
      await expectOneProblem('unknown-key.yaml', {
        path: 'steps[7].onlyif',
        line: 195,
        column: 5,
        message: "unknown key 'onlyif'",
      });
    });

    it('names the file, path and line of a value of the wrong type', async () => {
      await expectOneProblem('wrong-type-weight.yaml', {
        path: 'steps[1].weight',
        line: 131,
        column: 5,
        message: "expected number, got string 'heavy'",
      });
    });

    it('names the file, path and line of a bad duration', async () => {
      await expectOneProblem('bad-duration.yaml', {
        path: 'steps[8].within',
        line: 203,
        column: 5,
        message: 'must be a duration such as 90s, 5m, 1h30m or 01:30:00',
      });
    });

    it('names an effect the engine does not know', async () => {
      await expectOneProblem('unknown-effect.yaml', {
        path: 'actions[7].effect',
        line: 101,
        column: 5,
        message: "unknown value 'chat' (expected one of: message, report,",
      });
    });

    it('names a rule kind that does not exist', async () => {
      await expectOneProblem('unknown-rule-kind.yaml', {
        path: 'rules[5].kind',
        line: 236,
        column: 5,
        message: "unknown kind 'required-field' (expected one of: channel, only-roles,",
      });
    });
  });

  describe('on a manual that breaks its cross-references', () => {
    it('names the file, path and line of a duplicate step id', async () => {
      await expectOneProblem('duplicate-step-id.yaml', {
        path: 'steps[7].id',
        line: 186,
        column: 5,
        message: "duplicate step id 'keep-timeline' (first defined at steps[6])",
      });
    });

    it('names the file, path and line of a duplicate field id in an action', async () => {
      await expectOneProblem('duplicate-field-id.yaml', {
        path: 'actions[3].fields[1].id',
        line: 87,
        column: 9,
        message: "duplicate field id 'owner'",
      });
    });

    it('names the file, path and line of an unknown role in a step', async () => {
      await expectOneProblem('unknown-role-in-step.yaml', {
        path: 'steps[2].role',
        line: 136,
        column: 5,
        message: "unknown role 'leed' (known: lead, responder, scribe)",
      });
    });

    it('names the file, path and line of an unknown channel in a step', async () => {
      await expectOneProblem('unknown-channel-in-step.yaml', {
        path: 'steps[3].do.channel',
        line: 148,
        column: 7,
        message:
          "unknown channel 'conference-call' (known: team-chat, backup-chat, bridge, status-page)",
      });
    });

    it('names the file, path and line of an unknown action in a step', async () => {
      await expectOneProblem('unknown-action-in-step.yaml', {
        path: 'steps[6].do.action',
        line: 179,
        column: 7,
        message: "unknown action 'log-entry'",
      });
    });

    it('names the item of a dangling step reference in after', async () => {
      await expectOneProblem('dangling-after.yaml', {
        path: 'steps[5].after[0]',
        line: 173,
        column: 13,
        message: "unknown step 'acknowledge-tsk'",
      });
    });

    it('names a prerequisite cycle and every step on it', async () => {
      await expectOneProblem('prerequisite-cycle.yaml', {
        path: 'steps[1].after',
        line: 132,
        column: 5,
        message: 'prerequisite cycle: declare-incident -> set-first-grade -> declare-incident',
      });
    });

    it('reports a cycle closed by a step anchor once, at that anchor', async () => {
      await expectOneProblem('prerequisite-cycle-via-anchor.yaml', {
        path: 'steps[0].anchor.step',
        line: 120,
        column: 25,
        message: 'prerequisite cycle: report-fault -> declare-incident -> report-fault',
      });
    });

    it('names an anchor on a step that does not say which step', async () => {
      await expectOneProblem('missing-anchor-step.yaml', {
        path: 'steps[1].anchor.step',
        line: 129,
        column: 5,
        message: "an anchor on 'step' needs 'step'",
      });
    });

    it("rejects 'within: task' on a step not anchored on a task", async () => {
      await expectOneProblem('within-task-without-task-anchor.yaml', {
        path: 'steps[3].within',
        line: 151,
        column: 5,
        message: "'within: task' needs an anchor on 'task'",
      });
    });

    it('names a step no role could satisfy because its role is not on the channel', async () => {
      await expectOneProblem('step-role-not-in-channel.yaml', {
        path: 'steps[6].do.channel',
        line: 180,
        column: 7,
        message: "role 'scribe' is not a member of channel 'bridge'",
      });
    });

    it('names an invalid regular expression in a forbidden-content rule', async () => {
      await expectOneProblem('invalid-regex.yaml', {
        path: 'rules[6].patterns[0]',
        line: 243,
        column: 16,
        message: 'not a valid regular expression',
      });
    });

    it('reports every independent error in a file at once', async () => {
      const problems = await problemsIn('many-errors.yaml');
      const file = `${BROKEN}/many-errors.yaml`;
      expect(problems.map(formatProblem)).to.deep.equal([
        `${file}:136:5 steps[2].role: unknown role 'leed' (known: lead, responder, scribe)`,
        `${file}:242:50 rules[6].select.channels[2]: unknown channel 'status' (known: team-chat, backup-chat, bridge, status-page)`,
        `${file}:254:3 grading.authority: unknown role 'boss' (known: lead, responder, scribe)`,
      ]);
    });

    it('rejects an empty duration', async () => {
      await expectOneProblem('empty-duration.yaml', {
        path: 'grading.tolerance',
        line: 255,
        column: 3,
        message: 'must be a duration',
      });
    });

    it('names where a duplicate nested id was first defined as formatPath would', async () => {
      await expectOneProblem('duplicate-field-id.yaml', {
        path: 'actions[3].fields[1].id',
        line: 87,
        column: 9,
        message: 'first defined at actions[3].fields[0]',
      });
    });
  });

  describe('on a broken scenario', () => {
    it('names a manual that does not exist', async () => {
      await expectOneProblem('scenario-unknown-manual.yaml', {
        path: 'manual',
        line: 9,
        column: 1,
        message: "unknown manual 'maxi'",
      });
    });

    it('names an unknown inject in a trigger', async () => {
      await expectOneProblem('scenario-unknown-inject-in-trigger.yaml', {
        path: 'injects[2].when.after.inject',
        line: 62,
        column: 16,
        message: "unknown inject 'chat-outgae' (known: checkout-down, chat-outage, failover)",
      });
    });

    it('names an inject sent to an unknown role', async () => {
      await expectOneProblem('scenario-unknown-role-in-inject.yaml', {
        path: 'injects[1].to[2]',
        line: 54,
        column: 27,
        message: "unknown role 'observer' (known: lead, responder, scribe)",
      });
    });

    it("names an inject that has both 'at' and 'when'", async () => {
      await expectOneProblem('scenario-inject-at-and-when.yaml', {
        path: 'injects[1]',
        line: 50,
        column: 5,
        message: "give exactly one of 'at' and 'when'",
      });
    });

    it('names an expected grade the manual does not define', async () => {
      await expectOneProblem('scenario-unknown-grade.yaml', {
        path: 'expectedGrades[1].grade',
        line: 35,
        column: 5,
        message: "unknown grade 'critical' (known: major, minor)",
      });
    });

    it('names an unknown channel in the effects of an inject by its key', async () => {
      await expectOneProblem('scenario-unknown-channel-in-effects.yaml', {
        path: 'injects[1].effects.channels.pager',
        line: 59,
        column: 19,
        message: "unknown channel 'pager'",
      });
    });

    it('names an unknown starting channel by its key, on its own line', async () => {
      await expectOneProblem('scenario-unknown-start-channel.yaml', {
        path: 'channels.bridg',
        line: 25,
        column: 3,
        message: "unknown channel 'bridg'",
      });
    });
  });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command of the real CLI from the project root, as `npx firedrill` would. */
async function firedrill(entry: string, ...args: string[]): Promise<Run> {
  const nodeArgs = entry.endsWith('.ts') ? ['--import', 'tsx', entry, ...args] : [entry, ...args];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, nodeArgs, { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Partial<Run> & { code?: unknown };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const CLI = 'server/cli/main.ts';

describe('firedrill validate', () => {
  it('exits 1 and prints file:line:column path: message for a broken manual', async () => {
    const run = await firedrill(CLI, 'validate', `${BROKEN}/unknown-role-in-step.yaml`);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr.trim().split('\n')).to.deep.equal([
      `${BROKEN}/unknown-role-in-step.yaml:136:5 steps[2].role: unknown role 'leed' (known: lead, responder, scribe)`,
      '1 problem(s); 0 manual(s), 0 scenario(s) valid',
    ]);
    expect(run.stdout).to.equal('');
  });

  it('prints every problem of a file with several errors', async () => {
    const run = await firedrill(CLI, 'validate', `${BROKEN}/many-errors.yaml`);
    expect(run.code, run.stderr).to.equal(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).to.have.lengthOf(4);
    expect(lines[0]).to.match(
      /^test\/fixtures\/broken\/many-errors\.yaml:136:5 steps\[2\]\.role: /,
    );
    expect(lines[1]).to.match(
      /:242:50 rules\[6\]\.select\.channels\[2\]: unknown channel 'status'/,
    );
    expect(lines[2]).to.match(/:254:3 grading\.authority: unknown role 'boss'/);
    expect(lines[3]).to.equal('3 problem(s); 0 manual(s), 0 scenario(s) valid');
  });

  it('exits 0 and says ok for the valid fixtures', async () => {
    const run = await firedrill(CLI, 'validate', VALID);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.equal('');
    expect(run.stdout.trim()).to.equal('ok: 1 manual(s), 1 scenario(s) valid');
  });

  it('exits 0 on the drills directory, which holds at least one manual and one scenario', async () => {
    const run = await firedrill('bin/firedrill.js', 'validate', 'drills');
    expect(run.code, run.stderr).to.equal(0);
    const counts = /^ok: (\d+) manual\(s\), (\d+) scenario\(s\) valid$/.exec(run.stdout.trim());
    expect(counts, run.stdout).to.not.equal(null);
    const [, manuals, scenarios] = counts as RegExpExecArray;
    expect(Number(manuals), 'drills/manuals holds no valid manual').to.be.greaterThan(0);
    expect(Number(scenarios), 'drills/scenarios holds no valid scenario').to.be.greaterThan(0);
  });
});
