// How the live console words each log entry of the timeline.
import { t } from './lib/page.js';

const who = (e, names) =>
  `${names.role.get(e.role) || e.role}${e.person && names.person.get(e.person) ? ` (${names.person.get(e.person)})` : ''}`;

/** One log entry in words, with the names of roles, channels, actions and persons. */
export function describeEntry(e, names, def) {
  switch (e.type) {
    case 'drill-started':
      return `${t.participants}: ${e.participants.length}`;
    case 'inject-delivered': {
      const inject = e.adHoc || def.injects[e.inject] || { title: e.inject, to: [] };
      return `${inject.title} → ${inject.to.map((r) => names.role.get(r) || r).join(', ')}${e.adHoc ? ` (${t.adHoc})` : ''}`;
    }
    case 'action': {
      const bits = [`${who(e, names)}: ${names.action.get(e.action) || e.action}`];
      if (e.channel) bits.push(`${t.on} ${names.channel.get(e.channel) || e.channel}`);
      if (e.to?.length) bits.push(`→ ${e.to.map((r) => names.role.get(r) || r).join(', ')}`);
      const fields = Object.entries(e.fields || {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      return `${bits.join(' ')}${fields ? ` [${fields}]` : ''}${e.text ? ` — “${e.text}”` : ''}${e.recordedBy ? ` (${t.offPlatformMark}: ${e.medium || ''}, ${e.recordedBy})` : ''}`;
    }
    case 'channel-changed':
      return `${names.channel.get(e.channel) || e.channel}: ${e.state}`;
    case 'paused':
    case 'resumed':
      return `${e.by || ''}${e.reason ? ` (${e.reason})` : ''}`;
    case 'ended':
      return `${e.reason}${e.by ? ` — ${e.by}` : ''}`;
    case 'note':
      return `${e.by}: ${e.text}`;
    case 'override': {
      const target = e.target.step
        ? `${e.target.step} → ${t.common.verdicts[e.target.verdict] || e.target.verdict}`
        : `${e.target.rule} #${e.target.violation} → ${t.kept}`;
      return `${e.by}: ${target} — ${e.reason}`;
    }
    default:
      return '';
  }
}
