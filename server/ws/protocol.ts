import { z } from 'zod';
import type { Board } from '../domain/engine/view.js';

/**
 * The WebSocket protocol: every message is one JSON object with a `type`. Replies and errors
 * have one shape each. Limits keep one client from filling the log.
 */
export const LIMITS = {
  /** Largest message the server reads, in bytes. */
  maxPayload: 64 * 1024,
  text: 4_000,
  fieldValue: 1_000,
  fields: 30,
} as const;

const Id = z.string().min(1).max(100);
/**
 * A field's name, as the manual spells its fields: a lowercase id. Anything else (`__proto__`,
 * which a plain object would silently drop) is refused with the field named, not lost.
 */
const FieldName = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a field name is a lowercase id: letters, digits and dashes');

export const ClientAction = z.strictObject({
  type: z.literal('action'),
  /** The client's own id for the action: a resend with the same id is answered, not applied. */
  clientId: z.string().min(1).max(100),
  action: Id,
  channel: Id.optional(),
  to: z.array(Id).max(20).optional(),
  text: z.string().max(LIMITS.text).optional(),
  fields: z
    .record(FieldName, z.string().max(LIMITS.fieldValue))
    .refine((f) => Object.keys(f).length <= LIMITS.fields, `at most ${LIMITS.fields} fields`)
    .optional(),
  ref: z.number().int().min(1).optional(),
});

export const ClientMessage = z.discriminatedUnion('type', [
  ClientAction,
  z.strictObject({ type: z.literal('ping') }),
  /** "Real incident — stop the drill": anyone on the drill may send it. */
  z.strictObject({ type: z.literal('stop'), reason: z.string().max(500).optional() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/** Message types a client may send; the access table in docs/security.md lists each. */
export const CLIENT_MESSAGE_TYPES = ['action', 'ping', 'stop'] as const;

export type ServerMessage =
  | {
      type: 'welcome';
      seq: number;
      role?: string;
      staff?: boolean;
      drill: Record<string, unknown>;
      view: unknown;
    }
  /** `exercise: true` on every event a participant receives: this is a drill, not an incident. */
  | { type: 'event'; event: Record<string, unknown>; exercise?: true }
  /** The status board after the world changed (sent to every participant of the drill). */
  | { type: 'board'; exercise: true; board: Board }
  | { type: 'ack'; clientId: string; seq: number; duplicate: boolean }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string; clientId?: string };

/** Close codes the server uses, with what the client should do. */
export const CLOSE = {
  /** The link was revoked or the drill archived: do not reconnect. */
  revoked: 4001,
  /** Not allowed: bad token or origin. */
  unauthorised: 4003,
  /** The client fell too far behind: reconnect with the last sequence number seen. */
  tooSlow: 4008,
  /** No pong to the last ping. */
  dead: 4009,
} as const;
