import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { firedrill } from '../helpers/cli.js';

describe('firedrill simulate and score', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('simulates a scenario by id and prints a Markdown scorecard', async () => {
    const run = await firedrill('simulate', 'kakao-new-year-peak', '--format', 'md');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^# Drill score\n\nScore 100 — PASS/);
    expect(run.stdout).to.include('| declare-incident | control-tower | on_time |');
  });

  it('prints JSON with the documented top-level keys', async () => {
    const run = await firedrill('simulate', 'pagerduty-db-failover', '--format', 'json');
    const card = JSON.parse(run.stdout);
    for (const key of [
      'version',
      'score',
      'pass',
      'roles',
      'persons',
      'steps',
      'rules',
      'grades',
      'metrics',
    ])
      expect(card, key).to.have.property(key);
    expect(card.version).to.equal(1);
  });

  it('simulates with a faults file and scores below 100', async () => {
    const faults = join(dir, 'faults.yaml');
    await writeFile(faults, 'faults:\n  - { kind: promise-eta, role: operations-lead }\n');
    const run = await firedrill(
      'simulate',
      'kakao-viral-surge',
      '--bots',
      faults,
      '--format',
      'json',
    );
    const card = JSON.parse(run.stdout);
    expect(card.score).to.be.lessThan(100);
    const rule = card.rules.find((r: { rule: string }) => r.rule === 'no-promised-resolution-time');
    expect(rule.kept).to.equal(false);
  });

  it('says what is wrong with a faults file, by file and path', async () => {
    const faults = join(dir, 'bad-faults.yaml');
    await writeFile(faults, 'faults:\n  - { kind: late, step: declare-incident }\n');
    const run = await firedrill('simulate', 'kakao-viral-surge', '--bots', faults);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`${faults} faults[0].by: missing required key 'by'`);
  });

  it('refuses an unknown format and an unknown scenario with a clear message', async () => {
    const format = await firedrill('simulate', 'kakao-viral-surge', '--format', 'xml');
    expect([format.code, format.stderr.trim()]).to.deep.equal([
      1,
      "--format must be one of json, md, text, not 'xml'",
    ]);
    const scenario = await firedrill('simulate', 'no-such-drill');
    expect([scenario.code, scenario.stderr.trim()]).to.deep.equal([
      1,
      "no scenario 'no-such-drill'",
    ]);
  });

  it('scores a log and names every bad line of a broken one', async () => {
    const log = join(dir, 'broken.jsonl');
    await writeFile(
      log,
      [
        '{"seq":1,"t":0,"type":"drill-started","manual":{"id":"kakao","version":"1.0.0"},"scenario":{"id":"kakao-pangyo-fire","version":"1.0.0"}}',
        '{"seq":2,"t":"00:02:00","type":"inject-delivered"}',
        'not json',
      ].join('\n'),
    );
    const run = await firedrill(
      'score',
      log,
      '--manual',
      'kakao',
      '--scenario',
      'kakao-pangyo-fire',
    );
    expect(run.code).to.equal(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).to.have.lengthOf(2);
    expect(lines[0]).to.equal(`${log}:2:1 inject: missing required key 'inject' (string)`);
    expect(lines[1]).to.match(new RegExp(`^${log}:3:1 not JSON: `));
  });

  it('scores a log as at a moment, leaving later deadlines pending, and marks an unhashed log unverified', async () => {
    const log = join(dir, 'early.jsonl');
    await writeFile(
      log,
      [
        '{"seq":1,"t":0,"type":"drill-started","manual":{"id":"kakao","version":"1.0.0"},"scenario":{"id":"kakao-pangyo-fire","version":"1.0.0"}}',
        '{"seq":2,"t":"00:02:00","type":"inject-delivered","inject":"battery-room-fire"}',
      ].join('\n'),
    );
    const run = await firedrill(
      'score',
      log,
      '--manual',
      'kakao',
      '--scenario',
      'kakao-pangyo-fire',
      '--at',
      '00:03:00',
      '--format',
      'json',
    );
    const card = JSON.parse(run.stdout);
    expect(card.final).to.equal(false);
    expect(card.manual.integrity).to.equal('unverified');
    const report = card.steps.find((s: { step: string }) => s.step === 'report-failure');
    expect(report.verdict).to.equal('pending');
  });
});
