import { z } from 'zod';
import { Duration, Id } from '../../domain/schema/common.js';

/**
 * Faults a bot can be told to make, to see the scoring catch them. They combine: a faults file
 * lists several, each narrowed to a role, a step or an action where it says so.
 */
export const Fault = z.discriminatedUnion('kind', [
  /** Does the step (or every step of the role) `by` later than a perfect participant. */
  z.strictObject({
    kind: z.literal('late'),
    by: Duration,
    step: Id.optional(),
    role: Id.optional(),
  }),
  /** Never does the step. */
  z.strictObject({ kind: z.literal('skip'), step: Id }),
  /** Says the step's action on this channel instead of the right one. */
  z.strictObject({ kind: z.literal('wrong-channel'), step: Id, channel: Id }),
  /** Takes the instructed action before any instruction came, with no task to refer to. */
  z.strictObject({ kind: z.literal('act-without-instruction'), role: Id, action: Id.optional() }),
  /** Takes an action that belongs to another role (e.g. speaks externally). */
  z.strictObject({
    kind: z.literal('speak-out-of-role'),
    role: Id,
    action: Id,
    channel: Id.optional(),
  }),
  /** Promises a resolution time in what the role says. */
  z.strictObject({ kind: z.literal('promise-eta'), role: Id.optional(), action: Id.optional() }),
  /** The grading authority sets a grade other than the one expected. */
  z.strictObject({ kind: z.literal('wrong-grade'), grade: Id.optional() }),
  /** The role never acknowledges anything. */
  z.strictObject({ kind: z.literal('never-acknowledge'), role: Id }),
]);
export type Fault = z.infer<typeof Fault>;

export const FaultsFile = z.strictObject({ faults: z.array(Fault).min(1) });

/** The sentence a bot with the `promise-eta` fault adds: a resolution time, which manuals forbid. */
export const ETA_PROMISE = 'We expect full recovery within 30 minutes, by 14:30.';
