import { expect } from 'chai';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { scoreDrill } from '../../../server/domain/scoring/score.js';
import { generateImprovements, mergeImprovements } from '../../../server/reports/improvements.js';
import { type Fixture, loadFixture } from './golden-cases.js';

describe('improvement items', () => {
  let f: Fixture;
  before(async () => {
    f = await loadFixture();
  });

  it('generates one per failed step, broken rule and wrong grade checkpoint, with the evidence', () => {
    const items = generateImprovements(f.drill, f.faulty.card);
    expect(items.map((i) => [i.id, i.evidence])).to.deep.equal([
      ['step:report-failure', [2, 6]],
      ['step:open-dashboard', [8]],
      ['rule:nothing-on-failed-primary', [9]],
      ['rule:only-operations-lead-speaks-externally', [4]],
      ['rule:no-promised-resolution-time', [20, 21, 32, 43, 52, 55, 64, 66]],
      ['grade:1', [26]],
    ]);
    expect(items[1]?.observation).to.equal(
      'Communicator: "Create the incident dashboard" was missed — never done, due by 00:13:44.',
    );
    expect(generateImprovements(f.drill, f.perfect.card)).to.deep.equal([]);
  });

  it('generates none for a verdict an evaluator overrode or a violation dismissed', () => {
    const last = f.faulty.log.at(-1) as LogEntry;
    const overrides: LogEntry[] = [
      {
        seq: 100,
        t: last.t,
        type: 'override',
        by: 'eve',
        reason: 'dashboard made on paper',
        target: { step: 'open-dashboard', verdict: 'on_time' },
      },
      {
        seq: 101,
        t: last.t,
        type: 'override',
        by: 'eve',
        reason: 'agreed wording',
        target: { rule: 'only-operations-lead-speaks-externally', violation: 1, verdict: 'kept' },
      },
    ];
    const card = scoreDrill(f.drill, [...f.faulty.log.slice(0, -1), ...overrides, last]);
    const ids = generateImprovements(f.drill, card).map((i) => i.id);
    expect(ids).to.not.include('step:open-dashboard');
    expect(ids).to.not.include('rule:only-operations-lead-speaks-externally');
    expect(ids).to.include('step:report-failure');
  });

  it('lays edits over the generated items and keeps items added by hand', () => {
    const merged = mergeImprovements(generateImprovements(f.drill, f.faulty.card), [
      { id: 'grade:1', owner: 'Lee Seo-yeon', status: 'done' },
      { id: 'custom:1', observation: 'No bridge number.' },
    ]);
    expect(merged.find((i) => i.id === 'grade:1')).to.include({
      owner: 'Lee Seo-yeon',
      status: 'done',
      generated: false,
    });
    expect(merged.find((i) => i.id === 'step:open-dashboard')).to.include({
      status: 'open',
      generated: true,
    });
    expect(merged.at(-1)).to.deep.equal({
      id: 'custom:1',
      concerns: { kind: 'other', id: '', title: '' },
      observation: 'No bridge number.',
      recommendation: '',
      status: 'open',
      evidence: [],
      generated: false,
    });
  });
});
