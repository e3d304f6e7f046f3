import { type Child, startChild } from '../lib/ipc.js';
import { type Metric, metric } from '../lib/results.js';
import { percentile } from '../lib/stats.js';
import { liveDrills, openDrills, pause, rolesFor, SERVER_CPU, stopAll } from './common.js';

const DRILLS = 50;
const PER_DRILL = 40;
const TOTAL = DRILLS * PER_DRILL;
const INJECT = {
  title: 'Smoke in UPS room 3',
  text: 'Facility team reports smoke from the battery racks in UPS room 3 of the Pangyo data centre. Fire suppression has triggered. Confirm which services run in Pangyo and report their state on the secondary messenger.',
};

/** One server under test: `fire(i)` sends the inject to the i-th drill (or group). */
interface Side {
  name: string;
  fire: (i: number) => Promise<unknown>;
  latencies: number[];
  sample?: string;
}

/** Fires one delivery and waits until `expect` sockets have it; returns its latencies. */
async function deliver(load: Child, side: Side, i: number, expect: number): Promise<number[]> {
  await load.call('arm', { expect });
  const firedAt = performance.timeOrigin + performance.now();
  await side.fire(i);
  const got = await load.call<{ latencies: number[]; sample?: string }>('harvest', {
    timeoutMs: 10_000,
    firedAt,
  });
  if (got.latencies.length < expect)
    throw new Error(`fan-out (${side.name}): ${got.latencies.length} of ${expect} arrived`);
  side.sample ??= got.sample;
  return got.latencies;
}

/**
 * Times both servers in the same minutes: after one warm-up round each, `rounds` rounds in which
 * every target gets Firedrill's delivery and then the bare server's (or the other way round,
 * alternating by round), so a noisy moment on the shared machine falls on both. Firedrill's
 * warm-up goes first: the bare server copies its message.
 */
async function interleaved(
  load: Child,
  rounds: number,
  targets: number,
  expect: number,
  sides: [Side, Side],
  gapMs: number,
): Promise<void> {
  for (const side of sides)
    for (let i = 0; i < targets; i++) {
      await deliver(load, side, i, expect);
      await pause(gapMs);
    }
  for (let r = 1; r <= rounds; r++) {
    const order = r % 2 ? sides : ([sides[1], sides[0]] as const);
    for (let i = 0; i < targets; i++)
      for (const side of order) {
        side.latencies.push(...(await deliver(load, side, i, expect)));
        await pause(gapMs);
      }
  }
}

/**
 * Inject fan-out to 2,000 sockets in 50 drills of 40 and in one drill of 2,000, beside a bare
 * `ws` server sending the same payload to the same groups, both running at once (each with its
 * own 2,000 sockets from the one load generator) and timed in turn; and the RSS of each with
 * its 2,000 sockets connected.
 */
export async function fanout(options: { quick: boolean }): Promise<Metric[]> {
  const rounds = options.quick ? 4 : 12;
  const singles = options.quick ? 8 : 20;
  const setup = await liveDrills('fanout', { count: DRILLS, roles: rolesFor(PER_DRILL) });
  const { server, load, drills } = setup;
  let bare: Child | undefined;
  try {
    bare = await startChild('bare ws server', 'servers/bare-ws.ts', { cpu: SERVER_CPU });
    const bareServer = bare;
    const { url } = await bareServer.call<{ url: string }>('start');
    // Each process holds only its own sockets, so each RSS is its own; both are read after
    // Firedrill's sockets open and before the bare server's do, and the bare server's after.
    await pause(500);
    const rss = await server.rssMb();
    await load.call('open', {
      urls: Array.from({ length: TOTAL }, (_, i) => `${url}/?group=g${Math.floor(i / PER_DRILL)}`),
    });
    await pause(500);
    const bareRss = await bareServer.rssMb();

    const ids = drills.map((d) => d.id);
    const firedrill: Side = {
      name: 'firedrill',
      fire: (i) => server.call('inject', { drillIds: [ids[i]], ...INJECT }),
      latencies: [],
    };
    // The bare baseline sends Firedrill's own inject message, copied from its warm-up round.
    const payload = () => {
      if (!firedrill.sample) throw new Error('no Firedrill message to copy for the bare baseline');
      return firedrill.sample;
    };
    const bareGroups: Side = {
      name: 'bare ws',
      fire: (i) => bareServer.call('fanout', { payload: payload(), group: `g${i}` }),
      latencies: [],
    };
    await interleaved(load, rounds, DRILLS, PER_DRILL, [firedrill, bareGroups], 5);
    await load.call('closeAll');
    await server.call('endAll', { drillIds: ids });

    const [one] = await openDrills(server, load, setup.wsUrl, { count: 1, roles: rolesFor(TOTAL) });
    if (!one) throw new Error('the company-wide drill was not created');
    await load.call('open', { urls: Array.from({ length: TOTAL }, () => `${url}/?group=all`) });
    await pause(300);
    const single: Side = {
      name: 'firedrill, one drill',
      fire: () => server.call('inject', { drillIds: [one.id], ...INJECT }),
      latencies: [],
    };
    const bareSingle: Side = {
      name: 'bare ws, one group',
      fire: () => bareServer.call('fanout', { payload: payload(), group: 'all' }),
      latencies: [],
    };
    await interleaved(load, singles, 1, TOTAL, [single, bareSingle], 60);

    const p99 = percentile(firedrill.latencies, 99);
    const bareP99 = percentile(bareGroups.latencies, 99);
    const p50s = (a: Side, b: Side) =>
      `p50 ${percentile(a.latencies, 50).toFixed(2)} ms vs bare ${percentile(b.latencies, 50).toFixed(2)} ms`;
    const how =
      'both servers running at once on the server core, each inject timed alone, Firedrill and bare in turn (alternating which goes first each round)';
    return [
      metric(
        'fanout_p99_ms',
        p99,
        'ms',
        bareP99,
        { op: '<=', value: 10 },
        `an ad-hoc inject to one drill's 40 sockets while 2,000 are connected in 50 drills, timed from the runner's command to arrival at the participant (sent once written, before fdatasync); baseline bare ws with its own 2,000 sockets, same payload and groups; ${rounds} rounds of an inject to each drill in turn; ${how}; p99 over ${firedrill.latencies.length} deliveries each; ${p50s(firedrill, bareGroups)}`,
      ),
      metric(
        'fanout_ratio_vs_bare_ws',
        p99 / bareP99,
        'x',
        1,
        { op: '<=', value: 1.5 },
        'fanout_p99_ms / bare ws p99 in the same run, the two measured interleaved',
      ),
      metric(
        'fanout_one_drill_p99_ms',
        percentile(single.latencies, 99),
        'ms',
        percentile(bareSingle.latencies, 99),
        { op: '<=', value: 60 },
        `one drill of 2,000 sockets, ${singles} injects; baseline bare ws to one group of its own 2,000, interleaved the same way; ${p50s(single, bareSingle)}`,
      ),
      metric(
        'rss_mb_2000_sockets',
        rss,
        'MB',
        bareRss,
        { op: '<=', value: 200 },
        "server RSS with 2,000 participants connected in 50 drills (read before the bare server's sockets opened); baseline bare ws server with its own 2,000 sockets (both under node --import tsx, separate processes)",
      ),
    ];
  } finally {
    await stopAll(bare);
    await setup.stop();
  }
}
