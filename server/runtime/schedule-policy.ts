import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import type { Random } from './random.js';

/**
 * When a drill may start: allowed hours, blackout dates, the secret moment of a surprise drill and
 * what to do with a drill that fell due while the server was down. Pure: `now` is a parameter and
 * randomness comes from the injected `Random`.
 *
 * Allowed hours are read off the wall clock of their time zone: a moment is allowed when the local
 * clock shows a time in [from, to) on an allowed ISO weekday, and its local date is not a blackout
 * date. So a DST change moves the allowed stretch in UTC with the local clock, a local hour skipped
 * in spring holds no allowed time and one repeated in autumn is allowed both times. When `from` is
 * after `to` (`22:00`–`06:00`) the stretch runs overnight and belongs to the weekday it starts on;
 * `to` may be `24:00`. Without allowed hours every moment is allowed except on blackout dates,
 * which are then taken in UTC.
 */

dayjs.extend(utc);

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How often the UTC offset is sampled to find DST changes; real zones change far less often. */
const OFFSET_PROBE_MS = 12 * 3_600_000;
const WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Allowed hours as the catalogue stores them (`weekdays` may be left out: Monday to Friday). */
export interface AllowedHoursRule {
  /** `HH:mm`, inclusive. */
  from: string;
  /** `HH:mm`, exclusive; `24:00` for the end of the day. */
  to: string;
  /** IANA time zone, e.g. `Asia/Seoul`. */
  timeZone: string;
  /** ISO weekdays, 1 = Monday. */
  weekdays?: readonly number[];
}

/** Where a drill may start: a drill record's `allowedHours` and `blackoutDates`. */
export interface MomentPolicy {
  allowedHours?: AllowedHoursRule | undefined;
  /** `YYYY-MM-DD` in the allowed hours' time zone (UTC when there are none). */
  blackoutDates: readonly string[];
}

/** A span of epoch milliseconds, `from` inclusive, `to` exclusive. */
export interface Interval {
  from: number;
  to: number;
}

/** A policy checked and turned into numbers. */
interface Rule {
  timeZone: string;
  fromMs: number;
  toMs: number;
  weekdays: ReadonlySet<number>;
  blackouts: ReadonlySet<string>;
}

/** Minutes since midnight of an `HH:mm`, or undefined; `24:00` only when `endOfDay`. */
function minutesOf(text: string, endOfDay: boolean): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59) return undefined;
  return minutes < 24 * 60 || (endOfDay && minutes === 24 * 60) ? minutes : undefined;
}

// One formatter per zone, as dayjs's timezone plugin keeps internally. Its public `.tz()` is not
// used: it builds a new formatter on every call (~50 µs against ~4 µs) and reads the local fields
// through the host's own time zone, which shifts them by an hour in the host's DST gap.
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function offsetFormat(timeZone: string): Intl.DateTimeFormat {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  return format;
}

function isTimeZone(name: string): boolean {
  try {
    offsetFormat(name);
    return true;
  } catch {
    return false;
  }
}

function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && dayjs.utc(text).format('YYYY-MM-DD') === text;
}

/** What is wrong with a policy, in words for the person who set it; empty when it is usable. */
export function policyProblems(policy: MomentPolicy): string[] {
  const problems: string[] = [];
  const hours = policy.allowedHours;
  if (hours) {
    const from = minutesOf(hours.from, false);
    const to = minutesOf(hours.to, true);
    if (from === undefined) problems.push(`allowed hours start "${hours.from}" is not 00:00–23:59`);
    if (to === undefined) problems.push(`allowed hours end "${hours.to}" is not 00:00–24:00`);
    if (from !== undefined && from === to) {
      problems.push(
        `allowed hours ${hours.from}–${hours.to} hold no time (00:00–24:00 is all day)`,
      );
    }
    if (hours.weekdays && !hours.weekdays.some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
      problems.push('allowed hours name no weekday (1 = Monday … 7 = Sunday)');
    }
    if (!isTimeZone(hours.timeZone)) problems.push(`"${hours.timeZone}" is not a time zone`);
  }
  for (const date of policy.blackoutDates) {
    if (!isCalendarDate(date)) problems.push(`blackout date "${date}" is not a YYYY-MM-DD date`);
  }
  return problems;
}

function ruleOf(policy: MomentPolicy): Rule | string[] {
  const problems = policyProblems(policy);
  if (problems.length > 0) return problems;
  const hours = policy.allowedHours;
  return {
    timeZone: hours?.timeZone ?? 'UTC',
    fromMs: hours ? (minutesOf(hours.from, false) ?? 0) * MINUTE : 0,
    toMs: hours ? (minutesOf(hours.to, true) ?? 0) * MINUTE : DAY,
    weekdays: new Set(hours ? (hours.weekdays ?? [1, 2, 3, 4, 5]) : [1, 2, 3, 4, 5, 6, 7]),
    blackouts: new Set(policy.blackoutDates),
  };
}

function usableRule(policy: MomentPolicy): Rule {
  const rule = ruleOf(policy);
  if (Array.isArray(rule)) throw new RangeError(`unusable schedule policy: ${rule.join('; ')}`);
  return rule;
}

/** The zone's UTC offset at `epochMs`, in milliseconds. */
function offsetAt(timeZone: string, epochMs: number): number {
  if (timeZone === 'UTC') return 0;
  const name = offsetFormat(timeZone)
    .formatToParts(epochMs)
    .find((part) => part.type === 'timeZoneName')?.value;
  // `GMT`, `GMT+09:00`, `GMT-03:30`, or with seconds for old local mean times.
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name ?? '');
  if (!match) throw new RangeError(`cannot read the UTC offset of ${timeZone} from "${name}"`);
  const [, sign, h = '0', m = '0', sec = '0'] = match;
  const size = (Number(h) * 3_600 + Number(m) * 60 + Number(sec)) * 1_000;
  return sign === '-' ? -size : size;
}

// "Local" below means wall-clock milliseconds: epoch ms plus the offset, read as if it were UTC.
function isoWeekday(localDay: number): number {
  return ((((Math.floor(localDay / DAY) + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

function dateOf(local: number): string {
  return dayjs.utc(local).format('YYYY-MM-DD');
}

/** The allowed stretches of wall-clock time on the local day starting at `day`. */
function stretchesOn(rule: Rule, day: number): [number, number][] {
  if (rule.blackouts.has(dateOf(day))) return [];
  if (rule.fromMs < rule.toMs) {
    return rule.weekdays.has(isoWeekday(day)) ? [[day + rule.fromMs, day + rule.toMs]] : [];
  }
  const stretches: [number, number][] = [];
  if (rule.weekdays.has(isoWeekday(day - DAY))) stretches.push([day, day + rule.toMs]);
  if (rule.weekdays.has(isoWeekday(day))) stretches.push([day + rule.fromMs, day + DAY]);
  return stretches;
}

/** Whether the wall-clock moment `local` is allowed. */
function allowedLocal(rule: Rule, local: number): boolean {
  const day = Math.floor(local / DAY) * DAY;
  return stretchesOn(rule, day).some(([from, to]) => local >= from && local < to);
}

/** [from, to) cut where the zone's offset changes, each piece with its offset. */
function constantOffsetSpans(timeZone: string, from: number, to: number) {
  const spans: { from: number; to: number; offset: number }[] = [];
  let start = from;
  let offset = offsetAt(timeZone, from);
  let probe = from;
  for (;;) {
    const next = Math.min(probe + OFFSET_PROBE_MS, to - 1);
    if (next <= probe) break;
    if (offsetAt(timeZone, next) === offset) {
      probe = next;
      continue;
    }
    // The offset changed in (probe, next]: find the first millisecond with the new one.
    let same = probe;
    let changed = next;
    while (changed - same > 1) {
      const mid = Math.floor((same + changed) / 2);
      if (offsetAt(timeZone, mid) === offset) same = mid;
      else changed = mid;
    }
    spans.push({ from: start, to: changed, offset });
    start = changed;
    offset = offsetAt(timeZone, changed);
    probe = changed;
  }
  spans.push({ from: start, to, offset });
  return spans;
}

/**
 * Whether a drill may start at `epochMs`: inside the allowed hours (if any) and not on a blackout
 * date. Throws a RangeError when the policy is unusable (see `policyProblems`).
 */
export function isAllowedMoment(epochMs: number, policy: MomentPolicy): boolean {
  const rule = usableRule(policy);
  return allowedLocal(rule, epochMs + offsetAt(rule.timeZone, epochMs));
}

/**
 * The allowed part of `window` as sorted, disjoint, non-touching intervals of epoch ms. Exactly
 * the moments `isAllowedMoment` accepts. Throws a RangeError when the policy is unusable.
 */
export function allowedIntervals(window: Interval, policy: MomentPolicy): Interval[] {
  const rule = usableRule(policy);
  const intervals: Interval[] = [];
  if (!(Number.isFinite(window.from) && Number.isFinite(window.to) && window.from < window.to)) {
    return intervals;
  }
  for (const span of constantOffsetSpans(rule.timeZone, window.from, window.to)) {
    const localFrom = span.from + span.offset;
    const localTo = span.to + span.offset;
    for (let day = Math.floor(localFrom / DAY) * DAY; day < localTo; day += DAY) {
      for (const [a, b] of stretchesOn(rule, day)) {
        const from = Math.max(a, localFrom) - span.offset;
        const to = Math.min(b, localTo) - span.offset;
        if (from >= to) continue;
        const last = intervals.at(-1);
        if (last && last.to >= from) last.to = Math.max(last.to, to);
        else intervals.push({ from, to });
      }
    }
  }
  return intervals;
}

export type DrawResult =
  | {
      ok: true;
      at: number;
      /** How many moments it was drawn from. */
      choices: number;
    }
  | { ok: false; code: 'empty_window' | 'no_allowed_moment' | 'invalid_policy'; reason: string };

export interface DrawRequest extends MomentPolicy {
  /** Epoch ms, `from` inclusive, `to` exclusive. */
  window: Interval;
  random: Random;
  /** Drawn moments are whole multiples of this since the epoch; default one minute. */
  granularityMs?: number;
}

/**
 * The secret moment of a surprise drill: uniformly one of the allowed whole minutes (multiples of
 * `granularityMs`) in the window, so every allowed minute is equally likely whatever the length of
 * the stretch it is in. Same random sequence, same moment. When the window holds no allowed
 * moment, or the policy is unusable, an error result whose `reason` a facilitator can read.
 */
export function drawSurpriseMoment(request: DrawRequest): DrawResult {
  const { window, random, granularityMs = MINUTE } = request;
  if (!(Number.isInteger(granularityMs) && granularityMs > 0)) {
    throw new RangeError(`granularity must be a positive whole number of ms, not ${granularityMs}`);
  }
  if (!(Number.isFinite(window.from) && Number.isFinite(window.to))) {
    return { ok: false, code: 'empty_window', reason: 'the window needs a start and an end' };
  }
  if (window.from >= window.to) {
    const zone = request.allowedHours?.timeZone ?? 'UTC';
    const span = `${formatMoment(window.from, zone)} to ${formatMoment(window.to, zone)} ${zone}`;
    return { ok: false, code: 'empty_window', reason: `the window (${span}) holds no time` };
  }
  const problems = policyProblems(request);
  if (problems.length > 0)
    return { ok: false, code: 'invalid_policy', reason: problems.join('; ') };
  // Each interval holds the multiples of the granularity in [from, to).
  const counted = allowedIntervals(window, request).map((interval) => ({
    first: Math.ceil(interval.from / granularityMs),
    count: Math.ceil(interval.to / granularityMs) - Math.ceil(interval.from / granularityMs),
  }));
  const choices = counted.reduce((sum, c) => sum + c.count, 0);
  if (choices === 0) {
    const zone = request.allowedHours?.timeZone ?? 'UTC';
    return {
      ok: false,
      code: 'no_allowed_moment',
      reason: `no moment ${describeWindow(window, zone)} is allowed (${describePolicy(request)})`,
    };
  }
  const r = random();
  if (!(r >= 0 && r < 1))
    throw new RangeError(`the random source gave ${r}, not a number in [0, 1)`);
  let index = Math.min(choices - 1, Math.floor(r * choices));
  for (const { first, count } of counted) {
    if (index < count) return { ok: true, at: (first + index) * granularityMs, choices };
    index -= count;
  }
  throw new Error('unreachable: the index is below the number of choices');
}

export type StartDecision =
  | { action: 'wait'; at: number }
  | { action: 'start'; lateMs: number }
  | {
      action: 'miss';
      code: 'too_late' | 'not_allowed' | 'invalid_policy' | 'no_due_time';
      reason: string;
    };

export interface StartRequest extends MomentPolicy {
  dueAt: number;
  now: number;
  /** How late a due drill may still start; exactly this late still starts. */
  lateStartMinutes: number;
  /** When the server was last known to be running before this check, if it was down. */
  serverDownSince?: number | undefined;
  /** Zone for the times in `reason` when there are no allowed hours (default UTC). */
  displayTimeZone?: string | undefined;
}

/**
 * What to do with a drill due at `dueAt`, seen at `now`: wait until it is due; start it if it is
 * at most `lateStartMinutes` late and `now` is an allowed moment; else miss it, with a reason a
 * facilitator reads.
 */
export function startDecision(request: StartRequest): StartDecision {
  const { dueAt, now } = request;
  if (!Number.isFinite(dueAt)) {
    return { action: 'miss', code: 'no_due_time', reason: 'the drill has no valid due time' };
  }
  if (now < dueAt) return { action: 'wait', at: dueAt };
  const problems = policyProblems(request);
  if (problems.length > 0) {
    return { action: 'miss', code: 'invalid_policy', reason: problems.join('; ') };
  }
  const display = request.displayTimeZone;
  const zone = request.allowedHours?.timeZone ?? (display && isTimeZone(display) ? display : 'UTC');
  const lateMs = now - dueAt;
  const allowedMinutes = Math.max(0, request.lateStartMinutes);
  const due = `due at ${formatMoment(dueAt, zone)} ${zone}`;
  if (lateMs > allowedMinutes * MINUTE) {
    const down =
      request.serverDownSince === undefined
        ? ''
        : `the server was down from ${formatMoment(request.serverDownSince, zone)} to ${formatMoment(now, zone, request.serverDownSince)} ${zone}; `;
    const limit =
      allowedMinutes === 0
        ? 'and no late start is allowed'
        : `more than the ${allowedMinutes} allowed`;
    return {
      action: 'miss',
      code: 'too_late',
      reason: `${down}${due}, now ${formatMoment(now, zone, dueAt)}: ${formatLateness(lateMs)} late, ${limit}`,
    };
  }
  const rule = usableRule(request);
  const local = now + offsetAt(rule.timeZone, now);
  if (!allowedLocal(rule, local)) {
    const date = dateOf(local);
    const why = rule.blackouts.has(date)
      ? `${date} is a blackout date`
      : `now (${formatMoment(now, zone, dueAt)}) is outside allowed hours ${describePolicy(request)}`;
    return { action: 'miss', code: 'not_allowed', reason: `${due} but ${why}` };
  }
  return { action: 'start', lateMs };
}

/** `09:00–18:00 Mon–Fri Asia/Seoul`; `any time` when there are no allowed hours. */
export function describeAllowedHours(hours: AllowedHoursRule | undefined): string {
  if (!hours) return 'any time';
  const days = [...new Set(hours.weekdays ?? [1, 2, 3, 4, 5])].sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run && run.at(-1) === day - 1) run.push(day);
    else runs.push([day]);
  }
  const named =
    days.length === 7
      ? 'every day'
      : runs
          .map((run) =>
            run.length >= 3
              ? `${WEEKDAY_NAMES[run[0] ?? 0]}–${WEEKDAY_NAMES[run.at(-1) ?? 0]}`
              : run.map((d) => WEEKDAY_NAMES[d]).join(', '),
          )
          .join(', ');
  return `${hours.from}–${hours.to} ${named} ${hours.timeZone}`;
}

function describePolicy(policy: MomentPolicy): string {
  const dates = policy.blackoutDates;
  const hours = describeAllowedHours(policy.allowedHours);
  const zone = policy.allowedHours ? '' : ' (UTC)';
  return dates.length === 0 ? hours : `${hours}, not on ${dates.join(', ')}${zone}`;
}

function describeWindow(window: Interval, zone: string): string {
  return `between ${formatMoment(window.from, zone)} and ${formatMoment(window.to, zone, window.from)} ${zone}`;
}

/**
 * For staff only (never participants): the window, the policy and how much allowed time the window
 * holds, e.g. `between 2025-03-03 00:00 and 2025-03-29 00:00 Asia/Seoul, 09:00–18:00 Mon–Fri
 * Asia/Seoul, not on 2025-03-14: 171 allowed hours`. Throws a RangeError when the policy is unusable.
 */
export function describeWindowForStaff(
  window: Interval,
  policy: MomentPolicy,
  displayTimeZone = 'UTC',
): string {
  const zone =
    policy.allowedHours?.timeZone ?? (isTimeZone(displayTimeZone) ? displayTimeZone : 'UTC');
  const allowedMs = allowedIntervals(window, policy).reduce((sum, i) => sum + i.to - i.from, 0);
  const hours = Math.round((allowedMs / 3_600_000) * 10) / 10;
  return `${describeWindow(window, zone)}, ${describePolicy(policy)}: ${hours} allowed ${hours === 1 ? 'hour' : 'hours'}`;
}

/** `2025-03-04 10:00` in `zone` (seconds when not whole); only the time when on `sameDayAs`'s date. */
function formatMoment(epochMs: number, zone: string, sameDayAs?: number): string {
  const local = epochMs + offsetAt(zone, epochMs);
  const time = dayjs.utc(local).format(local % MINUTE === 0 ? 'HH:mm' : 'HH:mm:ss');
  if (sameDayAs !== undefined && dateOf(sameDayAs + offsetAt(zone, sameDayAs)) === dateOf(local)) {
    return time;
  }
  return `${dateOf(local)} ${time}`;
}

/** `47 minutes`, `2 hours 15 minutes 1 second`: whole seconds, rounded up, never reads on time. */
function formatLateness(lateMs: number): string {
  let seconds = Math.ceil(lateMs / 1_000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ] as const) {
    const n = Math.floor(seconds / size);
    seconds -= n * size;
    if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || '0 seconds';
}
