import { z } from 'zod';
import { ChannelState, Duration, Id, InjectFlag, ServiceState, Text, Version } from './common.js';

export const DataCentre = z.strictObject({ id: Id, name: Text });

export const Service = z.strictObject({
  id: Id,
  name: Text,
  /** Data centres the service runs in. */
  dataCentres: z.array(Id).min(1),
  state: ServiceState.default('up'),
});

export const Alert = z.strictObject({
  id: Id,
  service: Id,
  severity: z.enum(['critical', 'warning', 'info']),
  text: Text,
});

/** Something that happened in the drill: an action by a role, or an inject delivered. */
export const Trigger = z.strictObject({
  action: Id.optional(),
  role: Id.optional(),
  inject: Id.optional(),
});

export const InjectEffects = z.strictObject({
  services: z.record(Id, ServiceState).optional(),
  channels: z.record(Id, ChannelState).optional(),
  raiseAlerts: z.array(Alert).optional(),
  clearAlerts: z.array(Id).optional(),
});

export const Inject = z.strictObject({
  id: Id,
  /** Fires at this offset from the start of the drill. */
  at: Duration.optional(),
  /** Or fires `delay` after something happened, unless something else happened first. */
  when: z
    .strictObject({
      after: Trigger,
      delay: Duration.default('0s'),
      unless: Trigger.optional(),
    })
    .optional(),
  to: z.array(Id).min(1),
  title: Text,
  text: Text,
  flags: z.array(InjectFlag).default([]),
  effects: InjectEffects.optional(),
});

/** The grade a careful Control Tower would have set, from a moment on. */
export const ExpectedGrade = z.strictObject({
  at: Duration.optional(),
  afterInject: Id.optional(),
  grade: Id,
});

export const EndCondition = z.strictObject({
  /** The drill ends `delay` after this happens ... */
  after: Trigger.optional(),
  delay: Duration.default('0s'),
  /** ... and at the latest at this offset. */
  limit: Duration,
});

export const Scenario = z.strictObject({
  kind: z.literal('scenario'),
  id: Id,
  version: Version,
  title: Text,
  description: z.string().optional(),
  manual: Id,
  situation: Id,
  dataCentres: z.array(DataCentre).min(1),
  services: z.array(Service).min(1),
  /** Channels' state at the start; a channel not listed starts up. */
  channels: z.record(Id, ChannelState).default({}),
  alerts: z.array(Alert).default([]),
  expectedGrades: z.array(ExpectedGrade).min(1),
  injects: z.array(Inject).min(1),
  end: EndCondition,
});

export type Scenario = z.infer<typeof Scenario>;
export type Inject = z.infer<typeof Inject>;
export type Trigger = z.infer<typeof Trigger>;
export type Alert = z.infer<typeof Alert>;
export type InjectEffects = z.infer<typeof InjectEffects>;
export type ExpectedGrade = z.infer<typeof ExpectedGrade>;
