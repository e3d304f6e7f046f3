import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Drill } from '../../server/domain/drill.js';
import type { LogEntry } from '../../server/domain/schema/log.js';
import { scoreDrill } from '../../server/domain/scoring/score.js';
import { DrillLibrary } from '../../server/runtime/drill-library.js';
import { simulate } from '../../server/runtime/simulate.js';
import { encodeEntries, FileEventLogStore } from '../../server/store/event-log-file.js';
import { ROOT, serve } from '../lib/ipc.js';
import { median } from '../lib/stats.js';

const START = Date.parse('2026-11-25T01:00:00.000Z');
const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'];

/**
 * A drill log of `size` entries: a perfect simulated Pangyo-fire drill with chat on the
 * secondary messenger spread evenly between its entries, in drill time too (renumbered, refs
 * kept pointing at the same entries). Each chat line has its own wall time, to the millisecond,
 * as a live server writes them (the bench once copied the entry before's, ~60 wall times in all,
 * which hid a reader that slowed down on many).
 */
export function paddedLog(drill: Drill, size: number): LogEntry[] {
  const base = simulate(drill, {
    seed: 1,
    drillId: 'bench',
    startWall: new Date(START).toISOString(),
  });
  const fillers = Math.max(0, size - base.length);
  const out: LogEntry[] = [];
  const newSeq = new Map<number, number>();
  let made = 0;
  base.forEach((entry, i) => {
    newSeq.set(entry.seq, out.length + 1);
    const ref = 'ref' in entry && entry.ref !== undefined ? newSeq.get(entry.ref) : undefined;
    out.push({ ...entry, seq: out.length + 1, ...(ref !== undefined ? { ref } : {}) } as LogEntry);
    if (entry.type === 'ended') return;
    const quota = Math.round(((i + 1) * fillers) / (base.length - 1)) - made;
    const gap = (base[i + 1]?.t ?? entry.t) - entry.t;
    for (let k = 0; k < quota; k++, made++) {
      const t = entry.t + Math.floor(((k + 1) * gap) / (quota + 1));
      out.push({
        type: 'action',
        seq: out.length + 1,
        t,
        at: new Date(START + t).toISOString(),
        role: ROLES[made % ROLES.length] as string,
        person: `bot-${ROLES[made % ROLES.length]}`,
        action: 'send-message',
        channel: 'secondary-messenger',
        text: `update ${made}: still working on the Pangyo failover`,
        fields: {},
      } as LogEntry);
    }
  });
  return out;
}

/**
 * Untimed runs before the timed ones. The scorer is pinned to one core, so V8's optimising
 * compiler (which runs beside the main thread on a free core) takes turns with it, and the
 * first runs after start are slower until the scanner's and scoring's code is compiled. Traced
 * (`--trace-opt --trace-deopt`, this loop, 100k entries), the functions compiled and thrown
 * away in runs 1 to 7 were 188/50, 33/11, 12/14, 13/0, 7/0, 2/0 and 0/0, and the runs took
 * 616, 301, 212, 197, 192, 205 (a full collection) and 153 ms: warm means from the sixth run
 * on, when nearly nothing is compiled any more. Both earlier protocols are still reported
 * beside: the median of runs 2-4 (one untimed run, as this bench timed until its sixth round)
 * and of runs 4-6 (three untimed runs, as it timed until the seventh).
 */
const WARM_UP = 5;
/** Timed runs in each earlier protocol's median. */
const EARLIER_RUNS = 3;

let drill: Drill | undefined;
let store: FileEventLogStore | undefined;

/*
 * Scoring at scale, in processes of its own: one writes padded logs to files, a fresh one times
 * reading one from its file and scoring it, as the scorecard route does; the baseline parses
 * each line with JSON.parse and folds a count, with no validation or scoring; for reference it
 * also times JSON.parse keeping every entry (what returning the entries costs, unchecked).
 */

/** Loads the scenario and opens the store on `dir`. */
async function load(args: { dir: string }) {
  const library = await DrillLibrary.load([join(ROOT, 'drills')]);
  drill = library.resolve('kakao-pangyo-fire')?.drill;
  if (!drill) throw new Error('no Pangyo-fire scenario');
  store = new FileEventLogStore(args.dir);
  return true;
}

/*
 * Each timed run is a function of its own, so that what it read is garbage once it returns. A
 * loop's own variables kept the last run's log and scorecard alive through the next run's read
 * (an async function keeps its variables until they are written again): the collector then
 * marked two logs instead of one, and a 200,000-entry run took ~410 ms instead of ~330.
 */

/** Reads the log from its file and scores it, as the scorecard route does. */
async function scoredRun(drill: Drill, store: FileEventLogStore, id: string, size: number) {
  const started = performance.now();
  const { entries } = await store.read(id);
  if (entries.length !== size) throw new Error(`read ${entries.length} of ${size}`);
  const card = scoreDrill(drill, entries);
  return { ms: performance.now() - started, steps: card.steps.length };
}

/** The baseline: JSON.parse each line and fold a count per type, no checks, no scoring. */
async function bareRun(store: FileEventLogStore, id: string): Promise<number> {
  const started = performance.now();
  const text = await readFile(store.fileOf(id), 'utf8');
  const counts = new Map<string, number>();
  let lastT = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as { type: string; t: number };
    counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    lastT = Math.max(lastT, e.t);
  }
  const ms = performance.now() - started;
  if (!counts.size || lastT <= 0) throw new Error('the bare fold read nothing');
  return ms;
}

/** JSON.parse keeping every entry: what any reader that hands them back pays, unchecked. */
async function keptRun(store: FileEventLogStore, id: string, size: number): Promise<number> {
  const started = performance.now();
  const text = await readFile(store.fileOf(id), 'utf8');
  const parsed: unknown[] = [];
  for (const line of text.split('\n')) if (line) parsed.push(JSON.parse(line));
  const ms = performance.now() - started;
  if (parsed.length !== size) throw new Error(`kept ${parsed.length} of ${size}`);
  return ms;
}

/** The store's read alone: parsed and checked as scoring gets the entries, not scored. */
async function readRun(store: FileEventLogStore, id: string, size: number): Promise<number> {
  const started = performance.now();
  const { entries } = await store.read(id);
  const ms = performance.now() - started;
  if (entries.length !== size) throw new Error(`read ${entries.length} of ${size}`);
  return ms;
}

serve({
  load,

  /** Writes the padded logs (in a process of its own: the scorer is started afresh after). */
  async prepare(args: { dir: string; sizes: number[] }) {
    await load(args);
    if (!drill || !store) throw new Error('not loaded');
    for (const size of args.sizes) {
      const log = paddedLog(drill, size);
      // As the store writes a log (one entry a line, in the schema's form).
      await writeFile(store.fileOf(`log-${size}`), encodeEntries(`log-${size}`, log));
    }
    return true;
  },

  /** Warm median ms of `runs` timed runs (after WARM_UP untimed) of scoring and of the bare fold. */
  async time(args: { size: number; runs: number }) {
    if (!drill || !store) throw new Error('prepare first');
    const id = `log-${args.size}`;
    const scored: number[] = [];
    const bare: number[] = [];
    const kept: number[] = [];
    const all: number[] = [];
    let steps = 0;
    for (let r = 0; r < WARM_UP + args.runs; r++) {
      const run = await scoredRun(drill, store, id, args.size);
      all.push(run.ms);
      steps = run.steps;
      const fold = await bareRun(store, id);
      if (r >= WARM_UP) {
        scored.push(run.ms);
        bare.push(fold);
      }
    }
    // References, timed after the rest so their garbage does not land in those figures. What
    // any reader that hands back the entries pays, without checking them (they outlive the
    // read); and the store's read alone (parsed and checked as scoring gets them, not scored).
    const read: number[] = [];
    for (let r = 0; r < WARM_UP + args.runs; r++) {
      const parse = await keptRun(store, id, args.size);
      const alone = await readRun(store, id, args.size);
      if (r >= WARM_UP) {
        kept.push(parse);
        read.push(alone);
      }
    }
    return {
      scoredMs: median(scored),
      bareMs: median(bare),
      keptMs: median(kept),
      readMs: median(read),
      afterOneMs: median(all.slice(1, 1 + EARLIER_RUNS)),
      afterThreeMs: median(all.slice(3, 3 + EARLIER_RUNS)),
      runsMs: all,
      warmUp: WARM_UP,
      steps,
    };
  },
});
