import { type Metric, metric } from '../lib/results.js';
import { liveDrills, ROLES } from './common.js';

const DRILLS = 50;

interface LoopResult {
  acks: number;
  windowMs: number;
  errors: number;
  firstError?: string;
  perSecond: number;
  /** Acks over the whole loop, warm-up and drain included. */
  total: number;
  /** Server CPU ms per 1,000 acked actions over the whole loop (less noisy than the rate). */
  cpuPerK?: number;
  /** The load generator's CPU ms per 1,000 actions. */
  loadCpuPerK?: number;
}

/** Runs the closed loop against a fresh server over `store`; resolves with the acks per second. */
async function run(store: 'files' | 'naive-lowdb', durationMs: number): Promise<LoopResult> {
  const { server, load, stop } = await liveDrills(
    `durable-${store}`,
    { count: DRILLS, roles: [...ROLES] },
    store,
  );
  try {
    const cpuBefore = await server.cpuMs();
    const loadBefore = await load.cpuMs();
    const result = await load.call<LoopResult>('loop', {
      durationMs,
      warmupMs: 500,
      thinkMs: 0,
      channel: 'secondary-messenger',
    });
    result.cpuPerK = ((await server.cpuMs()) - cpuBefore) / (result.total / 1000);
    result.loadCpuPerK = ((await load.cpuMs()) - loadBefore) / (result.total / 1000);
    if (result.errors)
      throw new Error(`${store}: ${result.errors} actions refused, e.g. ${result.firstError}`);
    return result;
  } finally {
    await stop();
  }
}

/**
 * Durable actions: 200 participants (one per role in 50 drills) each send a message, wait for
 * its ack (sent once it is fdatasync'd) and send the next; beside the same run with the event
 * log swapped for a lowdb write per action, from a file already holding 1,000 actions.
 */
export async function durable(options: { quick: boolean }): Promise<Metric[]> {
  const durationMs = options.quick ? 3_000 : 5_000;
  const files = await run('files', durationMs);
  const naive = await run('naive-lowdb', durationMs);
  return [
    metric(
      'durable_actions_per_s',
      files.perSecond,
      'actions/s',
      naive.perSecond,
      { op: '>=', value: 10_000 },
      `closed loop, 200 sockets in 50 drills, ${durationMs / 1000} s after 0.5 s warm-up; each validated, appended and fdatasync'd (group commit), acked and fanned out; baseline: lowdb write per action; CPU ms per 1,000 actions: server ${files.cpuPerK?.toFixed(0)}, load generator ${files.loadCpuPerK?.toFixed(0)} (naive: server ${naive.cpuPerK?.toFixed(0)})`,
    ),
    metric(
      'durable_ratio_vs_naive_lowdb',
      files.perSecond / naive.perSecond,
      'x',
      1,
      { op: '>=', value: 10 },
      'durable_actions_per_s / the same run over a lowdb write per action (from 1,000 actions)',
    ),
  ];
}
