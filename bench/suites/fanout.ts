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

interface Rounds {
  latencies: number[];
  sample?: string;
}

/**
 * Times `rounds` rounds (after one warm-up round) of `targets` deliveries in turn: `fire(i)` sends
 * the i-th, which `expect` sockets must receive before the next goes.
 */
async function time(
  load: Child,
  rounds: number,
  targets: number,
  expect: number,
  fire: (i: number) => Promise<unknown>,
): Promise<Rounds> {
  const all: number[] = [];
  let sample: string | undefined;
  for (let k = 0; k <= rounds * targets + targets - 1; k++) {
    const r = Math.floor(k / targets);
    await load.call('arm', { expect });
    const firedAt = performance.timeOrigin + performance.now();
    await fire(k % targets);
    const got = await load.call<{ latencies: number[]; sample?: string }>('harvest', {
      timeoutMs: 10_000,
      firedAt,
    });
    if (got.latencies.length < expect)
      throw new Error(
        `fan-out round ${r}: ${got.latencies.length} of ${expect} deliveries arrived`,
      );
    sample ??= got.sample;
    if (r > 0) all.push(...got.latencies);
    await pause(targets > 1 ? 10 : 100);
  }
  return { latencies: all, sample };
}

/**
 * Inject fan-out to 2,000 sockets in 50 drills of 40 and in one drill of 2,000, beside a bare
 * `ws` server sending the same payload to the same groups; and the RSS of each with the 2,000
 * sockets connected.
 */
export async function fanout(options: { quick: boolean }): Promise<Metric[]> {
  const rounds = options.quick ? 2 : 5;
  const setup = await liveDrills('fanout', { count: DRILLS, roles: rolesFor(PER_DRILL) });
  const { server, load, drills } = setup;
  let bare: Child | undefined;
  try {
    await pause(500);
    const rss = await server.rssMb();
    const ids = drills.map((d) => d.id);
    const groups = await time(load, rounds, DRILLS, PER_DRILL, (i) =>
      server.call('inject', { drillIds: [ids[i]], ...INJECT }),
    );
    await load.call('closeAll');
    await server.call('endAll', { drillIds: ids });

    const [one] = await openDrills(server, load, setup.wsUrl, { count: 1, roles: rolesFor(TOTAL) });
    if (!one) throw new Error('the company-wide drill was not created');
    await pause(300);
    const single = await time(load, rounds * 3, 1, TOTAL, () =>
      server.call('inject', { drillIds: [one.id], ...INJECT }),
    );
    await load.call('closeAll');
    await stopAll(server);

    // The bare baseline: Firedrill's own inject message, sent to the same groups.
    const payload = groups.sample;
    if (!payload) throw new Error('no Firedrill message to copy for the bare baseline');
    bare = await startChild('bare ws server', 'servers/bare-ws.ts', { cpu: SERVER_CPU });
    const { url } = await bare.call<{ url: string }>('start');
    await load.call('open', {
      urls: Array.from({ length: TOTAL }, (_, i) => `${url}/?group=g${Math.floor(i / PER_DRILL)}`),
    });
    await pause(500);
    const bareRss = await bare.rssMb();
    const bareGroups = await time(load, rounds, DRILLS, PER_DRILL, (i) =>
      live(bare).call('fanout', { payload, group: `g${i}` }),
    );
    await load.call('closeAll');
    await pause(300);
    await load.call('open', { urls: Array.from({ length: TOTAL }, () => `${url}/?group=all`) });
    await pause(300);
    const bareSingle = await time(load, rounds * 3, 1, TOTAL, () =>
      live(bare).call('fanout', { payload, group: 'all' }),
    );

    const p99 = percentile(groups.latencies, 99);
    const bareP99 = percentile(bareGroups.latencies, 99);
    const n = `${rounds} rounds of an inject to each drill in turn`;
    return [
      metric(
        'fanout_p99_ms',
        p99,
        'ms',
        bareP99,
        { op: '<=', value: 10 },
        `an ad-hoc inject to one drill's 40 sockets while 2,000 are connected in 50 drills, timed from the runner's command to arrival at the participant (made durable first); baseline bare ws, same payload and groups; ${n}`,
      ),
      metric(
        'fanout_ratio_vs_bare_ws',
        p99 / bareP99,
        'x',
        1,
        { op: '<=', value: 1.5 },
        'fanout_p99_ms / bare ws p99 in the same run',
      ),
      metric(
        'fanout_one_drill_p99_ms',
        percentile(single.latencies, 99),
        'ms',
        percentile(bareSingle.latencies, 99),
        { op: '<=', value: 60 },
        `one drill of 2,000 sockets, ${rounds * 3} injects; baseline bare ws to one group of 2,000`,
      ),
      metric(
        'rss_mb_2000_sockets',
        rss,
        'MB',
        bareRss,
        { op: '<=', value: 200 },
        'server RSS with 2,000 participants connected in 50 drills; baseline bare ws server with the same sockets (both under node --import tsx)',
      ),
    ];
  } finally {
    await stopAll(bare);
    await setup.stop();
  }
}

function live(child: Child | undefined): Child {
  if (!child) throw new Error('the server is not running');
  return child;
}
