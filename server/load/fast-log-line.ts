import type { LogEntry } from '../domain/schema/log.js';
import { type Json, logSchema } from './fast-log-entry.js';

/**
 * A faster path still for the lines the store writes: reads a log line straight into the entry
 * zod would return, without JSON.parse. JSON.parse builds every entry from generic JSON and
 * the fast path then checks it against the schema; for a log of 100,000 entries that is most of
 * what reading it costs. A line the store wrote has a known form (compact JSON, keys in the
 * schema's order, defaults filled in), so each entry type's form is compiled once from the same
 * narrowed JSON Schema the fast path checks against: which keys, in which order, which are
 * needed, and how each value reads and is checked.
 *
 * The scanner only says yes to a line whose JSON it reads exactly as JSON.parse would and whose
 * entry the schema accepts unchanged; anything else (white space, numbers with a fraction or
 * exponent, keys out of order or twice, nested objects, a missing default, a bad value) it
 * leaves to the path that parses and explains it. So it never accepts what zod refuses, and
 * what it returns deep-equals (keys in order) what that path returns; the one difference is that
 * every empty `fields` is one frozen object. A string with escapes is read by JSON.parse of that
 * string alone. Lines may be scanned in any order, fastest in order.
 */

/** How a property's value is read: those the scanner does not read send the line to the slow path. */
type Reader = 'integer' | 'string' | 'boolean' | 'strings' | 'record' | 'type';

interface Field {
  key: string;
  /** The text before the value: `,"key":` (`{"key":` for the first). */
  head: string;
  /**
   * The key's first two characters (after the head's two; the closing quote for a key of one):
   * most absent keys are told by them alone (`to` and `text` by the second).
   */
  initial: number;
  second: number;
  /** Whether a line without it is for the slow path: required, or zod would fill a default. */
  needed: boolean;
  reader?: Reader;
  /** The property's own schema, when the reader's JSON type (and bounds) are not all it asks. */
  accepts?: (value: unknown) => boolean;
  /** An integer's bounds, when they are all its schema asks. */
  min: number;
  max: number;
  /** Whether the schema accepts any empty list or record (so ajv need not be asked). */
  emptyPasses: boolean;
  /** Index of the pool of strings read for this field, and whether it reads strings at all. */
  pool: number;
  pooled: boolean;
}

/** Makes an entry of the values read, in order. */
type Maker = (values: readonly unknown[]) => Json;

interface Form {
  /** The fields after `type`. */
  fields: Field[];
  /** Every key of the type, in the schema's order. */
  keys: string[];
  /** A maker for each set of keys a line had (a bit a key of `keys`). */
  makers: Map<number, Maker>;
}

interface Forms {
  /** The fields up to and including `type`, the same in every entry type. */
  head: Field[];
  forms: Map<string, Form>;
  pools: number;
}

/**
 * A function that makes an object with `keys`, from values in that order. Made with `new
 * Function`, as ajv makes its checks, so that each entry is built by one object literal: V8 then
 * sizes it once for its keys, where adding them one by one reallocates and reshapes it on the
 * way (measured: twice the time, and the garbage). The keys come from the log schema.
 */
function maker(keys: readonly string[]): Maker {
  const body = keys.map((key, i) => `${JSON.stringify(key)}: values[${i}]`).join(', ');
  return new Function('values', `return { ${body} };`) as Maker;
}

/**
 * The entry's record when a line has `{}` (every action without fields): one frozen object for
 * all of them. Nothing changes an entry read from a log, and 100,000 empty objects were a tenth
 * of what a long log keeps on the heap, copied by the collector while it is scored (100k read
 * and scored, steady state: 189-192 -> 169-173 ms; 200k: ~435 -> ~390). Frozen, so that a
 * change would fail loudly rather than reach every entry.
 */
const EMPTY = Object.freeze({});
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;
/** More digits than this may not be a safe integer: the slow path decides. */
const MAX_DIGITS = 15;

/**
 * Characters a JSON string must escape. A line with one raw in a string is not JSON (it can
 * be nowhere else in a line the scanner reads): JSON.parse refuses it, and so must the scanner.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const CONTROL = /[\x00-\x1f]/;

/**
 * A copy of a string in one piece. A slice of the log's text or a string built with `+` is a
 * reference into other strings, which V8 follows on every comparison; the strings the scanner
 * compares with again and again are copied once instead (JSON.parse makes new strings).
 */
function flat(value: string): string {
  return JSON.parse(JSON.stringify(value)) as string;
}

/**
 * Whether `text` has `part` at `pos`. Measured on this machine's Node, a slice compared with
 * `===` is faster than `startsWith` for every length the scanner compares, though it makes a
 * slice that dies young: a 95-character run 95 -> 28 ns; a 100,000-line scan with every
 * comparison made this way, 93 -> 64 ms (`startsWith` costs ~15 ns and ~1 ns a character).
 */
function has(text: string, part: string, pos: number): boolean {
  return text.slice(pos, pos + part.length) === part;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let before = at - 1;
  while (text.charCodeAt(before) === BACKSLASH) before--;
  return (at - 1 - before) % 2 === 1;
}

/** Which reader a property's JSON Schema allows, if the scanner can read it. */
function readerOf(schema: Json): Reader | undefined {
  if (schema.type === 'integer') return 'integer';
  if (schema.type === 'string') return 'string';
  if (schema.type === 'boolean') return 'boolean';
  const items = schema.items as Json | undefined;
  if (schema.type === 'array' && items?.type === 'string') return 'strings';
  const values = schema.additionalProperties as Json | undefined;
  if (schema.type === 'object' && !schema.properties && values?.type === 'string') return 'record';
  return undefined;
}

function fieldsOf(
  branch: Json,
  compile: (schema: Json) => (value: unknown) => boolean,
  poolOf: () => number,
): Field[] {
  const properties = branch.properties as Record<string, Json>;
  const required = new Set(branch.required as string[]);
  if (branch.additionalProperties !== false)
    throw new Error('the log line scanner reads only strict objects');
  return Object.entries(properties).map(([key, schema], i): Field => {
    const reader = key === 'type' ? 'type' : readerOf(schema);
    // Beyond the JSON type its reader gives, what the schema asks of the value (a pattern, a
    // minimum, an enum): checked by ajv, compiled from the property's schema.
    const asks = Object.keys(schema).filter((k) => k !== 'type' && k !== 'default');
    const only = (...keys: string[]) => asks.every((k) => keys.includes(k));
    // Bounds are all most integers ask: compared here, which saves calling ajv for each.
    const bounds = reader === 'integer' && only('minimum', 'maximum');
    return {
      key,
      head: flat(`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`),
      initial: JSON.stringify(key).charCodeAt(1),
      second: JSON.stringify(key).charCodeAt(2),
      needed: required.has(key) || 'default' in schema,
      reader,
      accepts: reader && reader !== 'type' && asks.length && !bounds ? compile(schema) : undefined,
      min: bounds && typeof schema.minimum === 'number' ? schema.minimum : -Infinity,
      max: bounds && typeof schema.maximum === 'number' ? schema.maximum : Infinity,
      // What a list's items or a record's keys and values must be, an empty one is.
      emptyPasses:
        (reader === 'strings' && only('items')) ||
        (reader === 'record' && only('propertyNames', 'additionalProperties')),
      pool: poolOf(),
      pooled: reader === 'string' || reader === 'type',
    };
  });
}

let forms: Forms | undefined;

/** Compiles each entry type's form from the log schema, on first use. */
function compileForms(): Forms {
  const { branches, compile } = logSchema();
  // One pool a field, not a key: a string checked for one type's field may not pass another's.
  let pools = 0;
  const poolOf = () => pools++;
  let head: Field[] | undefined;
  let first: Json | undefined;
  const forms = new Map<string, Form>();
  for (const [type, branch] of branches) {
    const fields = fieldsOf(branch, compile, poolOf);
    const at = fields.findIndex((f) => f.key === 'type');
    const mine = fields.slice(0, at + 1);
    // Every type must start alike, so that the type is known by the time it matters.
    head ??= mine;
    const same = (a: Field[], b: Field[]) =>
      a.length === b.length &&
      a.every(
        (f, i) => f.key === b[i]?.key && f.needed === b[i]?.needed && f.reader === b[i]?.reader,
      );
    const schemas = (b: Json) =>
      JSON.stringify(mine.map((f) => (f.key === 'type' ? null : (b.properties as Json)[f.key])));
    first ??= branch;
    if (at < 0 || !head[0]?.needed || !same(head, mine) || schemas(first) !== schemas(branch))
      throw new Error(
        `log entry '${type}' does not start as the others do: the scanner needs it to`,
      );
    if (fields.length > 30)
      throw new Error(`log entry '${type}' has more keys than the scanner reads`);
    forms.set(type, {
      fields: fields.slice(at + 1),
      keys: fields.map((f) => f.key),
      makers: new Map(),
    });
  }
  if (!head) throw new Error('the log schema has no entry types');
  return { head, forms, pools };
}

/**
 * Strings read for one key: a log repeats a handful of roles, actions, channels and persons,
 * and runs of one wall time. Handing back the first copy saves building (and checking) each
 * again and keeps one string alive instead of 100,000. After a trial, a key whose values rarely
 * repeat (free text) stops being looked up, and one whose values repeat only in runs (wall
 * times, which never come back once past) is looked up only in its last string: searching
 * the list on every new second of a long drill cost more than the whole read.
 *
 * A pool also keeps, for each of its strings, the run of pooled strings that followed it in a
 * line (a role is followed by its person, action and channel, line after line): a line that
 * repeats the run is read in one comparison. A run that keeps failing is relearnt from the line
 * that failed it; a pool whose runs fail more than a fifth of the time stops keeping them.
 */
class Pool {
  /** The strings, and each with its key before it and quotes around it, as a line has it. */
  readonly values: string[] = [];
  readonly framed: string[] = [];
  /** Index of the string found or added last: the likeliest next (one wall time in a row). */
  last = -1;
  off = false;
  /** Whether only `last` is worth comparing. */
  lastOnly = false;
  /** Where the next string goes once the pool is full (the oldest is replaced). */
  private next = 0;
  private lookups = 0;
  private lastHits = 0;
  private listHits = 0;
  /** The run that followed each string, by its index. */
  readonly runs: (Run | undefined)[] = [];
  runsOff = false;
  private runHits = 0;
  private runMisses = 0;

  /** Adds a string read after `head`, and returns the copy it keeps. */
  add(value: string, head: string): string {
    const kept = flat(value);
    const framed = flat(`${head}"${kept}"`);
    if (this.values.length < MAX_POOLED) {
      this.last = this.values.length;
      this.values.push(kept);
      this.framed.push(framed);
    } else {
      this.last = this.next;
      this.values[this.next] = kept;
      this.framed[this.next] = framed;
      this.runs[this.next] = undefined;
      this.next = (this.next + 1) % MAX_POOLED;
    }
    this.count();
    return kept;
  }

  hit(index: number): string {
    if (index === this.last) this.lastHits++;
    else this.listHits++;
    this.last = index;
    this.count();
    return this.values[index] as string;
  }

  /** The run after `last`, if the text at `pos` goes on with it (counted, hit or miss). */
  runAt(text: string, pos: number): Run | undefined {
    const run = this.runs[this.last];
    if (!run) return undefined;
    if (has(text, run.framed, pos)) {
      this.runHits++;
      return run;
    }
    if (++this.runMisses >= RUN_TRIAL && this.runMisses * 4 > this.runHits) this.runsOff = true;
    return undefined;
  }

  private count(): void {
    if (++this.lookups !== TRIAL) return;
    if ((this.lastHits + this.listHits) * 2 < TRIAL) this.off = true;
    else if (this.listHits * 8 < TRIAL) this.lastOnly = true;
  }
}
const MAX_POOLED = 64;
const TRIAL = 128;
/** Failed runs a pool tries before it judges whether its runs pay. */
const RUN_TRIAL = 64;

/**
 * Pooled strings that followed one in a line: each with its key, as the line had them
 * (`framed`, one flat string); the bits of their fields; the index of the last field.
 */
interface Run {
  framed: string;
  values: string[];
  mask: number;
  last: number;
}

/** Reads the lines of one log (one scanner a read: its pools are that log's strings). */
export class LogLineScanner {
  private readonly forms: Forms;
  private readonly pools: Pool[];
  /** Where the next backslash is, found once for all the lines before it. */
  private escapeAt = -1;
  private lastStart = 0;
  /** Whether the last string read had escapes. */
  private escaped = false;
  private pos = 0;
  /** The values of the line being read, in order, and how many. */
  private readonly values: unknown[] = [];
  private count = 0;

  constructor(private readonly text: string) {
    forms ??= compileForms();
    this.forms = forms;
    this.pools = Array.from({ length: forms.pools }, () => new Pool());
  }

  /**
   * The entry on the text from `start` to `end` (a line, without its newline), or undefined
   * when the line is for JSON.parse and the schema to read or explain.
   */
  scan(start: number, end: number): LogEntry | undefined {
    const text = this.text;
    // In a line without a backslash, every string ends at the next quote. (Found again if a
    // caller goes back: the backslash found last may lie past a line before it.)
    if (this.escapeAt < start || start < this.lastStart) {
      const at = text.indexOf('\\', start);
      this.escapeAt = at === -1 ? text.length : at;
    }
    this.lastStart = start;
    this.pos = start;
    this.count = 0;
    const { head, forms } = this.forms;
    let mask = this.fields(head, 0, end);
    if (mask < 0) return undefined;
    const form = forms.get(this.values[this.count - 1] as string);
    if (!form) return undefined;
    const more = this.fields(form.fields, head.length, end);
    if (more < 0) return undefined;
    if (this.pos !== end - 1 || text.charCodeAt(this.pos) !== CLOSE_BRACE) return undefined;
    mask |= more;
    let make = form.makers.get(mask);
    if (!make) {
      make = maker(form.keys.filter((_, i) => mask & (1 << i)));
      form.makers.set(mask, make);
    }
    return make(this.values) as LogEntry;
  }

  /**
   * Reads `fields` into `values`: a bit a field read (the first field being bit `from`), or -1
   * if the line is not for the scanner.
   */
  private fields(fields: readonly Field[], from: number, end: number): number {
    const text = this.text;
    let mask = 0;
    // A run being learnt: the pool and index of the string it follows, the pooled strings read
    // since (their key and quotes with them), the values' first slot, their fields' bits.
    let leader: Pool | undefined;
    let leaderAt = 0;
    let framed = '';
    let valuesFrom = 0;
    let runMask = 0;
    let last = 0;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as Field;
      if (
        text.charCodeAt(this.pos + 2) !== field.initial ||
        text.charCodeAt(this.pos + 3) !== field.second
      ) {
        if (field.needed) return -1;
        continue;
      }
      // A key and a string seen before, compared in one go.
      const pool = this.pools[field.pool] as Pool;
      const known = field.pooled && !pool.off ? this.pooled(pool) : undefined;
      if (known !== undefined) {
        this.values[this.count++] = known;
        mask |= 1 << (from + i);
        if (leader) {
          framed += pool.framed[pool.last] as string;
          runMask |= 1 << (from + i);
          last = i;
          continue;
        }
        if (pool.runsOff) continue;
        // The strings that followed this one last time, if the line goes on with them.
        const run = pool.runAt(text, this.pos);
        if (run) {
          for (const value of run.values) this.values[this.count++] = value;
          mask |= run.mask;
          this.pos += run.framed.length;
          i = run.last;
          continue;
        }
        if (pool.runsOff) continue;
        leader = pool;
        leaderAt = pool.last;
        framed = '';
        valuesFrom = this.count;
        runMask = 0;
        last = -1;
        continue;
      }
      if (leader) {
        if (last >= 0) leader.runs[leaderAt] = this.run(framed, valuesFrom, runMask, last);
        leader = undefined;
      }
      if (!has(text, field.head, this.pos)) {
        if (field.needed) return -1;
        continue;
      }
      this.pos += field.head.length;
      const value = this.value(field, end);
      if (value === undefined) return -1;
      this.values[this.count++] = value;
      mask |= 1 << (from + i);
    }
    if (leader && last >= 0) leader.runs[leaderAt] = this.run(framed, valuesFrom, runMask, last);
    return mask;
  }

  /** A run of the values from `from` on (to the last read), kept as one flat string. */
  private run(framed: string, from: number, mask: number, last: number): Run {
    return {
      framed: flat(framed),
      values: this.values.slice(from, this.count) as string[],
      mask,
      last,
    };
  }

  /**
   * The pooled string whose key, quotes and all, comes at `pos`, moving past it; undefined if
   * none does. Pooled strings have no backslash, so their closing quote closes the string.
   */
  private pooled(pool: Pool): string | undefined {
    const { framed, last } = pool;
    if (last >= 0 && this.opens(framed[last] as string)) return pool.hit(last);
    if (pool.lastOnly) return undefined;
    for (let i = 0; i < framed.length; i++) if (this.opens(framed[i] as string)) return pool.hit(i);
    return undefined;
  }

  /** Whether the text at `pos` has `known` (a key and its string); if so, moves past it. */
  private opens(known: string): boolean {
    // Most are told apart by where their closing quote would be.
    if (this.text.charCodeAt(this.pos + known.length - 1) !== QUOTE) return false;
    if (!has(this.text, known, this.pos)) return false;
    this.pos += known.length;
    return true;
  }

  /**
   * The value at `pos` for `field`, moving past it; undefined if the scanner cannot read it or
   * the field's schema refuses it.
   */
  private value(field: Field, end: number): unknown {
    switch (field.reader) {
      case 'string':
      case 'type':
        // Checks its own value, once for each pooled string.
        return this.string(field, end);
      case 'integer': {
        const value = this.integer();
        if (value === undefined || value < field.min || value > field.max) return undefined;
        return this.checked(field, value);
      }
      case 'boolean':
        return this.checked(field, this.word('true', true) ?? this.word('false', false));
      case 'strings': {
        const list = this.strings(end);
        return list?.length === 0 && field.emptyPasses ? list : this.checked(field, list);
      }
      case 'record': {
        const record = this.record(end);
        if (!record) return undefined;
        for (const _ in record) return this.checked(field, record);
        return field.emptyPasses ? record : this.checked(field, record);
      }
      default:
        return undefined;
    }
  }

  /** `value` if the field's schema accepts it (or asks nothing more than its reader). */
  private checked<T>(field: Field, value: T | undefined): T | undefined {
    if (value === undefined || (field.accepts && !field.accepts(value))) return undefined;
    return value;
  }

  private integer(): number | undefined {
    const text = this.text;
    let at = this.pos;
    let code = text.charCodeAt(at);
    if (code < ZERO || code > NINE) return undefined;
    let value = code - ZERO;
    at++;
    // JSON has no leading zeros: after a 0, a digit is the slow path's to refuse.
    if (value !== 0)
      for (code = text.charCodeAt(at); code >= ZERO && code <= NINE; code = text.charCodeAt(++at))
        value = value * 10 + (code - ZERO);
    if (at - this.pos > MAX_DIGITS) return undefined;
    this.pos = at;
    return value;
  }

  private string(field: Field, end: number): string | undefined {
    const value = this.quoted(end);
    if (value === undefined) return undefined;
    // Checked before it is pooled: a pooled string is known to pass this field's checks.
    if (field.accepts && !field.accepts(value)) return undefined;
    // Only strings written without escapes: one of them can equal a line's text only if that
    // text has no escapes either, so comparing the text with it is comparing the values.
    const pool = this.pools[field.pool] as Pool;
    return pool.off || this.escaped ? value : pool.add(value, field.head);
  }

  /**
   * The string at `pos`, moving past it; undefined if the text is not a JSON string. `escaped`
   * says whether it had escapes.
   */
  private quoted(end: number): string | undefined {
    const text = this.text;
    this.escaped = false;
    if (text.charCodeAt(this.pos) !== QUOTE) return undefined;
    const from = this.pos + 1;
    let close = text.indexOf('"', from);
    // In a line with a backslash, a quote after an odd number of them is part of the string.
    if (this.escapeAt < end)
      while (close !== -1 && close < end && isEscaped(text, close))
        close = text.indexOf('"', close + 1);
    if (close === -1 || close >= end) return undefined;
    this.pos = close + 1;
    const value = text.slice(from, close);
    if (this.escapeAt < close && value.includes('\\')) {
      this.escaped = true;
      // JSON.parse reads the escapes, and refuses bad ones and raw control characters.
      try {
        return JSON.parse(`"${value}"`) as string;
      } catch {
        return undefined;
      }
    }
    return CONTROL.test(value) ? undefined : value;
  }

  private word<T>(word: string, value: T): T | undefined {
    if (!has(this.text, word, this.pos)) return undefined;
    this.pos += word.length;
    return value;
  }

  private strings(end: number): string[] | undefined {
    const text = this.text;
    if (text.charCodeAt(this.pos) !== OPEN_BRACKET) return undefined;
    this.pos++;
    const list: string[] = [];
    if (text.charCodeAt(this.pos) === CLOSE_BRACKET) {
      this.pos++;
      return list;
    }
    for (;;) {
      const item = this.quoted(end);
      if (item === undefined) return undefined;
      list.push(item);
      const code = text.charCodeAt(this.pos++);
      if (code === CLOSE_BRACKET) return list;
      if (code !== COMMA) return undefined;
    }
  }

  private record(end: number): Record<string, string> | undefined {
    const text = this.text;
    if (text.charCodeAt(this.pos) !== OPEN_BRACE) return undefined;
    this.pos++;
    if (text.charCodeAt(this.pos) === CLOSE_BRACE) {
      this.pos++;
      return EMPTY as Record<string, string>;
    }
    const record: Record<string, string> = {};
    for (;;) {
      const key = this.quoted(end);
      // Assigning `__proto__` would set the prototype, where JSON.parse makes a property.
      if (key === undefined || key === '__proto__' || text.charCodeAt(this.pos++) !== COLON)
        return undefined;
      const value = this.quoted(end);
      if (value === undefined) return undefined;
      record[key] = value;
      const code = text.charCodeAt(this.pos++);
      if (code === CLOSE_BRACE) return record;
      if (code !== COMMA) return undefined;
    }
  }
}
