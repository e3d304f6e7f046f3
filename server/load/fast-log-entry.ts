import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { z } from 'zod';
import { DrillTime, FileVersion, LogEntry } from '../domain/schema/log.js';

/**
 * A fast path for reading log entries that a machine wrote: numeric drill times, versions as
 * text, nothing to transform. The zod schema stays the one source of truth: its JSON Schema,
 * narrowed to the inputs its transforms leave unchanged, is compiled once with ajv, and an
 * entry the fast path accepts is rebuilt as zod would return it (keys in the schema's order,
 * the same defaults). Anything it does not accept is for zod to parse or explain, so hand-written
 * logs and every error message behave exactly as before.
 */

export type Json = Record<string, unknown>;
type Rebuild = (value: unknown) => unknown;

/** For each transform in the log schema: the JSON types it passes through unchanged. */
const IDENTITY_INPUTS = new Map<unknown, string[]>([
  [DrillTime, ['integer']],
  [FileVersion, ['string']],
]);

/**
 * zod checks that JSON Schema cannot say (`z.toJSONSchema` drops them silently): a `.refine()`
 * and a `.trim()`-like overwrite. Were one added to the log schema, ajv would take values zod
 * refuses or changes, so compiling the fast paths stops instead.
 */
const UNSAID_CHECKS = new Set(['custom', 'overwrite']);

/** The log entry schema for ajv (`schema` for tests): only inputs every transform leaves as they are. */
export function narrowedSchema(schema: z.ZodType = LogEntry): Json {
  return z.toJSONSchema(schema, {
    io: 'input',
    override({ zodSchema, jsonSchema }) {
      const checks = (zodSchema._zod.def as { checks?: { _zod: { def: { check: string } } }[] })
        .checks;
      const unsaid = checks?.find((c) => UNSAID_CHECKS.has(c._zod.def.check));
      if (unsaid)
        throw new Error(
          `the log entry schema has a check JSON Schema cannot say (${unsaid._zod.def.check}): the fast paths would not apply it`,
        );
      if (zodSchema._zod.def.type !== 'pipe') return;
      const keep = IDENTITY_INPUTS.get(zodSchema);
      const json = jsonSchema as Json;
      if (!keep || !Array.isArray(json.anyOf))
        throw new Error('the log entry schema has a transform the fast path does not know');
      const branches = (json.anyOf as Json[]).filter((b) => keep.includes(b.type as string));
      delete json.anyOf;
      Object.assign(json, branches.length === 1 ? branches[0] : { anyOf: branches });
    },
  }) as Json;
}

const NONE = Symbol('no default');

/** A fresh copy of a default each time, as zod gives one. */
function defaultMaker(value: unknown): () => unknown {
  if (Array.isArray(value) && value.length === 0) return () => [];
  if (value && typeof value === 'object' && Object.keys(value).length === 0) return () => ({});
  return () => structuredClone(value);
}

/**
 * How to make a value that `node` accepted into what zod returns for it: objects with their
 * keys in the schema's order and missing defaults filled in. The function returns the value
 * itself when it is that already (as the store writes entries), a rebuilt copy otherwise.
 * Undefined where every accepted value is returned as is.
 */
function rebuilder(node: Json, compile: (schema: Json) => ValidateFunction): Rebuild | undefined {
  if (node.properties) {
    const properties = Object.entries(node.properties as Record<string, Json>);
    const keys = properties.map(([key]) => key);
    const fields = properties.map(
      ([key, sub]) =>
        [
          key,
          rebuilder(sub, compile),
          'default' in sub ? defaultMaker(sub.default) : NONE,
        ] as const,
    );
    const defaulted = fields.filter(([, , makeDefault]) => makeDefault !== NONE).map(([k]) => k);
    const nested = fields.flatMap(([key, sub]) => (sub ? [[key, sub] as const] : []));
    // Plain loops, no closures or arrays per call: this runs for every entry of every log read.
    const unchanged = (input: Json) => {
      if (!keysInOrder(input, keys)) return false;
      for (const key of defaulted) if (!Object.hasOwn(input, key)) return false;
      for (const [key, sub] of nested)
        if (Object.hasOwn(input, key) && sub(input[key]) !== input[key]) return false;
      return true;
    };
    return (value) => {
      const input = value as Json;
      if (unchanged(input)) return input;
      const out: Json = {};
      for (const [key, sub, makeDefault] of fields) {
        if (Object.hasOwn(input, key)) out[key] = sub ? sub(input[key]) : input[key];
        else if (makeDefault !== NONE) out[key] = makeDefault();
      }
      return out;
    };
  }
  if (node.items) {
    const sub = rebuilder(node.items as Json, compile);
    return (
      sub &&
      ((value) => {
        const list = value as unknown[];
        for (let i = 0; i < list.length; i++) if (sub(list[i]) !== list[i]) return list.map(sub);
        return list;
      })
    );
  }
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    const sub = rebuilder(node.additionalProperties as Json, compile);
    return (
      sub &&
      ((value) => {
        const object = value as Json;
        for (const key in object)
          if (sub(object[key]) !== object[key])
            return Object.fromEntries(Object.entries(object).map(([k, item]) => [k, sub(item)]));
        return object;
      })
    );
  }
  const union = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  if (union) {
    const options = union.map((branch) => [compile(branch), rebuilder(branch, compile)] as const);
    if (options.every(([, sub]) => !sub)) return undefined;
    // zod's union returns the first option that accepts the value.
    return (value) => {
      for (const [accepts, sub] of options) if (accepts(value)) return sub ? sub(value) : value;
      return value;
    };
  }
  return undefined;
}

/**
 * Whether an object's keys (all known to the schema) come in the schema's order: each key is
 * found further along `keys` than the one before. Keys that JSON.parse made are internalized,
 * so comparing them is cheap.
 */
function keysInOrder(input: Json, keys: readonly string[]): boolean {
  let at = 0;
  for (const key in input) {
    while (at < keys.length && keys[at] !== key) at++;
    if (at === keys.length) return false;
    at++;
  }
  return true;
}

interface Branch {
  accepts: ValidateFunction;
  rebuild: Rebuild;
}

/** The log entry schema as the fast paths use it: each entry type's branch, and ajv to compile. */
export interface LogSchema {
  /** Each type's branch of the narrowed JSON Schema (an object schema), by the type's name. */
  readonly branches: ReadonlyMap<string, Json>;
  compile(schema: Json): ValidateFunction;
}

let compiled: { schema: LogSchema; branches: Map<string, Branch> } | undefined;

/** Compiles the fast path on first use, so a process that reads no log never loads ajv. */
function compileSchema(): { schema: LogSchema; branches: Map<string, Branch> } {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js').default;
  const ajv = new Ajv2020({
    strict: true,
    allowUnionTypes: true,
    strictNumbers: true,
    unicodeRegExp: false,
  });
  const compile = (schema: Json) => ajv.compile(schema);
  const json = new Map<string, Json>();
  const branches = new Map<string, Branch>();
  for (const branch of narrowedSchema().oneOf as Json[]) {
    const type = ((branch.properties as Record<string, Json>).type as Json).const as string;
    const rebuild = rebuilder(branch, compile);
    if (!rebuild) throw new Error(`log entry '${type}' is not an object schema`);
    json.set(type, branch);
    branches.set(type, { accepts: compile(branch), rebuild });
  }
  compiled = { schema: { branches: json, compile }, branches };
  return compiled;
}

/** The narrowed log entry schema and its compiler (compiled on first use). */
export function logSchema(): LogSchema {
  return compileSchema().schema;
}

/**
 * The log entry zod would return for `value` (parsed JSON), when the fast path accepts it;
 * undefined when it does not, and zod must parse or explain it. Never accepts what zod refuses.
 */
export function fastLogEntry(value: unknown): LogEntry | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const type = (value as Json).type;
  if (typeof type !== 'string') return undefined;
  const branch = compileSchema().branches.get(type);
  if (!branch?.accepts(value)) return undefined;
  return branch.rebuild(value) as LogEntry;
}
