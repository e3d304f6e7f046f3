import type { Drill } from '../domain/drill.js';
import { issuesText } from '../domain/problem.js';
import { LogEntry, type NewEntry } from '../domain/schema/log.js';
import type { EventLogStore } from '../store/store.js';
import { actionProblem, overrideProblem } from './check-entry.js';
import type { WallClock } from './clock.js';
import { DrillInputError } from './drill-runner.js';

/** Refuses an evaluator's entry naming what the drill's manual does not have. */
export function checkEvaluatorEntry(drill: Drill, lastSeq: number, entry: NewEntry): void {
  const problem =
    entry.type === 'action'
      ? actionProblem(drill, lastSeq, entry)
      : entry.type === 'override'
        ? overrideProblem(drill, entry.target)
        : undefined;
  if (problem) throw new DrillInputError('bad-request', problem);
}

/**
 * Evaluator entries written after a drill ended (the hot wash): appended to its log with the
 * next sequence number at the drill's final time — an off-platform action keeps the time it
 * happened, if that was before the end. One at a time per drill, so two never take the same
 * sequence number.
 */
export class LateEntries {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: { logs: EventLogStore; wall: WallClock }) {}

  append(drillId: string, drill: Drill, entry: NewEntry & { t?: number }): Promise<LogEntry> {
    const previous = this.queues.get(drillId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const { entries } = await this.options.logs.read(drillId);
      const last = entries.at(-1);
      if (!last) throw new DrillInputError('not-running', 'the drill has no log');
      checkEvaluatorEntry(drill, last.seq, entry);
      const t =
        entry.type === 'action' && entry.t !== undefined ? Math.min(entry.t, last.t) : last.t;
      const parsed = LogEntry.safeParse({
        ...entry,
        seq: last.seq + 1,
        t,
        at: new Date(this.options.wall.now()).toISOString(),
      });
      if (!parsed.success)
        throw new DrillInputError('bad-request', issuesText(parsed.error.issues, 'entry'));
      await this.options.logs.append(drillId, [parsed.data]);
      return parsed.data;
    });
    const settled = next.catch(() => undefined);
    this.queues.set(drillId, settled);
    void settled.then(() => {
      if (this.queues.get(drillId) === settled) this.queues.delete(drillId);
    });
    return next;
  }

  /** True while entries for the drill are being written. */
  holds(drillId: string): boolean {
    return this.queues.has(drillId);
  }
}
