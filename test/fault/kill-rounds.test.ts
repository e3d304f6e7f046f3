import { randomInt } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LogEntry } from '../../server/domain/schema/log.js';
import { between, seededRandom } from '../../server/runtime/random.js';
import { eventuallyAsync, type StaffAgent, signIn, TestClient } from '../helpers/server.js';
import { bootServer, killServer, type ServerProcess } from '../helpers/server-process.js';
import { ROLES, schedulePangyoDrill } from './pangyo-drill.js';
import { actionClientIds, checkDataDir } from './store-check.js';

const SEED = Number(process.env.FAULT_SEED ?? randomInt(1, 2 ** 31));
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 24);
const MINUTE = 60_000;

/** The Pangyo fire's injects, and when each may fire at the earliest (drill ms), given the log. */
function earliest(log: readonly LogEntry[]): Record<string, number> {
  const at = (inject: string) =>
    log.find((e) => e.type === 'inject-delivered' && e.inject === inject)?.t ?? Number.NaN;
  const task =
    log.find((e) => e.type === 'action' && e.action === 'instruct-task')?.t ?? Number.NaN;
  return {
    'battery-room-fire': 2 * MINUTE,
    'facility-report': 6 * MINUTE,
    'building-power-cut': 10 * MINUTE,
    // Nobody declares in this drill, so the nudge fires 10 minutes after the fire.
    'declaration-nudge': at('battery-room-fire') + 10 * MINUTE,
    'press-inquiry': 20 * MINUTE,
    'failover-slow': task + 11 * MINUTE,
    'talk-restored': at('failover-slow') + 11 * MINUTE,
    'services-restored': at('talk-restored') + 11 * MINUTE,
  };
}

/** Sockets for each role that send actions as fast as acks come back, until told to stop. */
class Load {
  readonly acked = new Set<string>();
  private sent = 0;
  private stopped = false;
  constructor(
    private readonly clients: Map<string, TestClient>,
    private readonly round: number,
    private readonly onAck: (acks: number) => void,
  ) {
    for (const [role, client] of clients) {
      client.ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type !== 'ack') return;
        this.acked.add(m.clientId);
        this.onAck(this.acked.size);
        this.send(role);
      });
      for (let i = 0; i < 3; i++) this.send(role);
    }
  }

  send(role: string, action?: Record<string, unknown>, clientId?: string) {
    if (this.stopped) return;
    this.sent += 1;
    this.clients.get(role)?.send({
      type: 'action',
      clientId: clientId ?? `r${this.round}-${role}-${this.sent}`,
      ...(action ?? {
        action: 'send-message',
        channel: 'secondary-messenger',
        text: `round ${this.round}: status update ${this.sent}`,
      }),
    });
  }

  stop() {
    this.stopped = true;
  }
}

describe(`SIGKILL at random moments during a drill under load (seed ${SEED}; FAULT_SEED=${SEED} replays it)`, function () {
  this.timeout(280_000);
  let dataDir: string;
  let server: ServerProcess | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'firedrill-kill-'));
  });
  after(async () => {
    if (server) await killServer(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`loses no acknowledged action over ${ROUNDS} rounds, leaves the store whole each time, and the drill fires each remaining inject once, in order`, async () => {
    const random = seededRandom(SEED);
    const acked = new Set<string>();
    let round = 0;
    let torn = 0;
    const started = performance.now();
    try {
      server = await bootServer(dataDir);
      const password = server.password;
      if (!password) throw new Error('the first start must seed the demo');
      let staff: StaffAgent = await signIn(server.url, 'facilitator', password);
      const created = await schedulePangyoDrill(staff);
      const drillId = created.id;
      const tokens = new Map(created.links.map((l) => [l.role, l.token]));
      await staff.post('/api/test/clock/advance', { ms: MINUTE }).expect(200);

      for (round = 1; round <= ROUNDS; round++) {
        if (round > 1) {
          server = await bootServer(dataDir);
          staff = await signIn(server.url, 'facilitator', password);
          const drill = (await staff.get(`/api/drills/${drillId}`).expect(200)).body.drill;
          expect(drill.status, 'the drill resumes after a restart').to.equal('running');
        }
        const ws = server.url.replace('http', 'ws');
        const clients = new Map<string, TestClient>();
        for (const role of ROLES)
          clients.set(role, await TestClient.open(`${ws}/ws?token=${tokens.get(role)}`));

        // The moment: after a random number of acks, with the clock moved (injects firing)
        // at another random point, so some kills land in the middle of an inject's write.
        const killAfter = between(random, 0, 150);
        const advanceAfter = between(random, 0, killAfter);
        const advanceMs = between(random, 1, 4) * MINUTE;
        const running = server;
        let killed: Promise<void> | undefined;
        let signal = () => {};
        const killing = new Promise<void>((resolve) => {
          signal = resolve;
        });
        const kill = () => {
          killed ??= killServer(running);
          signal();
        };
        const advance = () =>
          void staff.post('/api/test/clock/advance', { ms: advanceMs }).then(
            () => undefined,
            () => undefined,
          );
        const load = new Load(clients, round, (acks) => {
          if (acks === advanceAfter && acks < killAfter) advance();
          if (acks >= killAfter) kill();
        });
        // The Control Tower's first task, so the failover injects follow later in the drill. It
        // is sent again, with the same client id, every round: it must be applied once.
        if (round >= 3)
          load.send(
            'control-tower',
            {
              action: 'instruct-task',
              channel: 'bridge',
              to: ['operator'],
              fields: { owner: 'operator', deadline: '15m', task: 'fail KakaoTalk over to Ansan' },
            },
            'first-task',
          );
        if (killAfter === 0) kill();
        const stalled = setTimeout(() => signal(), 30_000);
        await killing;
        clearTimeout(stalled);
        if (!killed) throw new Error(`no ${killAfter} acks within 30 s (${load.acked.size} came)`);
        await killed;
        load.stop();
        for (const client of clients.values()) client.ws.terminate();
        for (const id of load.acked) acked.add(id);

        const contents = await checkDataDir(dataDir);
        const ids = actionClientIds(contents.logs.get(drillId) ?? []);
        const lost = [...acked].filter((id) => !ids.has(id));
        expect(lost, 'acknowledged actions missing after the kill').to.deep.equal([]);
        // A write cut short by the crash leaves half a line; the next start must drop it.
        if (random() < 0.3) {
          await appendFile(
            join(dataDir, 'drills', `${drillId}.jsonl`),
            `{"seq":${ids.size + 1000},"t":1,"type":"action","role":"oper`,
          );
          torn += 1;
        }
      }

      round = ROUNDS + 1;
      server = await bootServer(dataDir);
      staff = await signIn(server.url, 'facilitator', password);
      const readLog = async (): Promise<LogEntry[]> =>
        (await staff.get(`/api/drills/${drillId}/log`).expect(200)).text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line));
      // The rest of the two-hour drill, in five-minute steps, until it ends.
      const log = await eventuallyAsync(
        'the drill to end',
        async () => {
          await staff.post('/api/test/clock/advance', { ms: 5 * MINUTE }).expect(200);
          const entries = await readLog();
          return entries.at(-1)?.type === 'ended' && entries;
        },
        30_000,
      );
      expect(log.map((e) => e.seq)).to.deep.equal(log.map((_, i) => i + 1));
      const ids = actionClientIds(log);
      expect([...acked].filter((id) => !ids.has(id))).to.deep.equal([]);
      const injects = log.flatMap((e) => (e.type === 'inject-delivered' ? [e] : []));
      const due = earliest(log);
      expect(
        injects.map((e) => e.inject),
        'each inject once, in the order the scenario makes them due',
      ).to.deep.equal(Object.keys(due).sort((a, b) => (due[a] ?? 0) - (due[b] ?? 0)));
      for (const e of injects)
        expect(e.t, `${e.inject} never fires early`).to.be.at.least(due[e.inject] ?? Infinity);
      const times = injects.map((e) => e.t);
      expect(times).to.deep.equal([...times].sort((a, b) => a - b));

      server.child.kill('SIGTERM');
      expect((await server.exited).code).to.equal(0);
      const final = await checkDataDir(dataDir);
      expect(final.catalogue.drills.find((d) => d.id === drillId)?.status).to.equal('ended');
      console.log(
        `      ${ROUNDS} SIGKILL rounds, seed ${SEED}: ${acked.size} acknowledged actions, all kept; ` +
          `${torn} torn lines dropped; ${injects.length} injects once each; ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (error) {
      if (error instanceof Error)
        error.message = `seed ${SEED} (FAULT_SEED=${SEED} replays it), round ${round}: ${error.message}`;
      throw error;
    }
  });
});
