import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Fixture, GOLDEN_DIR, goldenFiles, loadFixture } from './golden-cases.js';

describe('report goldens (test/fixtures/golden, rewritten only by `npm run goldens`)', () => {
  let f: Fixture;
  let files: Record<string, string>;
  before(async () => {
    f = await loadFixture();
    files = goldenFiles(f);
  });

  it('has a golden file for every file the renderers produce, and no stray one', async () => {
    const stored = (await readdir(GOLDEN_DIR)).sort();
    expect(stored).to.deep.equal(Object.keys(files).sort());
  });

  it('renders every format byte for byte as its golden file', async () => {
    for (const [name, text] of Object.entries(files)) {
      const golden = await readFile(join(GOLDEN_DIR, name), 'utf8');
      expect(
        text === golden,
        `${name} differs from its golden file: run npm run goldens and read the diff`,
      ).to.equal(true);
    }
  });

  it('gives the same bytes when rendered twice from the same inputs', () => {
    expect(goldenFiles(f)).to.deep.equal(files);
  });

  it("puts the faulty drill's named verdicts in every format", () => {
    // The faulty log: report-failure late, open-dashboard missed, three rules broken, one grade wrong.
    const card = f.faulty.card;
    expect(card.steps.find((s) => s.step === 'report-failure')?.verdict).to.equal('late');
    expect(card.steps.find((s) => s.step === 'open-dashboard')?.verdict).to.equal('missed');
    const html = files['pangyo-fire-faulty.html'] ?? '';
    expect(html).to.include('data-step="report-failure" data-verdict="late"');
    expect(html).to.include('data-step="open-dashboard" data-verdict="missed"');
    for (const rule of [
      'no-promised-resolution-time',
      'only-operations-lead-speaks-externally',
      'nothing-on-failed-primary',
    ])
      expect(html).to.include(`data-rule="${rule}"`);
    const csv = files['pangyo-fire-faulty.csv'] ?? '';
    expect(csv).to.match(/,step,report-failure,1,[^\r]*,late,00:07:00,00:08:19,#2 #6,/);
    expect(csv).to.match(/,step,open-dashboard,1,[^\r]*,missed,00:13:44,,#8,/);
    expect(csv).to.match(/,violation,no-promised-resolution-time,8,/);
    expect(csv).to.match(/,grade,grade-checkpoint-1,1,[^\r]*,wrong,/);
    const md = files['pangyo-fire-faulty.md'] ?? '';
    expect(md).to.include('| report-failure | operator | late | 00:07:00 | 00:08:19 | #2 #6 |');
    expect(md).to.include('| open-dashboard | communicator | missed | 00:13:44 | — | #8 |');
    expect(md).to.include('**Score 34.4 — FAIL**');
    const json = JSON.parse(files['pangyo-fire-faulty.json'] ?? '{}');
    expect(json.reportVersion).to.equal(1);
    expect(json.generatedAt).to.equal('2026-01-05T09:00:00.000Z');
    expect(json.scorecard.score).to.equal(34.4);
    expect(json.improvements.map((i: { id: string }) => i.id)).to.deep.equal([
      'step:report-failure',
      'step:open-dashboard',
      'rule:nothing-on-failed-primary',
      'rule:only-operations-lead-speaks-externally',
      'rule:no-promised-resolution-time',
      'grade:1',
      'custom:bridge',
    ]);
    expect(json.comparison.scoreDelta).to.equal(-65.6);
  });

  it('has nothing to improve and every step on time or not applicable in the perfect drill', () => {
    const json = JSON.parse(files['pangyo-fire-perfect.json'] ?? '{}');
    expect(json.scorecard.score).to.equal(100);
    expect(json.improvements).to.deep.equal([]);
    const verdicts = [
      ...(files['pangyo-fire-perfect.html'] ?? '').matchAll(/data-verdict="([^"]+)"/g),
    ].map((m) => m[1]);
    expect(verdicts).to.have.length(f.perfect.card.steps.length);
    expect(new Set(verdicts)).to.deep.equal(new Set(['on_time', 'not_applicable']));
    expect(files['pangyo-fire-perfect.html']).to.not.include('data-rule=');
  });

  it("leaves persons out of the viewer's copy, names and owners included", () => {
    const viewer = files['pangyo-fire-faulty-viewer.html'] ?? '';
    const staff = files['pangyo-fire-faulty.html'] ?? '';
    for (const name of ['Lee Seo-yeon', 'Jung Ha-eun', 'Park Ji-ho', 'Choi Yuna', 'bot-operator']) {
      expect(staff, name).to.include(name);
      expect(viewer, name).to.not.include(name);
    }
    expect(viewer).to.include('I promised a recovery time');
  });
});
