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
 * compiler (which runs beside the main thread on a free core) takes turns with it: measured,
 * the first runs after start are slower until the scanner's and scoring's code is compiled
 * (100k entries: ~600, ~300, ~250 ms, then ~180-220). Warm means after that; the median of
 * the first timed runs after one untimed run (as this bench used to time) is reported beside.
 */
const WARM_UP = 3;

let drill: Drill | undefined;
let store: FileEventLogStore | undefined;

/**
 * Scoring at scale, in its own process: writes padded logs to files, then times reading one
 * from its file and scoring it, as the scorecard route does; the baseline parses each line
 * with JSON.parse and folds a count, with no validation or scoring; for reference it also
 * times JSON.parse keeping every entry (what returning the entries costs, without checking).
 */
/** Loads the scenario and opens the store on `dir`. */
async function load(args: { dir: string }) {
  const library = await DrillLibrary.load([join(ROOT, 'drills')]);
  drill = library.resolve('kakao-pangyo-fire')?.drill;
  if (!drill) throw new Error('no Pangyo-fire scenario');
  store = new FileEventLogStore(args.dir);
  return true;
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
    const early: number[] = [];
    const all: number[] = [];
    let steps = 0;
    for (let r = 0; r < WARM_UP + args.runs; r++) {
      let started = performance.now();
      const { entries } = await store.read(id);
      if (entries.length !== args.size) throw new Error(`read ${entries.length} of ${args.size}`);
      const card = scoreDrill(drill, entries);
      const t1 = performance.now() - started;
      all.push(t1);
      steps = card.steps.length;
      started = performance.now();
      const text = await readFile(store.fileOf(id), 'utf8');
      const counts = new Map<string, number>();
      let lastT = 0;
      for (const line of text.split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as { type: string; t: number };
        counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
        lastT = Math.max(lastT, e.t);
      }
      const t2 = performance.now() - started;
      if (!counts.size || lastT <= 0) throw new Error('the bare fold read nothing');
      // Runs 1 to `runs`, timed as this bench did before it warmed up for longer.
      if (r > 0 && r <= args.runs) early.push(t1);
      if (r >= WARM_UP) {
        scored.push(t1);
        bare.push(t2);
      }
    }
    // References, timed after the rest so their garbage does not land in those figures. What
    // any reader that hands back the entries pays, without checking them (they outlive the
    // read); and the store's read alone (parsed and checked as scoring gets them, not scored).
    const read: number[] = [];
    let parsed: unknown[] = [];
    for (let r = 0; r < WARM_UP + args.runs; r++) {
      let started = performance.now();
      const text = await readFile(store.fileOf(id), 'utf8');
      parsed = [];
      for (const line of text.split('\n')) if (line) parsed.push(JSON.parse(line));
      if (parsed.length !== args.size) throw new Error(`kept ${parsed.length} of ${args.size}`);
      if (r >= WARM_UP) kept.push(performance.now() - started);
      parsed = [];
      started = performance.now();
      const { entries } = await store.read(id);
      if (entries.length !== args.size) throw new Error(`read ${entries.length} of ${args.size}`);
      if (r >= WARM_UP) read.push(performance.now() - started);
    }
    return {
      scoredMs: median(scored),
      bareMs: median(bare),
      keptMs: median(kept),
      readMs: median(read),
      earlyMs: median(early),
      runsMs: all,
      steps,
    };
  },
});
