import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { ChannelState, Duration, Id, Text } from './common.js';

/** Drill-clock time: milliseconds since the start, or `HH:MM:SS` / `5m` in a hand-written log. */
export const DrillTime = z
  .union([z.number().int().min(0), Duration])
  .transform((value) => (typeof value === 'number' ? value : (parseDuration(value) ?? 0)));

/** Version of the manual or scenario a log was played against: a number is kept as text. */
export const FileVersion = z.union([z.string(), z.number()]).transform(String);

const FileRef = z.strictObject({
  id: Id,
  version: FileVersion,
  /** sha256 of the file's canonical JSON; optional in a hand-written log. */
  hash: z.string().optional(),
});

export const Participant = z.strictObject({
  person: z.string().min(1),
  role: Id,
  name: z.string().optional(),
  bot: z.boolean().optional(),
});

const Base = {
  seq: z.number().int().min(1),
  t: DrillTime,
  /** Wall-clock time (ISO 8601, UTC) when the entry was written; informational. */
  at: z.string().optional(),
};

const Started = z.strictObject({
  ...Base,
  type: z.literal('drill-started'),
  drill: z.string().optional(),
  manual: FileRef,
  scenario: FileRef,
  seed: z.union([z.number(), z.string()]).optional(),
  participants: z.array(Participant).default([]),
});

const InjectDelivered = z.strictObject({
  ...Base,
  type: z.literal('inject-delivered'),
  inject: Id,
  /** Present for an inject the facilitator wrote during the drill. */
  adHoc: z.strictObject({ to: z.array(Id).min(1), title: Text, text: Text }).optional(),
});

export const ActionEntry = z.strictObject({
  ...Base,
  type: z.literal('action'),
  /** The client's id for the action, so that a resend is not applied twice. */
  id: z.string().optional(),
  role: Id,
  person: z.string().optional(),
  action: Id,
  channel: Id.optional(),
  /** Roles the action is addressed to; when absent, every member of the channel. */
  to: z.array(Id).optional(),
  text: z.string().optional(),
  fields: z.record(z.string(), z.string()).default({}),
  /** Sequence number of the entry this action answers: a task, an inject, a message. */
  ref: z.number().int().min(1).optional(),
  /** Set when an evaluator recorded an action that happened off the platform. */
  recordedBy: z.string().optional(),
  /** Where it happened, for an off-platform action ("phone call", "bridge"). */
  medium: z.string().optional(),
});

const ChannelChanged = z.strictObject({
  ...Base,
  type: z.literal('channel-changed'),
  channel: Id,
  state: ChannelState,
});

const Paused = z.strictObject({
  ...Base,
  type: z.literal('paused'),
  by: z.string().optional(),
  /** `real-incident` when someone stopped the drill because of a real incident. */
  reason: z.string().optional(),
});
const Resumed = z.strictObject({ ...Base, type: z.literal('resumed'), by: z.string().optional() });

const Note = z.strictObject({ ...Base, type: z.literal('note'), by: z.string(), text: Text });

export const Verdict = z.enum(['on_time', 'late', 'missed', 'out_of_order', 'not_applicable']);

const Override = z.strictObject({
  ...Base,
  type: z.literal('override'),
  by: z.string(),
  reason: Text,
  target: z.union([
    z.strictObject({ step: Id, occurrence: z.number().int().min(1).optional(), verdict: Verdict }),
    z.strictObject({ rule: Id, violation: z.number().int().min(1), verdict: z.literal('kept') }),
  ]),
});

const Ended = z.strictObject({
  ...Base,
  type: z.literal('ended'),
  reason: z.enum(['end-condition', 'time-limit', 'facilitator', 'aborted']),
  by: z.string().optional(),
});

export const LogEntry = z.discriminatedUnion('type', [
  Started,
  InjectDelivered,
  ActionEntry,
  ChannelChanged,
  Paused,
  Resumed,
  Note,
  Override,
  Ended,
]);

export type LogEntry = z.infer<typeof LogEntry>;
export type LogEntryInput = z.input<typeof LogEntry>;
export type StartedEntry = z.infer<typeof Started>;
export type InjectEntry = z.infer<typeof InjectDelivered>;
export type ActionLogEntry = z.infer<typeof ActionEntry>;
export type OverrideEntry = z.infer<typeof Override>;
export type NoteEntry = z.infer<typeof Note>;
export type EndedEntry = z.infer<typeof Ended>;
export type Participant = z.infer<typeof Participant>;
export type VerdictName = z.infer<typeof Verdict>;

/** A log entry before the log gives it a sequence number and a drill time. */
export type NewEntry = LogEntryInput extends infer E
  ? E extends unknown
    ? Omit<E, 'seq' | 't'>
    : never
  : never;
