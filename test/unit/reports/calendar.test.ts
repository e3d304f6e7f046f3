import { expect } from 'chai';
import ICAL from 'ical.js';
import { type CalendarDrill, drillCalendar } from '../../../server/reports/calendar.js';

const base: Omit<CalendarDrill, 'id' | 'mode' | 'status'> = {
  title: 'Pangyo fire game day',
  dueAt: '2026-12-02T01:00:00.000Z',
  durationMs: 90 * 60_000,
  scenario: 'kakao-pangyo-fire',
};
const options = { generatedAt: '2026-11-25T01:00:00.000Z', baseUrl: 'https://firedrill.example' };

function parse(ics: string) {
  return new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      status: v.getFirstPropertyValue('status'),
      stamp: (v.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString(),
    };
  });
}

describe('drillCalendar()', () => {
  it('lists drills set for a time, never surprise or on-the-spot ones, and no archived ones', () => {
    const ics = drillCalendar(
      [
        { ...base, id: 'at-1', mode: 'at', status: 'scheduled' },
        { ...base, id: 'surprise-1', mode: 'surprise', status: 'scheduled' },
        { ...base, id: 'surprise-2', mode: 'surprise', status: 'ended' },
        { ...base, id: 'now-1', mode: 'now', status: 'running' },
        { ...base, id: 'at-archived', mode: 'at', status: 'ended', archived: true },
        {
          ...base,
          id: 'at-missed',
          mode: 'at',
          status: 'missed',
          dueAt: '2026-11-20T01:00:00.000Z',
        },
      ],
      options,
    );
    expect(parse(ics)).to.deep.equal([
      {
        uid: 'at-missed@firedrill',
        start: '2026-11-20T01:00:00.000Z',
        end: '2026-11-20T02:30:00.000Z',
        status: 'CANCELLED',
        stamp: options.generatedAt,
      },
      {
        uid: 'at-1@firedrill',
        start: '2026-12-02T01:00:00.000Z',
        end: '2026-12-02T02:30:00.000Z',
        status: 'CONFIRMED',
        stamp: options.generatedAt,
      },
    ]);
    expect(ics).to.not.include('surprise');
  });

  it('gives the same bytes for the same drills and generation time', () => {
    const drills: CalendarDrill[] = [{ ...base, id: 'a', mode: 'at', status: 'scheduled' }];
    expect(drillCalendar(drills, options)).to.equal(drillCalendar(drills, options));
  });

  it('escapes what the format needs escaped: commas, semicolons, new lines in a title', () => {
    const ics = drillCalendar(
      [{ ...base, id: 'x', mode: 'at', status: 'scheduled', title: 'Fire; floor 2,\nUPS room' }],
      options,
    );
    const [event] = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent');
    expect(event?.getFirstPropertyValue('summary')).to.equal('Drill: Fire; floor 2,\nUPS room');
  });
});
