import { z } from 'zod';
import { DURATION_PATTERN } from '../duration.js';

/** A lowercase identifier: how manuals, scenarios and logs name roles, steps, channels, ... */
export const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lowercase id: letters, digits and dashes');

/** A duration such as `90s`, `5m`, `1h30m` or `01:30:00`. */
export const Duration = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration such as 90s, 5m, 1h30m or 01:30:00');

/** Non-empty human text. */
export const Text = z.string().min(1, 'must not be empty');

/** Version of a manual or scenario, e.g. `1.2.0` or `2026-11`. */
export const Version = z.union([z.string().min(1), z.number()]).transform(String);

/**
 * The effects the drill engine understands. A manual names its own actions and maps each to one
 * of these; the engine and the scoring never look at a manual's action ids.
 */
export const ACTION_EFFECTS = [
  'message',
  'report',
  'declare',
  'set-grade',
  'share-status',
  'instruct',
  'acknowledge',
  'task-done',
  'dashboard-entry',
  'external-notice',
  'close',
  'schedule-retro',
  'decision',
] as const;
export const ActionEffect = z.enum(ACTION_EFFECTS);
export type ActionEffect = z.infer<typeof ActionEffect>;

/** Flags an inject can carry; steps and rules anchor on them. */
export const INJECT_FLAGS = [
  'fault-visible',
  'impact-change',
  'recovery-visible',
  'must-acknowledge',
  'info',
] as const;
export const InjectFlag = z.enum(INJECT_FLAGS);
export type InjectFlag = z.infer<typeof InjectFlag>;

export const ChannelState = z.enum(['up', 'down']);
export type ChannelState = z.infer<typeof ChannelState>;

export const ServiceState = z.enum(['up', 'degraded', 'down']);
export type ServiceState = z.infer<typeof ServiceState>;
