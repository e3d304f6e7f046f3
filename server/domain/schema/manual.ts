import { z } from 'zod';
import { ActionEffect, Duration, Id, InjectFlag, Text, Version } from './common.js';

const Described = { id: Id, name: Text, description: z.string().optional() };

export const Role = z.strictObject({ ...Described, duties: z.array(Text).default([]) });

/** Grades are listed from the most severe to the least severe. */
export const Grade = z.strictObject({ ...Described, meaning: Text });

export const Stage = z.strictObject(Described);
export const Situation = z.strictObject(Described);

export const Channel = z.strictObject({
  ...Described,
  kind: z.enum(['messenger', 'call', 'dashboard', 'status-page', 'email', 'other']),
  /** Roles that read and write on this channel; `all` for every role. */
  members: z.union([z.literal('all'), z.array(Id).min(1)]),
  /** Read by people outside the response (users, press, partners). */
  external: z.boolean().default(false),
});

export const ActionField = z.strictObject({
  id: Id,
  label: Text,
  type: z.enum(['text', 'grade', 'role', 'duration', 'choice']),
  options: z.array(z.string()).optional(),
  /** Shown to participants as expected; the console never enforces it (rules score it). */
  expected: z.boolean().default(false),
});

export const Action = z.strictObject({
  ...Described,
  effect: ActionEffect,
  /** Whether the action is said on a channel. */
  channel: z.enum(['required', 'optional', 'none']).default('required'),
  fields: z.array(ActionField).default([]),
});

const FieldValues = z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)]));

/** What a step asks for: which action, and what must be true of it. */
export const StepMatch = z.strictObject({
  action: Id,
  /** The action must be said on one of these channels. */
  channel: z.union([Id, z.array(Id).min(1)]).optional(),
  /** These roles must all be among those who receive it. */
  to: z.array(Id).min(1).optional(),
  /** Field values the action must carry (one of the listed values). */
  fields: FieldValues.optional(),
  /** At least one of these words must appear in its text (case-insensitive). */
  words: z.array(Text).min(1).optional(),
  /** These fields must equal the same fields of the anchoring action. */
  sameAsAnchor: z.array(Id).min(1).optional(),
  /** The action must refer (`ref`) to the anchoring entry: the task or inject it answers. */
  refAnchor: z.boolean().default(false),
});

export const ANCHOR_KINDS = [
  'start',
  'inject',
  'step',
  'declaration',
  'grade-change',
  'task',
  'action',
  'close',
] as const;

export const Anchor = z.strictObject({
  on: z.enum(ANCHOR_KINDS),
  /** For `inject`: the flag an inject must carry. */
  flag: InjectFlag.optional(),
  /** For `step`: the step whose completion starts the clock. */
  step: Id.optional(),
  /** For `action`: the action whose occurrence starts the clock. */
  action: Id.optional(),
});

export const StepCondition = z.strictObject({
  /** Applies only in these situation classes. */
  situations: z.array(Id).min(1).optional(),
  /** Applies only while this channel is down at the anchor. */
  channelDown: Id.optional(),
  /** Applies only while the incident's grade is one of these at the anchor. */
  grades: z.array(Id).min(1).optional(),
});

export const Step = z.strictObject({
  id: Id,
  title: Text,
  description: z.string().optional(),
  stage: Id,
  role: Id,
  do: StepMatch,
  anchor: Anchor,
  /** Deadline after the anchor, or `task` for the deadline the instruction gave. */
  within: z.union([Duration, z.literal('task')]),
  weight: z.number().positive().default(1),
  /** Steps that must be done before this one; doing it first is `out_of_order`. */
  after: z.array(Id).default([]),
  /** `each`: judged once per occurrence of the anchor; `once`: the first only. */
  repeat: z.enum(['once', 'each']).default('once'),
  onlyIf: StepCondition.optional(),
  /** Why the step is there: the manual's words, or the practice it follows. */
  source: z.string().optional(),
});

/** Selects actions a rule is about. Every listed criterion must hold. */
export const Selector = z.strictObject({
  actions: z.array(Id).min(1).optional(),
  roles: z.array(Id).min(1).optional(),
  channels: z.array(Id).min(1).optional(),
});

const RuleBase = {
  id: Id,
  title: Text,
  description: z.string().optional(),
  source: z.string().optional(),
};

const EventTrigger = z.strictObject({
  on: z.enum(['task', 'inject', 'action']),
  flag: InjectFlag.optional(),
  actions: z.array(Id).min(1).optional(),
  roles: z.array(Id).min(1).optional(),
});

export const Rule = z.discriminatedUnion('kind', [
  z.strictObject({
    ...RuleBase,
    kind: z.literal('channel'),
    select: Selector,
    mustBe: z.array(Id).min(1).optional(),
    mustNotBe: z.array(Id).min(1).optional(),
    /** The rule holds only while this channel is down. */
    whileDown: Id.optional(),
  }),
  z.strictObject({
    ...RuleBase,
    kind: z.literal('only-roles'),
    select: Selector,
    roles: z.array(Id).min(1),
  }),
  z.strictObject({
    ...RuleBase,
    kind: z.literal('on-instruction'),
    select: Selector,
    /** The role whose instruction (an `instruct` action naming the actor) must come first. */
    from: Id,
  }),
  z.strictObject({
    ...RuleBase,
    kind: z.literal('acknowledge-within'),
    trigger: EventTrigger,
    within: Duration,
  }),
  z.strictObject({
    ...RuleBase,
    kind: z.literal('cadence'),
    role: Id,
    select: Selector,
    every: Duration,
    from: Anchor,
    until: Anchor,
  }),
  z.strictObject({
    ...RuleBase,
    kind: z.literal('required-fields'),
    select: Selector,
    fields: z.array(z.string().min(1)).min(1),
  }),
  z.strictObject({
    ...RuleBase,
    kind: z.literal('forbidden-content'),
    select: Selector,
    /** Regular expressions, matched case-insensitively against the text and every field. */
    patterns: z.array(z.string().min(1)).min(1),
  }),
  z.strictObject({
    ...RuleBase,
    kind: z.literal('relay'),
    trigger: EventTrigger,
    to: Id,
    /** Only these actions count as passing the fact on. */
    via: z.array(Id).min(1).optional(),
    /** The relaying action must carry the same value of this field as the trigger. */
    sameField: Id.optional(),
    within: Duration,
    /** Who is charged when the fact does not arrive; default: whoever learnt it. */
    chargeTo: Id.optional(),
  }),
]);

export const PassRule = z.strictObject({
  minScore: z.number().min(0).max(100).default(80),
  maxLate: z.number().int().min(0).default(1),
  maxMissed: z.number().int().min(0).default(0),
  maxOutOfOrder: z.number().int().min(0).default(0),
  maxViolations: z.number().int().min(0).default(0),
  /** Every grade checkpoint must be right (for the role that sets the grade). */
  gradeCheckpoints: z.boolean().default(false),
});

export const Scoring = z.strictObject({
  credit: z
    .strictObject({
      onTime: z.number().min(0).max(1).default(1),
      late: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  /** Points (of 100) taken off a role's and the overall score for each violation. */
  violationPenalty: z.number().min(0).default(5),
  /** Points (of 100) taken off the grade-setting role for each wrong grade checkpoint. */
  checkpointPenalty: z.number().min(0).default(10),
  pass: z
    .strictObject({
      default: PassRule.prefault({}),
      roles: z.record(Id, PassRule.partial()).default({}),
      overall: z
        .strictObject({
          minScore: z.number().min(0).max(100).default(80),
          allRolesPass: z.boolean().default(true),
        })
        .prefault({}),
    })
    .prefault({}),
});

export const Grading = z.strictObject({
  /** The role whose `set-grade` actions set the incident's grade. */
  authority: Id,
  /** How long after the scenario's expected grade changes the right grade must be set. */
  tolerance: Duration,
});

export const Manual = z.strictObject({
  kind: z.literal('manual'),
  id: Id,
  version: Version,
  title: Text,
  description: z.string().optional(),
  source: z.string().optional(),
  roles: z.array(Role).min(1),
  grades: z.array(Grade).min(1),
  situations: z.array(Situation).min(1),
  stages: z.array(Stage).min(1),
  channels: z.array(Channel).min(1),
  actions: z.array(Action).min(1),
  steps: z.array(Step).min(1),
  rules: z.array(Rule).default([]),
  grading: Grading,
  scoring: Scoring.prefault({}),
});

export type Manual = z.infer<typeof Manual>;
export type Role = z.infer<typeof Role>;
export type Channel = z.infer<typeof Channel>;
export type Action = z.infer<typeof Action>;
export type Step = z.infer<typeof Step>;
export type StepMatch = z.infer<typeof StepMatch>;
export type Anchor = z.infer<typeof Anchor>;
export type Rule = z.infer<typeof Rule>;
export type RuleKind = Rule['kind'];
export type Selector = z.infer<typeof Selector>;
export type EventTrigger = z.infer<typeof EventTrigger>;
export type PassRule = z.infer<typeof PassRule>;
