import type { ChannelState, InjectFlag, ServiceState } from '../schema/common.js';
import type { ActionLogEntry, Participant } from '../schema/log.js';
import type { Alert } from '../schema/scenario.js';

/** An inject as delivered: what its recipients were told, and when. */
export interface DeliveredInject {
  seq: number;
  t: number;
  inject: string;
  to: string[];
  title: string;
  text: string;
  flags: InjectFlag[];
  adHoc: boolean;
}

/** An action as the drill saw it: whether it was delivered and who received it. */
export interface ActionRecord {
  entry: ActionLogEntry;
  /** The effect of its action in the manual's vocabulary. */
  effect: string;
  /** False when said on a channel that was down: recorded, but it counts for no step. */
  delivered: boolean;
  /** Roles that received it (none when not delivered). */
  recipients: string[];
}

/** A task: an instruction to a role, with the deadline it gave. */
export interface Task {
  seq: number;
  t: number;
  by: string;
  owner: string;
  ownerPerson?: string;
  text: string;
  /** Absolute drill time of its deadline, when the instruction gave one. */
  deadline?: number;
  acknowledged?: number;
  done?: number;
}

export type DrillStatus = 'not-started' | 'running' | 'paused' | 'ended';

/** The state of one drill: the fold of its log. */
export interface DrillState {
  seq: number;
  /** Drill time of the latest entry. */
  t: number;
  status: DrillStatus;
  endReason?: string;
  endedAt?: number;
  startSeq?: number;
  participants: Participant[];
  channels: Record<string, ChannelState>;
  services: Record<string, ServiceState>;
  alerts: Alert[];
  injects: DeliveredInject[];
  /** Inject id → sequence number of its delivery. */
  deliveredInjects: Map<string, number>;
  actions: ActionRecord[];
  /** Client action ids seen, so that a resend is answered, not applied twice. */
  actionIds: Map<string, number>;
  tasks: Map<number, Task>;
  grade?: string;
  declaredAt?: number;
  closedAt?: number;
  /** First delivered occurrence of each action id, and of each `action@role`: drill time. */
  firstAction: Map<string, number>;
  /** Sequence numbers of the entries that changed the world (for evidence). */
  changes: { seq: number; t: number; channel?: string; state?: string }[];
}

/** The state of a drill before its first entry. */
export function initialState(
  channels: Record<string, ChannelState>,
  services: Record<string, ServiceState>,
  alerts: Alert[],
): DrillState {
  return {
    seq: 0,
    t: 0,
    status: 'not-started',
    participants: [],
    channels: { ...channels },
    services: { ...services },
    alerts: [...alerts],
    injects: [],
    deliveredInjects: new Map(),
    actions: [],
    actionIds: new Map(),
    tasks: new Map(),
    firstAction: new Map(),
    changes: [],
  };
}
