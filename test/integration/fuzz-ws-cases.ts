import fc from 'fast-check';
import type { Drill } from '../../server/domain/drill.js';
import { ClientMessage, LIMITS } from '../../server/ws/protocol.js';

/*
 * Generated WebSocket frames a live drill must refuse: each case is invalid by construction and
 * says which error it must be answered with and which field that error must name.
 */

export type WsSocket = 'participant' | 'staff';

export interface WsCase extends Partial<fc.WithToStringMethod> {
  kind: string;
  socket: WsSocket;
  /** A text frame, or raw bytes sent as a binary frame. */
  frame: string | Uint8Array;
  /** The error code the server must answer with. */
  code: 'bad-json' | 'bad-message' | 'bad-action' | 'forbidden';
  /** A field the error message must name (it says where). */
  names?: string;
  /** The clientId the error must carry back, when the frame had a string one. */
  clientId?: string;
}

const KEYS = ['type', 'clientId', 'action', 'channel', 'to', 'text', 'fields', 'ref', 'reason'];
/** A plain key name that no message of the protocol has. */
const strayKey = fc
  .stringMatching(/^[a-z][a-zA-Z0-9_]{0,15}$/)
  .filter((k) => !KEYS.includes(k) && k !== '__proto__');
const fieldKey = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const notString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fieldKey, fc.integer(), { maxKeys: 2 }),
);
const notInteger = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.double({ min: 1.01, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.integer({ max: 0 }),
  fc.boolean(),
  fc.constant(null),
);

const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
/** Holds for a frame the protocol would accept: such frames are never generated. */
const acceptable = (frame: string) => ClientMessage.safeParse(tryJson(frame)).success;

/** The arbitraries for one drill: valid-looking actions use its manual's own names. */
export function wsCases(drill: Drill, lastSeq: number): fc.Arbitrary<WsCase> {
  const actions = [...drill.actions.keys()];
  const channels = [...drill.channels.keys()];
  const roles = [...drill.roles.keys()];
  const name = (known: string[]) =>
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !known.includes(s));

  /** An action the protocol and the manual would both accept. */
  const action = fc.record(
    {
      type: fc.constant('action' as const),
      clientId: fc.string({ minLength: 1, maxLength: 40 }),
      action: fc.constantFrom(...actions),
      channel: fc.constantFrom(...channels),
      to: fc.subarray(roles, { minLength: 1 }),
      text: fc.string({ maxLength: 200 }),
      fields: fc.dictionary(fieldKey, fc.string({ maxLength: 50 }), { maxKeys: 4 }),
      ref: fc.integer({ min: 1, max: lastSeq }),
    },
    { requiredKeys: ['type', 'clientId', 'action'] },
  );
  const socket = fc.constantFrom<WsSocket>('participant', 'participant', 'staff');
  const out = (
    kind: string,
    frame: string | Uint8Array,
    code: WsCase['code'],
    on: WsSocket,
    names?: string,
    clientId?: unknown,
  ): WsCase => ({
    kind,
    socket: on,
    frame,
    code,
    names,
    clientId: typeof clientId === 'string' ? clientId : undefined,
    // fast-check prints a failing case with this: short, so a long frame does not flood the output.
    [fc.toStringMethod]: () =>
      `${kind} on ${on}: ${typeof frame === 'string' ? JSON.stringify(frame.slice(0, 120)) : `<${frame.length} bytes>`} (${frame.length})`,
  });

  const notJson = fc
    .oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('{', '{"type":"ping"', '[1,]', "{'type':'ping'}", 'ping', '', 'NaN', '{}}'),
      fc.json().map((j) => j.slice(0, -1)),
    )
    .filter((s) => tryJson(s) === undefined);
  const nested = fc
    .integer({ min: 1_000, max: 30_000 })
    .map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);

  return fc
    .oneof(
      fc.tuple(notJson, socket).map(([s, on]) => out('not JSON', s, 'bad-json', on)),
      fc
        .tuple(fc.uint8Array({ maxLength: 300 }), socket)
        .map(([b, on]) => out('binary frame', b, 'bad-json', on)),
      fc
        .tuple(
          fc.oneof(
            fc
              .jsonValue()
              .filter((v) => typeof v !== 'object' || v === null)
              .map((v) => JSON.stringify(v)),
            fc.array(fc.jsonValue(), { maxLength: 4 }).map((v) => JSON.stringify(v)),
            nested,
          ),
          socket,
        )
        .map(([text, on]) => out('not an object', text, 'bad-message', on)),
      fc
        .tuple(
          fc
            .oneof(fc.string(), notString)
            .filter((t) => !['action', 'ping', 'stop'].includes(t as string)),
          fc.dictionary(strayKey, fc.jsonValue(), { maxKeys: 3 }),
          socket,
        )
        .map(([type, rest, on]) =>
          out('unknown type', JSON.stringify({ ...rest, type }), 'bad-message', on, 'type'),
        ),
      // One field of an otherwise valid action has the wrong type.
      fc
        .tuple(
          action,
          fc.constantFrom('type', 'clientId', 'action', 'channel', 'text'),
          notString,
          socket,
        )
        .map(([a, key, value, on]) =>
          out(
            'wrong type',
            JSON.stringify({ ...a, [key]: value }),
            'bad-message',
            on,
            key,
            key === 'clientId' ? undefined : a.clientId,
          ),
        ),
      fc
        .tuple(action, fc.oneof(fc.string(), fc.integer(), fc.constant([1, 2])), socket)
        .map(([a, to, on]) =>
          out('wrong type', JSON.stringify({ ...a, to }), 'bad-message', on, 'to', a.clientId),
        ),
      fc
        .tuple(
          action,
          fc.oneof(
            fc.string(),
            fc.array(fc.string()),
            fc.dictionary(fieldKey, notString, { minKeys: 1 }),
          ),
          socket,
        )
        .map(([a, fields, on]) =>
          out(
            'wrong type',
            JSON.stringify({ ...a, fields }),
            'bad-message',
            on,
            'fields',
            a.clientId,
          ),
        ),
      fc
        .tuple(action, notInteger, socket)
        .map(([a, ref, on]) =>
          out('wrong type', JSON.stringify({ ...a, ref }), 'bad-message', on, 'ref', a.clientId),
        ),
      // A valid message with a key the protocol does not have.
      fc
        .tuple(
          fc.oneof(
            action,
            fc.constant({ type: 'ping' }),
            fc.constant({ type: 'stop', reason: 'x' }),
          ),
          strayKey,
          fc.jsonValue(),
          socket,
        )
        .map(([m, key, value, on]) =>
          out(
            'unknown key',
            JSON.stringify({ ...m, [key]: value }),
            'bad-message',
            on,
            key,
            (m as { clientId?: string }).clientId,
          ),
        ),
      fc
        .tuple(fc.oneof(notString, fc.string({ minLength: 501, maxLength: 700 })), socket)
        .map(([reason, on]) =>
          out('bad stop', JSON.stringify({ type: 'stop', reason }), 'bad-message', on, 'reason'),
        ),
      // A field name the manual could not have: refused, not silently dropped (`__proto__`).
      fc
        .tuple(
          action,
          fc.oneof(
            fc.constantFrom('__proto__', 'Owner', 'has space', '-lead', 'grade_1', 'ünïcode'),
            fc
              .string({ minLength: 1, maxLength: 20 })
              .filter((k) => !/^[a-z0-9][a-z0-9-]*$/.test(k)),
          ),
          socket,
        )
        .map(([a, key, on]) =>
          out(
            'bad field name',
            `{"type":"action","clientId":${JSON.stringify(a.clientId)},"action":${JSON.stringify(a.action)},"fields":{${JSON.stringify(key)}:"v"}}`,
            'bad-message',
            on,
            'fields',
            a.clientId,
          ),
        ),
      // Over the limits inside a message.
      fc
        .tuple(action, fc.integer({ min: 1, max: 2_000 }), socket)
        .map(([a, extra, on]) =>
          out(
            'oversized',
            JSON.stringify({ ...a, text: 'x'.repeat(LIMITS.text + extra) }),
            'bad-message',
            on,
            'text',
            a.clientId,
          ),
        ),
      fc
        .tuple(action, fieldKey, fc.integer({ min: 1, max: 500 }), socket)
        .map(([a, key, extra, on]) =>
          out(
            'oversized',
            JSON.stringify({ ...a, fields: { [key]: 'y'.repeat(LIMITS.fieldValue + extra) } }),
            'bad-message',
            on,
            'fields',
            a.clientId,
          ),
        ),
      fc
        .tuple(action, fc.integer({ min: LIMITS.fields + 1, max: 60 }), socket)
        .map(([a, n, on]) => {
          const fields = Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 'v']));
          return out(
            'oversized',
            JSON.stringify({ ...a, fields }),
            'bad-message',
            on,
            'fields',
            a.clientId,
          );
        }),
      fc.tuple(action, fc.integer({ min: 21, max: 40 }), socket).map(([a, n, on]) =>
        out(
          'oversized',
          JSON.stringify({
            ...a,
            to: Array.from({ length: n }, (_, i) => roles[i % roles.length]),
          }),
          'bad-message',
          on,
          'to',
          a.clientId,
        ),
      ),
      fc
        .tuple(
          action,
          fc.constantFrom('clientId', 'action', 'channel'),
          fc.oneof(fc.constant(''), fc.string({ minLength: 101, maxLength: 150 })),
          socket,
        )
        .map(([a, key, value, on]) =>
          out(
            'oversized',
            JSON.stringify({ ...a, [key]: value }),
            'bad-message',
            on,
            key,
            key === 'clientId' ? value : a.clientId,
          ),
        ),
      // Names the manual does not have: a participant's socket refuses them before the log.
      fc
        .tuple(action, fc.constantFrom('action', 'channel'), name([...actions, ...channels]))
        .map(([a, key, value]) =>
          out(
            'unknown name',
            JSON.stringify({ ...a, [key]: value }),
            'bad-action',
            'participant',
            key,
            a.clientId,
          ),
        ),
      fc
        .tuple(action, name(roles))
        .map(([a, ghost]) =>
          out(
            'unknown name',
            JSON.stringify({ ...a, to: [...(a.to ?? []), ghost] }),
            'bad-action',
            'participant',
            'to',
            a.clientId,
          ),
        ),
      // Out of order: an answer to an entry the log does not have yet.
      fc
        .tuple(action, fc.integer({ min: 1, max: 1_000_000 }))
        .map(([a, ahead]) =>
          out(
            'out of order',
            JSON.stringify({ ...a, ref: lastSeq + ahead }),
            'bad-action',
            'participant',
            'ref',
            a.clientId,
          ),
        ),
      // Staff act through the API: even a perfect action is refused on their socket.
      action.map((a) =>
        out('staff action', JSON.stringify(a), 'forbidden', 'staff', undefined, a.clientId),
      ),
    )
    .filter(
      // A schema error must really be one; the rest are well-formed on purpose.
      (c) =>
        !['bad-json', 'bad-message'].includes(c.code) ||
        typeof c.frame !== 'string' ||
        !acceptable(c.frame),
    );
}
