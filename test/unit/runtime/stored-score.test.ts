import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { scoreDrill } from '../../../server/domain/scoring/score.js';
import { DrillLibrary, type ResolvedDrill } from '../../../server/runtime/drill-library.js';
import type { DrillRunner } from '../../../server/runtime/drill-runner.js';
import { simulate } from '../../../server/runtime/simulate.js';
import {
  type StoredScoreDeps,
  scoreStored,
  storedCard,
} from '../../../server/runtime/stored-score.js';
import type { DrillRecord } from '../../../server/store/catalogue-schema.js';
import { FileEventLogStore } from '../../../server/store/event-log-file.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** The file store, counting the reads that reach it. */
class CountingStore extends FileEventLogStore {
  reads = 0;
  override read(drillId: string) {
    this.reads += 1;
    return super.read(drillId);
  }
}

describe('stored scorecards: cached for drills no runner holds, checked against the log', () => {
  let dir: string;
  let library: DrillLibrary;
  let resolved: ResolvedDrill;
  let log: LogEntry[];
  let logs: CountingStore;
  let runners: Map<string, DrillRunner>;
  let deps: StoredScoreDeps;

  const recordOf = (id: string): DrillRecord =>
    ({
      id,
      status: 'ended',
      scenario: { id: resolved.scenario.value.id, hash: resolved.scenario.hash },
      manual: { id: resolved.manual.value.id, hash: resolved.manual.hash },
    }) as unknown as DrillRecord;

  before(async () => {
    library = await DrillLibrary.load([join(ROOT, 'drills')]);
    const found = library.resolve('kakao-pangyo-fire');
    if (!found) throw new Error('no Pangyo-fire scenario');
    resolved = found;
    // One fault so that there is a verdict for the override below to change.
    log = simulate(resolved.drill, {
      seed: 3,
      drillId: 'd1',
      faults: [{ kind: 'skip', step: 'open-dashboard' }],
    });
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fd-stored-score-'));
    logs = new CountingStore(dir);
    runners = new Map();
    deps = { library, logs, service: { runner: (id) => runners.get(id) } };
    await logs.append('d1', log);
  });

  afterEach(async () => {
    await logs.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a finished drill again from the cache, the same card scoring the log gives', async () => {
    const first = await storedCard(deps, recordOf('d1'));
    const second = await storedCard(deps, recordOf('d1'));
    if ('missing' in first || 'missing' in second) throw new Error('not scored');
    expect(logs.reads).to.equal(1);
    expect(second.card).to.equal(first.card);
    const fresh = scoreDrill(resolved.drill, log, {
      hashes: { manual: resolved.manual.hash, scenario: resolved.scenario.hash },
    });
    expect(JSON.parse(JSON.stringify(second.card))).to.deep.equal(
      JSON.parse(JSON.stringify(fresh)),
    );
    // Reports still read the log (they show it), but take the cached card.
    const report = await scoreStored(deps, recordOf('d1'));
    if ('missing' in report) throw new Error('not scored');
    expect(logs.reads).to.equal(2);
    expect(report.log).to.have.length(log.length);
    expect(report.card).to.equal(first.card);
  });

  it('scores again once the log has changed: a hot-wash override after the end counts', async () => {
    const before = await storedCard(deps, recordOf('d1'));
    if ('missing' in before) throw new Error('not scored');
    const missed = before.card.steps.find((s) => s.verdict === 'missed');
    if (!missed) throw new Error('the faulty log has no missed step');
    const last = log.at(-1) as LogEntry;
    await logs.append('d1', [
      {
        type: 'override',
        seq: last.seq + 1,
        t: last.t,
        at: last.at,
        by: 'evaluator',
        reason: 'done on the phone, seen by the evaluator',
        target: { step: missed.step, verdict: 'on_time' },
      },
    ]);
    const after = await storedCard(deps, recordOf('d1'));
    if ('missing' in after) throw new Error('not scored');
    expect(logs.reads).to.equal(2);
    expect(after.card.steps.find((s) => s.step === missed.step)?.verdict).to.equal('on_time');
    expect(after.card.score).to.be.above(before.card.score);
  });

  it('sees a log file changed behind a fresh store (another process start)', async () => {
    await storedCard(deps, recordOf('d1'));
    // A new store over the same directory knows the file only by its inode, size and mtime.
    const reopened = new CountingStore(dir);
    const depsB = { ...deps, logs: reopened };
    await storedCard(depsB, recordOf('d1'));
    await storedCard(depsB, recordOf('d1'));
    expect(reopened.reads).to.equal(1);
    const cut = log.filter((e) => e.type !== 'ended');
    await writeFile(reopened.fileOf('d1'), cut.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const again = await storedCard(depsB, recordOf('d1'));
    if ('missing' in again) throw new Error('not scored');
    expect(reopened.reads).to.equal(2);
    expect(again.card.final).to.equal(false);
    await reopened.close();
  });

  it("never caches a drill a runner holds: it is scored at its clock, from the runner's entries", async () => {
    let now = 60_000;
    const entries = log.filter((e) => e.t <= 10 * 60_000 && e.type !== 'ended');
    runners.set('d1', { clock: { now: () => now }, entries } as unknown as DrillRunner);
    const early = await storedCard(deps, recordOf('d1'));
    now = 10 * 60_000;
    const later = await storedCard(deps, recordOf('d1'));
    if ('missing' in early || 'missing' in later) throw new Error('not scored');
    expect(logs.reads).to.equal(0);
    expect(early.card.at).to.equal(60_000);
    expect(later.card.at).to.equal(10 * 60_000);
    expect(later.card.final).to.equal(false);
    const fresh = scoreDrill(resolved.drill, entries, {
      at: now,
      hashes: { manual: resolved.manual.hash, scenario: resolved.scenario.hash },
    });
    expect(later.card).to.deep.equal(fresh);
    // Once the runner lets go (the drill ended), the file is read and the card cached.
    runners.clear();
    const ended = await storedCard(deps, recordOf('d1'));
    if ('missing' in ended) throw new Error('not scored');
    expect(ended.card.final).to.equal(true);
    expect(logs.reads).to.equal(1);
  });

  it('hands out a frozen card: a reader that changes it fails instead of changing the cache', async () => {
    const scored = await storedCard(deps, recordOf('d1'));
    if ('missing' in scored) throw new Error('not scored');
    expect(() => {
      (scored.card as { score: number }).score = 100;
    }).to.throw(TypeError);
    expect(() => (scored.card.steps as unknown[]).push({})).to.throw(TypeError);
  });

  it('has no scorecard for a drill without a log', async () => {
    const scored = await storedCard(deps, recordOf('d2'));
    expect(scored).to.deep.equal({ missing: 'log' });
  });
});
