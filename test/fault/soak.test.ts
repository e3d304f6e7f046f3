import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import WebSocket from 'ws';
import { audienceOf } from '../../server/domain/engine/audience.js';
import { between, seededRandom } from '../../server/runtime/random.js';
import { eventually, startTestServer, type TestServer } from '../helpers/server.js';
import { schedulePangyoDrill } from './pangyo-drill.js';

const SEED = Number(process.env.FAULT_SEED ?? randomInt(1, 2 ** 31));
const BOTS = 200;
const RECONNECTS = 5_000;
/** Reconnects that happen at once, as when a flaky office network drops a floor. */
const WAVE = 25;
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after forced collections. */
async function heapAfterGc(): Promise<number> {
  if (!gc) throw new Error('the soak needs node --expose-gc (npm run test:fault passes it)');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Open handles by kind (TCPSocketWrap, Timeout, ...). */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * A participant's socket that keeps nothing but the last sequence number it saw, so that the
 * soak measures the server, not the test. Reconnects say `lastSeq` and must get exactly what
 * they missed: every event's seq is above the last one seen.
 */
class SoakBot {
  lastSeq?: number;
  /** The seq its first welcome said, and how many events it has received since, in total. */
  firstSeq?: number;
  received = 0;
  private ws?: WebSocket;
  private sent = 0;
  private acks = new Map<string, () => void>();
  closedBy?: { code: number; reason: string };
  constructor(
    private readonly url: string,
    readonly role: string,
    private readonly problems: string[],
  ) {}

  connect(): Promise<void> {
    const url = this.lastSeq === undefined ? this.url : `${this.url}&lastSeq=${this.lastSeq}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    this.closedBy = undefined;
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`refused: ${res.statusCode}`)),
      );
      ws.on('close', (code, reason) => {
        if (this.ws === ws) this.closedBy = { code, reason: reason.toString() };
      });
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type === 'welcome') {
          this.firstSeq ??= m.seq;
          this.lastSeq ??= m.seq;
          resolve();
        } else if (m.type === 'event') {
          if (m.event.seq <= (this.lastSeq ?? 0))
            this.problems.push(`${this.role}: seq ${m.event.seq} after ${this.lastSeq}`);
          this.lastSeq = m.event.seq;
          this.received += 1;
        } else if (m.type === 'ack') this.acks.get(m.clientId)?.();
        else if (m.type === 'error') this.problems.push(`${this.role}: ${m.code} ${m.message}`);
      });
    });
  }

  /** Drops the connection, politely or by cutting the TCP connection, and waits till it is gone. */
  drop(abrupt: boolean): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      if (abrupt) ws.terminate();
      else ws.close();
    });
  }

  /** Sends one action and resolves on its ack. */
  act(): Promise<void> {
    this.sent += 1;
    const clientId = `soak-${this.sent}`;
    return new Promise((resolve) => {
      this.acks.set(clientId, () => {
        this.acks.delete(clientId);
        resolve();
      });
      this.ws?.send(
        JSON.stringify({
          type: 'action',
          clientId,
          action: 'send-message',
          channel: 'secondary-messenger',
          text: `still here (${this.sent})`,
        }),
      );
    });
  }
}

describe(`soak: ${RECONNECTS} random reconnects of ${BOTS} participants (seed ${SEED})`, function () {
  this.timeout(240_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  /** Bots that did not get exactly the events their role may see since they first joined. */
  function missed(drillId: string, bots: SoakBot[]): string[] {
    const runner = t.server.service.live(drillId);
    const visible = (role: string, after: number) =>
      runner.entries.filter(
        (e) => e.seq > after && audienceOf(runner.drill, runner.state, e).includes(role),
      ).length;
    return bots
      .map((b) => ({ b, due: visible(b.role, b.firstSeq ?? 0) }))
      .filter(({ b, due }) => b.received !== due)
      .map(({ b, due }) => `${b.role}: ${b.received} of ${due}`);
  }

  /** The drill's runner, held only weakly, so the test itself keeps nothing alive. */
  function weakRunner(drillId: string): WeakRef<object> {
    const runner = t.server.service.runner(drillId);
    if (!runner) throw new Error('the drill is not running');
    return new WeakRef(runner);
  }

  it('keeps heap growth under 10 MB from reconnect 1,000 to 5,000, and lets go of every handle and of the drill when it ends', async () => {
    const random = seededRandom(SEED);
    const started = performance.now();
    const drill = await schedulePangyoDrill(t.facilitator, { people: BOTS });
    const drillId = drill.id;
    await t.server.service.settled();
    const baseline = handles();

    const problems: string[] = [];
    const ws = t.server.url.replace('http', 'ws');
    const bots = drill.links.map((l) => new SoakBot(`${ws}/ws?token=${l.token}`, l.role, problems));
    expect(bots).to.have.length(BOTS);
    await Promise.all(bots.map((b) => b.connect()));

    let reconnects = 0;
    let actions = 0;
    let heapAt1000 = 0;
    while (reconnects < RECONNECTS) {
      // A wave: distinct random bots drop (half of them abruptly) and come back with lastSeq,
      // while others act and the drill's time moves on, so there is always something missed.
      const wave = new Set<SoakBot>();
      while (wave.size < WAVE) wave.add(bots[between(random, 0, BOTS - 1)] as SoakBot);
      await Promise.all([...wave].map((b) => b.drop(random() < 0.5)));
      const acting = bots.filter((b) => !wave.has(b)).slice(0, 2);
      await Promise.all(acting.map((b) => b.act()));
      actions += acting.length;
      t.clock.advance(15_000);
      await t.server.service.settled();
      await Promise.all([...wave].map((b) => b.connect()));
      reconnects += wave.size;
      if (reconnects === 1_000) heapAt1000 = await heapAfterGc();
    }
    const heapAt5000 = await heapAfterGc();
    const growth = (heapAt5000 - heapAt1000) / MB;
    expect(problems, 'every reconnect got what it missed, in order').to.deep.equal([]);

    // Every bot of a role has seen the same last event: nothing missed across reconnects.
    await t.server.service.settled();
    const agree = () => {
      const byRole = new Map<string, Set<number | undefined>>();
      for (const b of bots) byRole.set(b.role, (byRole.get(b.role) ?? new Set()).add(b.lastSeq));
      return [...byRole.values()].every((seen) => seen.size === 1);
    };
    await eventually('every bot of a role to have seen the same last event', agree, 10_000);
    // And each got every event its role may see since it first joined, none twice, none missed.
    expect(missed(drillId, bots), 'events not received').to.deep.equal([]);

    // The drill ends: every socket is closed by the server and nothing is kept for it.
    const ref = weakRunner(drillId);
    await t.facilitator.post(`/api/drills/${drillId}/end`).expect(200);
    await eventually(
      'the server to close every socket',
      () => bots.every((b) => b.closedBy),
      10_000,
    );
    expect(new Set(bots.map((b) => b.closedBy?.code))).to.deep.equal(new Set([1000]));
    await t.server.service.settled();
    expect(t.server.service.heldFor(drillId), "the service's maps").to.deep.equal([]);
    const hubDrills = (t.server.hub as unknown as { drills: Map<string, unknown> }).drills;
    expect(hubDrills.has(drillId), "the hub's map").to.equal(false);
    let collected = false;
    for (let i = 0; i < 20 && !collected; i++) {
      await heapAfterGc();
      collected = ref.deref() === undefined;
    }
    expect(collected, 'the ended drill’s runner is collected').to.equal(true);

    // The baseline may hold a keep-alive HTTP connection that has closed since: no kind may be
    // above it, and no socket at all may be left once every bot is gone.
    const above = (counts: Record<string, number>) =>
      Object.entries(counts).filter(([kind, n]) => n > (baseline[kind] ?? 0));
    let now = handles();
    await eventually(
      'open handles back to the baseline',
      () => {
        now = handles();
        return !above(now).length && !now.TCPSocketWrap;
      },
      10_000,
    ).catch(() => undefined);
    expect(above(now), `open handles above the baseline ${JSON.stringify(baseline)}`).to.deep.equal(
      [],
    );
    expect(now.TCPSocketWrap ?? 0, 'sockets left open').to.equal(0);
    console.log(
      `      soak, seed ${SEED}: ${reconnects} reconnects of ${BOTS} bots, ${actions} actions; ` +
        `heap ${(heapAt1000 / MB).toFixed(1)} MB at 1,000 -> ${(heapAt5000 / MB).toFixed(1)} MB at 5,000 ` +
        `(${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MB); handles ${JSON.stringify(baseline)} -> ${JSON.stringify(now)}; ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(growth, 'heap growth from reconnect 1,000 to 5,000, MB').to.be.at.most(10);
  });
});
