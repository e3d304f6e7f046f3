import { expect } from 'chai';
import { between, type Random, seededRandom } from '../../../server/runtime/random.js';
import {
  type AllowedHoursRule,
  allowedIntervals,
  describeAllowedHours,
  describeWindowForStaff,
  drawSurpriseMoment,
  isAllowedMoment,
  type MomentPolicy,
  policyProblems,
  startDecision,
} from '../../../server/runtime/schedule-policy.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

const SEOUL_OFFICE: AllowedHoursRule = {
  from: '09:00',
  to: '18:00',
  timeZone: 'Asia/Seoul',
  weekdays: [1, 2, 3, 4, 5],
};
const office: MomentPolicy = { allowedHours: SEOUL_OFFICE, blackoutDates: [] };
const everyDay = (from: string, to: string, timeZone: string): MomentPolicy => ({
  allowedHours: { from, to, timeZone, weekdays: [1, 2, 3, 4, 5, 6, 7] },
  blackoutDates: [],
});

// An oracle written apart from the code under test: Intl reads the local wall clock directly.
const formats = new Map<string, Intl.DateTimeFormat>();
function wallClock(epochMs: number, timeZone: string) {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(epochMs).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part.weekday ?? '') + 1;
  const minutes =
    Number(part.hour) * 60 +
    Number(part.minute) +
    Number(part.second) / 60 +
    (((epochMs % 1000) + 1000) % 1000) / MINUTE;
  return { date: `${part.year}-${part.month}-${part.day}`, minutes, weekday };
}

function oracleAllows(epochMs: number, policy: MomentPolicy): boolean {
  const hours = policy.allowedHours;
  const local = wallClock(epochMs, hours?.timeZone ?? 'UTC');
  if (policy.blackoutDates.includes(local.date)) return false;
  if (!hours) return true;
  const [fh = 0, fm = 0] = hours.from.split(':').map(Number);
  const [th = 0, tm = 0] = hours.to.split(':').map(Number);
  const from = fh * 60 + fm;
  const to = th * 60 + tm;
  const days = hours.weekdays ?? [1, 2, 3, 4, 5];
  const yesterday = local.weekday === 1 ? 7 : local.weekday - 1;
  if (from < to) return days.includes(local.weekday) && local.minutes >= from && local.minutes < to;
  return (
    (days.includes(local.weekday) && local.minutes >= from) ||
    (days.includes(yesterday) && local.minutes < to)
  );
}

const ZONES = [
  'Asia/Seoul',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'UTC',
  'Australia/Lord_Howe',
];
/** Around DST changes (and a few quiet dates), where schedules go wrong. */
const HOT_SPOTS = [
  '2025-03-30T00:00:00Z',
  '2025-10-26T00:00:00Z',
  '2025-03-09T06:00:00Z',
  '2025-11-02T05:00:00Z',
  '2025-04-06T00:00:00Z',
  '2025-10-05T00:00:00Z',
  '2025-06-16T00:00:00Z',
  '2026-01-01T00:00:00Z',
].map(at);

function pick<T>(random: Random, items: readonly T[]): T {
  return items[between(random, 0, items.length - 1)] as T;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A random window and policy that a facilitator might set, often across a DST change. */
function randomCase(random: Random): {
  window: { from: number; to: number };
  policy: MomentPolicy;
} {
  const from = pick(random, HOT_SPOTS) + between(random, -5 * DAY, 5 * DAY);
  const length =
    pick(random, [90_000, 2 * HOUR, 1 * DAY, 3 * DAY, 20 * DAY]) + between(random, 0, HOUR);
  const timeZone = pick(random, ZONES);
  const start = between(random, 0, 95) * 15;
  let end = between(random, 0, 96) * 15;
  if (end === start) end = 24 * 60;
  const weekdays = [1, 2, 3, 4, 5, 6, 7].filter(() => random() < 0.6);
  const blackoutDates = Array.from(
    { length: between(random, 0, 3) },
    () => wallClock(from + between(random, 0, length), timeZone).date,
  );
  const allowedHours =
    random() < 0.85
      ? { from: hhmm(start), to: hhmm(end), timeZone, weekdays: weekdays.length ? weekdays : [3] }
      : undefined;
  return { window: { from, to: from + length }, policy: { allowedHours, blackoutDates } };
}

describe('schedule policy', () => {
  describe('isAllowedMoment()', () => {
    it('allows from the start of allowed hours up to, not including, their end', () => {
      // 2025-03-03 is a Monday; Seoul is UTC+9 all year.
      expect(isAllowedMoment(at('2025-03-03T00:00:00Z'), office)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-02T23:59:59.999Z'), office)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-03T08:59:59.999Z'), office)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-03T09:00:00Z'), office)).to.equal(false);
    });

    it('allows only the listed ISO weekdays, Monday to Friday by default', () => {
      const saturdayNoon = at('2025-03-08T03:00:00Z');
      expect(isAllowedMoment(saturdayNoon, office)).to.equal(false);
      const { weekdays: _, ...noWeekdays } = SEOUL_OFFICE;
      expect(
        isAllowedMoment(saturdayNoon, { allowedHours: noWeekdays, blackoutDates: [] }),
      ).to.equal(false);
      expect(isAllowedMoment(at('2025-03-07T03:00:00Z'), { ...office, allowedHours: noWeekdays }))
        .to.be.true;
      const weekend = { allowedHours: { ...SEOUL_OFFICE, weekdays: [6, 7] }, blackoutDates: [] };
      expect(isAllowedMoment(saturdayNoon, weekend)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-07T03:00:00Z'), weekend)).to.equal(false);
    });

    it('refuses a blackout date taken in the allowed hours’ time zone', () => {
      const policy = { allowedHours: SEOUL_OFFICE, blackoutDates: ['2025-03-14'] };
      expect(isAllowedMoment(at('2025-03-14T01:00:00Z'), policy)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-13T01:00:00Z'), policy)).to.equal(true);
      const allDay = { ...everyDay('00:00', '24:00', 'Asia/Seoul'), blackoutDates: ['2025-03-14'] };
      // 2025-03-13 15:30 UTC is already the 14th in Seoul.
      expect(isAllowedMoment(at('2025-03-13T15:30:00Z'), allDay)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-14T15:30:00Z'), allDay)).to.equal(true);
    });

    it('takes blackout dates in UTC when there are no allowed hours', () => {
      const policy = { blackoutDates: ['2025-03-14'] };
      expect(isAllowedMoment(at('2025-03-13T23:59:59.999Z'), policy)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-14T00:00:00Z'), policy)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-14T23:30:00Z'), policy)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-15T00:00:00Z'), policy)).to.equal(true);
    });

    it('runs overnight hours past midnight, counted to the weekday they start on', () => {
      const fridayNights = {
        allowedHours: { from: '22:00', to: '06:00', timeZone: 'UTC', weekdays: [5] },
        blackoutDates: [],
      };
      expect(isAllowedMoment(at('2025-03-07T23:00:00Z'), fridayNights)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-08T05:59:00Z'), fridayNights)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-08T06:00:00Z'), fridayNights)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-08T22:00:00Z'), fridayNights)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-07T03:00:00Z'), fridayNights)).to.equal(false);
    });

    it('follows the local clock across a DST change (Europe/Berlin, 30 March 2025)', () => {
      const policy = everyDay('09:00', '18:00', 'Europe/Berlin');
      // Saturday in CET (UTC+1), Sunday in CEST (UTC+2).
      expect(isAllowedMoment(at('2025-03-29T07:59:00Z'), policy)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-29T08:00:00Z'), policy)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-30T06:59:00Z'), policy)).to.equal(false);
      expect(isAllowedMoment(at('2025-03-30T07:00:00Z'), policy)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-30T15:59:00Z'), policy)).to.equal(true);
      expect(isAllowedMoment(at('2025-03-30T16:00:00Z'), policy)).to.equal(false);
    });

    it('throws on a policy it cannot use, whose problems policyProblems() names', () => {
      const bad = {
        allowedHours: { from: '9:00', to: '24:30', timeZone: 'Asia/Pangyo', weekdays: [9] },
        blackoutDates: ['2025-02-30'],
      };
      expect(policyProblems(bad)).to.deep.equal([
        'allowed hours start "9:00" is not 00:00–23:59',
        'allowed hours end "24:30" is not 00:00–24:00',
        'allowed hours name no weekday (1 = Monday … 7 = Sunday)',
        '"Asia/Pangyo" is not a time zone',
        'blackout date "2025-02-30" is not a YYYY-MM-DD date',
      ]);
      expect(policyProblems(everyDay('09:00', '09:00', 'UTC'))).to.have.length(1);
      expect(policyProblems(office)).to.deep.equal([]);
      expect(() => isAllowedMoment(0, bad)).to.throw(RangeError, /Asia\/Pangyo/);
    });
  });

  describe('allowedIntervals()', () => {
    it('is exactly the set of moments isAllowedMoment() and the local wall clock allow', () => {
      for (let seed = 1; seed <= 150; seed++) {
        const random = seededRandom(seed);
        const { window, policy } = randomCase(random);
        const intervals = allowedIntervals(window, policy);
        const inside = (t: number) => intervals.some((i) => t >= i.from && t < i.to);
        for (const interval of intervals) {
          expect(interval.from, `seed ${seed}`).to.be.at.least(window.from);
          expect(interval.to, `seed ${seed}`).to.be.at.most(window.to);
          for (const t of [interval.from, interval.to - 1]) {
            expect(isAllowedMoment(t, policy), `seed ${seed} at ${t}`).to.equal(true);
            expect(oracleAllows(t, policy), `seed ${seed} at ${t}`).to.equal(true);
          }
          for (const t of [interval.from - 1, interval.to]) {
            if (t < window.from || t >= window.to) continue;
            expect(oracleAllows(t, policy), `seed ${seed} at ${t}`).to.equal(false);
          }
        }
        for (let n = 0; n < 40; n++) {
          const t = between(random, window.from, window.to - 1);
          expect(inside(t), `seed ${seed} at ${t}`).to.equal(oracleAllows(t, policy));
          expect(isAllowedMoment(t, policy), `seed ${seed} at ${t}`).to.equal(inside(t));
        }
      }
    });

    it('holds two hours on the spring-forward night and four on the fall-back night', () => {
      const spring = allowedIntervals(
        { from: at('2025-03-29T22:00:00Z'), to: at('2025-03-30T22:00:00Z') },
        everyDay('01:00', '04:00', 'Europe/Berlin'),
      );
      // 01:00–02:00 CET, then the clock jumps to 03:00 CEST; 03:00–04:00 CEST.
      expect(spring).to.deep.equal([
        { from: at('2025-03-30T00:00:00Z'), to: at('2025-03-30T02:00:00Z') },
      ]);
      const autumn = allowedIntervals(
        { from: at('2025-10-25T22:00:00Z'), to: at('2025-10-26T23:00:00Z') },
        everyDay('02:00', '03:00', 'Europe/Berlin'),
      );
      // 02:00–03:00 happens twice: first in CEST, then again in CET.
      expect(autumn).to.deep.equal([
        { from: at('2025-10-26T00:00:00Z'), to: at('2025-10-26T02:00:00Z') },
      ]);
    });
  });

  describe('drawSurpriseMoment()', () => {
    it('draws only whole minutes inside the window, in allowed hours, off blackout dates', () => {
      let drawn = 0;
      for (let seed = 1; seed <= 400; seed++) {
        const { window, policy } = randomCase(seededRandom(seed));
        const result = drawSurpriseMoment({ window, ...policy, random: seededRandom(seed * 7919) });
        if (!result.ok) {
          expect(result.code, `seed ${seed}`).to.equal('no_allowed_moment');
          const minutes = allowedIntervals(window, policy).filter(
            (i) => Math.ceil(i.to / MINUTE) > Math.ceil(i.from / MINUTE),
          );
          expect(minutes, `seed ${seed}`).to.deep.equal([]);
          continue;
        }
        drawn++;
        const local = wallClock(result.at, policy.allowedHours?.timeZone ?? 'UTC');
        expect(result.at % MINUTE, `seed ${seed}`).to.equal(0);
        expect(result.at, `seed ${seed}`).to.be.within(window.from, window.to - 1);
        expect(policy.blackoutDates, `seed ${seed}`).not.to.include(local.date);
        expect(oracleAllows(result.at, policy), `seed ${seed}`).to.equal(true);
        expect(isAllowedMoment(result.at, policy), `seed ${seed}`).to.equal(true);
      }
      expect(drawn).to.be.above(200);
    });

    it('gives the same moment for the same seed', () => {
      const window = { from: at('2025-03-02T15:00:00Z'), to: at('2025-05-31T15:00:00Z') };
      const request = { window, ...office, blackoutDates: ['2025-03-14'] };
      const moments = new Set<number>();
      for (let seed = 1; seed <= 50; seed++) {
        const first = drawSurpriseMoment({ ...request, random: seededRandom(seed) });
        const again = drawSurpriseMoment({ ...request, random: seededRandom(seed) });
        expect(again).to.deep.equal(first);
        if (first.ok) moments.add(first.at);
      }
      expect(moments.size).to.be.above(45);
    });

    it('gives two equal allowed days roughly equal shares', () => {
      // Monday and Tuesday office hours in Seoul, 540 minutes each.
      const window = { from: at('2025-03-02T15:00:00Z'), to: at('2025-03-04T15:00:00Z') };
      const random = seededRandom(2022);
      const counts = new Map<string, number>();
      for (let n = 0; n < 2_000; n++) {
        const result = drawSurpriseMoment({ window, ...office, random });
        if (!result.ok) throw new Error(result.reason);
        const date = wallClock(result.at, 'Asia/Seoul').date;
        counts.set(date, (counts.get(date) ?? 0) + 1);
      }
      expect([...counts.keys()].sort()).to.deep.equal(['2025-03-03', '2025-03-04']);
      expect(counts.get('2025-03-03')).to.be.within(850, 1_150);
    });

    it('weighs each stretch by its length, not one share per stretch', () => {
      // All of Monday's nine hours and Tuesday 09:00–12:00: three to one.
      const window = { from: at('2025-03-02T15:00:00Z'), to: at('2025-03-04T03:00:00Z') };
      const random = seededRandom(7);
      let tuesday = 0;
      let firstOrLastMinute = 0;
      for (let n = 0; n < 2_000; n++) {
        const result = drawSurpriseMoment({ window, ...office, random });
        if (!result.ok) throw new Error(result.reason);
        expect(result.choices).to.equal(540 + 180);
        const local = wallClock(result.at, 'Asia/Seoul');
        if (local.date === '2025-03-04') tuesday++;
        if ([9 * 60, 18 * 60 - 1, 12 * 60 - 1].includes(local.minutes)) firstOrLastMinute++;
      }
      expect(tuesday).to.be.within(400, 600);
      expect(firstOrLastMinute).to.be.below(40);
    });

    it('spreads over both occurrences of a repeated hour and skips a missing one', () => {
      const autumn = {
        window: { from: at('2025-10-25T22:00:00Z'), to: at('2025-10-26T23:00:00Z') },
        ...everyDay('02:00', '03:00', 'Europe/Berlin'),
      };
      const random = seededRandom(11);
      let summerTime = 0;
      for (let n = 0; n < 1_000; n++) {
        const result = drawSurpriseMoment({ ...autumn, random });
        if (!result.ok) throw new Error(result.reason);
        if (result.at < at('2025-10-26T01:00:00Z')) summerTime++;
        expect(wallClock(result.at, 'Europe/Berlin').minutes).to.be.within(120, 179);
      }
      expect(summerTime).to.be.within(400, 600);
      const spring = drawSurpriseMoment({
        window: { from: at('2025-03-29T23:00:00Z'), to: at('2025-03-30T02:00:00Z') },
        ...everyDay('02:00', '03:00', 'Europe/Berlin'),
        random,
      });
      expect(spring.ok).to.equal(false);
    });

    it('draws on the granularity asked for and never at the window’s end', () => {
      const window = { from: at('2025-03-03T00:00:00Z'), to: at('2025-03-03T00:01:00Z') };
      for (const r of [0, 0.5, 0.999999]) {
        expect(drawSurpriseMoment({ window, ...office, random: () => r })).to.deep.equal({
          ok: true,
          at: window.from,
          choices: 1,
        });
      }
      const day = { from: at('2025-03-03T00:00:00Z'), to: at('2025-03-04T00:00:00Z') };
      const last = drawSurpriseMoment({
        window: day,
        ...office,
        random: () => 0.999999,
        granularityMs: 15 * MINUTE,
      });
      expect(last).to.deep.equal({ ok: true, at: at('2025-03-03T08:45:00Z'), choices: 36 });
    });

    it('reports a window that holds no allowed moment', () => {
      const weekend = { from: at('2025-03-07T15:00:00Z'), to: at('2025-03-09T15:00:00Z') };
      const none = drawSurpriseMoment({ window: weekend, ...office, random: seededRandom(1) });
      expect(none).to.deep.equal({
        ok: false,
        code: 'no_allowed_moment',
        reason:
          'no moment between 2025-03-08 00:00 and 2025-03-10 00:00 Asia/Seoul is allowed (09:00–18:00 Mon–Fri Asia/Seoul)',
      });
      const blackedOut = drawSurpriseMoment({
        window: { from: at('2025-03-13T15:00:00Z'), to: at('2025-03-14T15:00:00Z') },
        ...office,
        blackoutDates: ['2025-03-14'],
        random: seededRandom(1),
      });
      expect(blackedOut.ok).to.equal(false);
      const tooShort = drawSurpriseMoment({
        window: { from: at('2025-03-03T00:00:10Z'), to: at('2025-03-03T00:00:50Z') },
        ...office,
        random: seededRandom(1),
      });
      expect(tooShort.ok === false && tooShort.code).to.equal('no_allowed_moment');
      const backwards = drawSurpriseMoment({
        window: { from: at('2025-03-03T01:00:00Z'), to: at('2025-03-03T00:00:00Z') },
        ...office,
        random: seededRandom(1),
      });
      expect(backwards).to.deep.equal({
        ok: false,
        code: 'empty_window',
        reason: 'the window (2025-03-03 10:00 to 2025-03-03 09:00 Asia/Seoul) holds no time',
      });
      const endless = drawSurpriseMoment({
        window: { from: 0, to: Number.POSITIVE_INFINITY },
        blackoutDates: [],
        random: seededRandom(1),
      });
      expect(endless.ok === false && endless.code).to.equal('empty_window');
      const unusable = drawSurpriseMoment({
        window: weekend,
        allowedHours: { ...SEOUL_OFFICE, timeZone: 'KST' },
        blackoutDates: [],
        random: seededRandom(1),
      });
      expect(unusable).to.deep.equal({
        ok: false,
        code: 'invalid_policy',
        reason: '"KST" is not a time zone',
      });
    });
  });

  describe('startDecision()', () => {
    const dueAt = at('2025-03-04T01:00:00Z'); // Tuesday 10:00 in Seoul
    const base = { dueAt, lateStartMinutes: 15, ...office };

    it('waits for a drill not yet due', () => {
      expect(startDecision({ ...base, now: dueAt - 1 })).to.deep.equal({
        action: 'wait',
        at: dueAt,
      });
    });

    it('starts a drill that is due, up to exactly the late-start limit', () => {
      expect(startDecision({ ...base, now: dueAt })).to.deep.equal({ action: 'start', lateMs: 0 });
      expect(startDecision({ ...base, now: dueAt + 15 * MINUTE })).to.deep.equal({
        action: 'start',
        lateMs: 15 * MINUTE,
      });
    });

    it('misses a drill more than the limit late, saying by how much', () => {
      expect(startDecision({ ...base, now: dueAt + 16 * MINUTE })).to.deep.equal({
        action: 'miss',
        code: 'too_late',
        reason:
          'due at 2025-03-04 10:00 Asia/Seoul, now 10:16: 16 minutes late, more than the 15 allowed',
      });
      const afterOutage = startDecision({
        ...base,
        now: dueAt + 47 * MINUTE,
        serverDownSince: dueAt - 5 * MINUTE,
      });
      expect(afterOutage).to.deep.equal({
        action: 'miss',
        code: 'too_late',
        reason:
          'the server was down from 2025-03-04 09:55 to 10:47 Asia/Seoul; due at 2025-03-04 10:00 Asia/Seoul, now 10:47: 47 minutes late, more than the 15 allowed',
      });
      const justOver = startDecision({ ...base, now: dueAt + 15 * MINUTE + 1 });
      expect(justOver.action === 'miss' && justOver.reason).to.match(/15 minutes 1 second late/);
      const days = startDecision({ ...base, now: dueAt + 2 * DAY + 3 * HOUR });
      expect(days.action === 'miss' && days.reason).to.match(
        /now 2025-03-06 13:00: 2 days 3 hours late/,
      );
    });

    it('allows no lateness at all when the limit is zero', () => {
      const strict = { ...base, lateStartMinutes: 0 };
      expect(startDecision({ ...strict, now: dueAt }).action).to.equal('start');
      const late = startDecision({ ...strict, now: dueAt + 1_000 });
      expect(late.action === 'miss' && late.reason).to.match(
        /1 second late, and no late start is allowed$/,
      );
    });

    it('misses a drill whose late start would fall outside allowed hours or on a blackout date', () => {
      const evening = at('2025-03-04T08:55:00Z'); // 17:55 in Seoul
      expect(startDecision({ ...base, dueAt: evening, now: evening + 4 * MINUTE }).action).to.equal(
        'start',
      );
      expect(startDecision({ ...base, dueAt: evening, now: evening + 10 * MINUTE })).to.deep.equal({
        action: 'miss',
        code: 'not_allowed',
        reason:
          'due at 2025-03-04 17:55 Asia/Seoul but now (18:05) is outside allowed hours 09:00–18:00 Mon–Fri Asia/Seoul',
      });
      expect(startDecision({ ...base, blackoutDates: ['2025-03-04'], now: dueAt })).to.deep.equal({
        action: 'miss',
        code: 'not_allowed',
        reason: 'due at 2025-03-04 10:00 Asia/Seoul but 2025-03-04 is a blackout date',
      });
    });

    it('shows times in the display zone when there are no allowed hours', () => {
      const decision = startDecision({
        dueAt,
        now: dueAt + HOUR,
        lateStartMinutes: 15,
        blackoutDates: [],
        displayTimeZone: 'Asia/Seoul',
      });
      expect(decision.action === 'miss' && decision.reason).to.equal(
        'due at 2025-03-04 10:00 Asia/Seoul, now 11:00: 1 hour late, more than the 15 allowed',
      );
    });

    it('misses a drill without a due time rather than starting it', () => {
      expect(startDecision({ ...base, dueAt: Number.NaN, now: dueAt })).to.deep.equal({
        action: 'miss',
        code: 'no_due_time',
        reason: 'the drill has no valid due time',
      });
    });

    it('misses a drill whose policy cannot be used, rather than throwing', () => {
      const decision = startDecision({
        ...base,
        allowedHours: { ...SEOUL_OFFICE, to: '25:00' },
        now: dueAt,
      });
      expect(decision).to.deep.equal({
        action: 'miss',
        code: 'invalid_policy',
        reason: 'allowed hours end "25:00" is not 00:00–24:00',
      });
    });
  });

  describe('describing a window', () => {
    it('names the weekdays as a facilitator would', () => {
      expect(describeAllowedHours(SEOUL_OFFICE)).to.equal('09:00–18:00 Mon–Fri Asia/Seoul');
      expect(describeAllowedHours({ ...SEOUL_OFFICE, weekdays: [1, 3, 4, 5, 7] })).to.equal(
        '09:00–18:00 Mon, Wed–Fri, Sun Asia/Seoul',
      );
      expect(describeAllowedHours({ ...SEOUL_OFFICE, weekdays: [7, 6, 5, 4, 3, 2, 1] })).to.equal(
        '09:00–18:00 every day Asia/Seoul',
      );
      expect(describeAllowedHours(undefined)).to.equal('any time');
    });

    it('tells staff how much allowed time a surprise window holds', () => {
      const window = { from: at('2025-03-02T15:00:00Z'), to: at('2025-03-28T15:00:00Z') };
      expect(describeWindowForStaff(window, { ...office, blackoutDates: ['2025-03-14'] })).to.equal(
        'between 2025-03-03 00:00 and 2025-03-29 00:00 Asia/Seoul, 09:00–18:00 Mon–Fri Asia/Seoul, not on 2025-03-14: 171 allowed hours',
      );
    });
  });
});
