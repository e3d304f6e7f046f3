import { channelMembers, type Drill } from '../drill.js';
import type { ActionRecord, DeliveredInject, DrillState, Task } from './state.js';

/** A message on a channel, as a role sees it. */
export interface ViewMessage {
  seq: number;
  t: number;
  role: string;
  person?: string;
  action: string;
  to?: string[];
  text?: string;
  fields: Record<string, string>;
  ref?: number;
  /** False for the role's own action said on a channel that was down. */
  delivered: boolean;
}

/** What one role may see of a drill: its inbox, the channels it is on, the status board. */
export interface RoleView {
  role: string;
  seq: number;
  t: number;
  status: DrillState['status'];
  inbox: DeliveredInject[];
  channels: {
    id: string;
    name: string;
    kind: string;
    external: boolean;
    state: string;
    member: boolean;
    messages: ViewMessage[];
  }[];
  /** The role's own actions taken on no channel (setting the grade, a decision): its log. */
  unchannelled: ViewMessage[];
  services: { id: string; name: string; dataCentres: string[]; state: string }[];
  alerts: DrillState['alerts'];
  tasks: Task[];
  grade?: string;
}

/**
 * Filters the whole drill state down to what `role` may see: injects addressed to it, messages
 * it sent or received, tasks it owns or gave. Other roles' injects never appear.
 */
export function viewFor(drill: Drill, state: DrillState, role: string): RoleView {
  const sees = (record: ActionRecord) =>
    record.entry.role === role || (record.delivered && record.recipients.includes(role));
  const channels = drill.manual.channels.map((channel) => ({
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    external: channel.external,
    state: state.channels[channel.id] ?? 'up',
    member: channelMembers(drill, channel.id).includes(role),
    messages: state.actions
      .filter((record) => record.entry.channel === channel.id && sees(record))
      .map(toMessage),
  }));
  return {
    role,
    seq: state.seq,
    t: state.t,
    status: state.status,
    inbox: state.injects.filter((inject) => inject.to.includes(role)),
    channels,
    unchannelled: state.actions
      .filter((record) => record.entry.channel === undefined && record.entry.role === role)
      .map(toMessage),
    services: drill.scenario.services.map((s) => ({
      id: s.id,
      name: s.name,
      dataCentres: s.dataCentres,
      state: state.services[s.id] ?? s.state,
    })),
    alerts: state.alerts,
    tasks: [...state.tasks.values()].filter((task) => task.owner === role || task.by === role),
    grade: state.grade,
  };
}

function toMessage(record: ActionRecord): ViewMessage {
  const { entry } = record;
  return {
    seq: entry.seq,
    t: entry.t,
    role: entry.role,
    person: entry.person,
    action: entry.action,
    to: entry.to,
    text: entry.text,
    fields: entry.fields,
    ref: entry.ref,
    delivered: record.delivered,
  };
}

/** The status board: what every role sees of the world alike (services, alerts, channels, grade). */
export interface Board {
  seq: number;
  t: number;
  grade?: string;
  services: { id: string; state: string }[];
  alerts: DrillState['alerts'];
  channels: { id: string; state: string }[];
}

/**
 * The status board now. It is the same for every role (viewFor gives each the same services,
 * alerts and channel states), so it can be told to everyone on the drill when an inject to one
 * role changes the world.
 */
export function boardOf(drill: Drill, state: DrillState): Board {
  return {
    seq: state.seq,
    t: state.t,
    grade: state.grade,
    services: drill.scenario.services.map((s) => ({
      id: s.id,
      state: state.services[s.id] ?? s.state,
    })),
    alerts: state.alerts,
    channels: drill.manual.channels.map((c) => ({ id: c.id, state: state.channels[c.id] ?? 'up' })),
  };
}
