import type { Drill } from '../domain/drill.js';
import type { LogEntry } from '../domain/schema/log.js';
import type { Scorecard } from '../domain/scoring/scorecard.js';

export type MarkKind = 'inject' | 'action' | 'off-platform' | 'violation';

/** One thing drawn on the timeline, in the lane of the role it concerns. */
export interface TimelineMark {
  lane: string;
  t: number;
  kind: MarkKind;
  /** What happened, shown as the mark's tooltip and in the text fallback. */
  label: string;
  seq: number;
  /** For a violation: the rule it breaks. */
  rule?: string;
}

/** The drill as lanes of marks over drill time: the data behind the SVG timeline. */
export interface Timeline {
  durationMs: number;
  lanes: { role: string; name: string }[];
  marks: TimelineMark[];
}

/**
 * The timeline of a drill: one lane per role, with the injects delivered to the role, the
 * role's actions (hollow when an evaluator recorded them from off the platform) and the rule
 * violations charged to it. Labels carry a person's name only when `persons` is set.
 */
export function buildTimeline(
  drill: Drill,
  card: Scorecard,
  log: readonly LogEntry[],
  options: { persons: boolean },
): Timeline {
  const lanes = drill.manual.roles.map((r) => ({ role: r.id, name: r.name }));
  const known = new Set(lanes.map((l) => l.role));
  const names = new Map<string, string>();
  for (const e of log)
    if (e.type === 'drill-started')
      for (const p of e.participants) if (p.name) names.set(p.person, p.name);
  const marks: TimelineMark[] = [];
  for (const e of log) {
    if (e.type === 'inject-delivered') {
      const inject = drill.injects.get(e.inject);
      const to = e.adHoc?.to ?? inject?.to ?? [];
      const title = e.adHoc?.title ?? inject?.title ?? e.inject;
      for (const role of to)
        if (known.has(role))
          marks.push({ lane: role, t: e.t, kind: 'inject', label: `inject: ${title}`, seq: e.seq });
    } else if (e.type === 'action' && known.has(e.role)) {
      const who = options.persons && e.person ? ` by ${names.get(e.person) ?? e.person}` : '';
      const where = e.channel ? ` on ${e.channel}` : '';
      const how = e.recordedBy ? ` (off platform${e.medium ? `, ${e.medium}` : ''})` : '';
      marks.push({
        lane: e.role,
        t: e.t,
        kind: e.recordedBy ? 'off-platform' : 'action',
        label: `${e.action}${where}${who}${how}`,
        seq: e.seq,
      });
    }
  }
  for (const rule of card.rules)
    for (const v of rule.violations)
      if (known.has(v.role) && !v.overridden)
        marks.push({
          lane: v.role,
          t: v.t,
          kind: 'violation',
          label: `${rule.rule}: ${v.message}`,
          seq: v.evidence[0] ?? 0,
          rule: rule.rule,
        });
  marks.sort((a, b) => a.t - b.t || a.seq - b.seq || a.kind.localeCompare(b.kind));
  const last = log.reduce((max, e) => Math.max(max, e.t), 0);
  return { durationMs: Math.max(last, card.at, 60_000), lanes, marks };
}
