import ical, { ICalEventStatus } from 'ical-generator';

/** A drill as the calendar needs it. */
export interface CalendarDrill {
  id: string;
  title: string;
  mode: 'at' | 'now' | 'surprise';
  status: string;
  /** ISO 8601: when the drill is due. */
  dueAt?: string;
  /** How long the drill runs at most, in ms of wall time. */
  durationMs: number;
  scenario: string;
  team?: string;
  archived?: boolean;
}

/**
 * The scheduled drills as an iCalendar feed (RFC 5545), built with ical-generator. Only drills
 * scheduled for a set time (`mode: at`) appear: a surprise drill never does, whatever its
 * status, and neither does one started on the spot. A missed drill shows as cancelled.
 * `generatedAt` stamps every event (DTSTAMP), so the same drills give the same bytes; event
 * UIDs are the drill ids, so a calendar client updates an event instead of adding another.
 * Names no participant: a feed is often shared wider than the team.
 */
export function drillCalendar(
  drills: readonly CalendarDrill[],
  options: { generatedAt: string; baseUrl: string },
): string {
  const calendar = ical({
    name: 'Firedrill: scheduled drills',
    prodId: { company: 'Firedrill', product: 'drill-calendar', language: 'EN' },
    url: `${options.baseUrl}/api/calendar.ics`,
  });
  const listed = drills
    .filter((d) => d.mode === 'at' && d.dueAt && !d.archived)
    .sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? '') || a.id.localeCompare(b.id));
  for (const d of listed) {
    const start = Date.parse(d.dueAt ?? '');
    calendar.createEvent({
      id: `${d.id}@firedrill`,
      start: new Date(start),
      end: new Date(start + d.durationMs),
      stamp: new Date(Date.parse(options.generatedAt)),
      summary: `Drill: ${d.title}`,
      description: `Incident-response drill (scenario ${d.scenario}${d.team ? `, team ${d.team}` : ''}). Status: ${d.status}. This is an exercise.`,
      status: d.status === 'missed' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      url: `${options.baseUrl}/drills/${d.id}/report`,
    });
  }
  return calendar.toString();
}
