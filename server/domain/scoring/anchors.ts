import type { ActionRecord, DeliveredInject, Task } from '../engine/state.js';
import type { Anchor } from '../schema/manual.js';
import { momentOf, type ScoringContext } from './context.js';

/** One occurrence of an anchor: when it happened and what it was. */
export interface AnchorOccurrence {
  t: number;
  seq: number;
  /** The action that is the anchor, for `sameAsAnchor`. */
  record?: ActionRecord;
  inject?: DeliveredInject;
  task?: Task;
}

/** The moment a step occurrence was done, and by which action. */
export interface Completion {
  t: number;
  seq: number;
  record: ActionRecord;
}

const fromRecord = (record: ActionRecord): AnchorOccurrence => ({ ...momentOf(record), record });

/**
 * Every occurrence of an anchor in the log, in time order. `role` narrows `task` anchors to
 * tasks owned by that role; `completions` gives the completed occurrences of each step.
 */
export function anchorOccurrences(
  ctx: ScoringContext,
  anchor: Anchor,
  role: string | undefined,
  completions: ReadonlyMap<string, readonly Completion[]>,
): AnchorOccurrence[] {
  switch (anchor.on) {
    case 'start':
      return ctx.state.startSeq === undefined ? [] : [{ t: 0, seq: ctx.state.startSeq }];
    case 'inject':
      return ctx.injects
        .filter((i) => anchor.flag && i.flags.includes(anchor.flag))
        .map((inject) => ({ t: inject.t, seq: inject.seq, inject }));
    case 'step':
      return (completions.get(anchor.step ?? '') ?? []).map((c) => fromRecord(c.record));
    case 'declaration':
      return ctx.deliveredWith('declare').slice(0, 1).map(fromRecord);
    case 'close':
      return ctx.deliveredWith('close').slice(0, 1).map(fromRecord);
    case 'grade-change':
      return ctx.gradeChanges.map(fromRecord);
    case 'action':
      return ctx.deliveredOf(anchor.action ?? '').map(fromRecord);
    case 'task':
      return ctx.deliveredWith('instruct').flatMap((record) => {
        const task = ctx.state.tasks.get(record.entry.seq);
        return task && (!role || task.owner === role) ? [{ ...fromRecord(record), task }] : [];
      });
  }
}
