/**
 * Durations in manuals, scenarios and hand-written logs: `90s`, `5m`, `1h30m`, `250ms`,
 * or a clock-style offset `01:05:00` / `05:00` (hours:minutes:seconds / minutes:seconds).
 */
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
const UNIT_PATTERN = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const CLOCK_PATTERN = /^(?:(\d+):)?([0-5]?\d):([0-5]\d)$/;

/** The pattern a duration string must match; used by the schemas. */
export const DURATION_PATTERN =
  /^(?=.)(?:(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?|(?:\d+:)?[0-5]?\d:[0-5]\d)$/;

/** Parses a duration string to milliseconds; returns undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const clock = CLOCK_PATTERN.exec(text);
  if (clock) {
    const [, h, m, s] = clock;
    return Number(h ?? 0) * UNIT_MS.h + Number(m) * UNIT_MS.m + Number(s) * UNIT_MS.s;
  }
  const units = UNIT_PATTERN.exec(text);
  if (!units || text === '') return undefined;
  const [, h, m, s, ms] = units;
  return (
    Number(h ?? 0) * UNIT_MS.h +
    Number(m ?? 0) * UNIT_MS.m +
    Number(s ?? 0) * UNIT_MS.s +
    Number(ms ?? 0)
  );
}

/** Durations already parsed: the engine asks for the same few on every entry of a long log. */
const parsed = new Map<string, number>();

/** Like parseDuration, for values the schema has already checked. */
export function ms(text: string): number {
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`not a duration: ${JSON.stringify(text)}`);
  if (parsed.size < 10_000) parsed.set(text, value);
  return value;
}

/** Formats a drill-clock offset as `HH:MM:SS` (with `.mmm` when not whole seconds). */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '';
  const abs = Math.abs(offsetMs);
  const h = Math.floor(abs / UNIT_MS.h);
  const m = Math.floor((abs % UNIT_MS.h) / UNIT_MS.m);
  const s = Math.floor((abs % UNIT_MS.m) / UNIT_MS.s);
  const rest = abs % 1000;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${pad(h)}:${pad(m)}:${pad(s)}${rest ? `.${String(rest).padStart(3, '0')}` : ''}`;
}

/** Formats milliseconds as a short human duration: `4m 30s`, `1h 2m`, `45s`. */
export function formatDuration(durationMs: number): string {
  if (durationMs < 0) return `-${formatDuration(-durationMs)}`;
  const total = Math.round(durationMs / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''];
  return parts.filter(Boolean).join(' ');
}
