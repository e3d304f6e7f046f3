import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { firedrill } from '../helpers/cli.js';

const FAULTY = 'test/fixtures/logs/pangyo-fire-faulty.jsonl';
const DRILL = ['--manual', 'kakao', '--scenario', 'kakao-pangyo-fire'];
const AT = ['--generated-at', '2026-01-05T09:00:00Z'];

describe('firedrill report', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-report-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders every format, the same bytes twice for the same generation time', async () => {
    for (const format of ['html', 'json', 'csv', 'md']) {
      const [a, b] = await Promise.all([
        firedrill('report', FAULTY, ...DRILL, '--format', format, ...AT),
        firedrill('report', FAULTY, ...DRILL, '--format', format, ...AT),
      ]);
      expect(a.code, a.stderr).to.equal(0);
      expect(a.stdout, format).to.equal(b.stdout);
      expect(a.stdout, format).to.include('open-dashboard');
      // CSV is rows of verdicts only; the other formats name their generation time.
      if (format !== 'csv') expect(a.stdout, format).to.include('2026-01-05T09:00:00Z');
    }
  });

  it('writes to --out, with the verdicts and the improvement items generated from them', async () => {
    const out = join(dir, 'report.json');
    const run = await firedrill(
      'report',
      FAULTY,
      ...DRILL,
      '--format',
      'json',
      '--out',
      out,
      ...AT,
    );
    expect([run.code, run.stdout]).to.deep.equal([0, '']);
    const report = JSON.parse(await readFile(out, 'utf8'));
    expect(report.scorecard.score).to.equal(34.4);
    expect(report.scorecard.manual.integrity).to.equal('verified');
    expect(report.improvements.map((i: { id: string }) => i.id)).to.include.members([
      'step:open-dashboard',
      'step:report-failure',
      'rule:no-promised-resolution-time',
    ]);
  });

  it('leaves persons out with --viewer', async () => {
    const run = await firedrill('report', FAULTY, ...DRILL, '--format', 'csv', '--viewer', ...AT);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.not.include('bot-operator');
    expect(run.stdout).to.include(',step,open-dashboard,1,');
  });

  it('refuses a bad format or generation time with a message, exit 1', async () => {
    const format = await firedrill('report', FAULTY, ...DRILL, '--format', 'pdf');
    expect([format.code, format.stderr.trim()]).to.deep.equal([
      1,
      "--format must be one of html, json, csv, md, not 'pdf'",
    ]);
    const at = await firedrill('report', FAULTY, ...DRILL, '--generated-at', 'yesterday');
    expect(at.code).to.equal(1);
    expect(at.stderr).to.match(/^--generated-at must be an ISO 8601 time/);
    const missing = await firedrill('report', 'no-such.jsonl', ...DRILL);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^cannot read no-such\.jsonl: /);
  });
});
