import type { ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually, eventuallyAsync, signIn, TestClient } from '../helpers/server.js';
import { bootServer as boot } from '../helpers/server-process.js';

describe('a server killed with SIGKILL during a drill', function () {
  this.timeout(60_000);
  let dataDir: string;
  const children: ChildProcess[] = [];
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'firedrill-crash-'));
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged action, drops a torn last line, and goes on firing each remaining inject once, in order', async () => {
    const first = await boot(dataDir);
    children.push(first.child);
    if (!first.password) throw new Error('the first start must seed the demo');
    const staff = await signIn(first.url, 'facilitator', first.password);
    const roles = ['control-tower', 'operator', 'communicator', 'operations-lead'];
    const created = await staff
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        assignments: roles.map((role) => ({ role, bot: false })),
      })
      .expect(201);
    const drillId = created.body.drill.id as string;
    const links = created.body.links as { role: string; url: string }[];
    const ws = first.url.replace('http', 'ws');
    const clients = await Promise.all(
      links.map((l) => TestClient.open(`${ws}/ws?token=${l.url.split('/join/')[1]}`)),
    );
    // 00:06 of drill time: the fire (00:02) and the facility report (00:06) are in the log.
    await staff.post('/api/test/clock/advance', { ms: 6 * 60_000 }).expect(200);

    // Every client sends actions as fast as acks come back; the server dies after about 150.
    const acked = new Set<string>();
    let sent = 0;
    const pump = (client: TestClient, role: string) => {
      client.ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type === 'ack') acked.add(m.clientId);
        if (m.type === 'ack' && sent < 400) send();
      });
      const send = () => {
        sent++;
        client.send({
          type: 'action',
          clientId: `${role}-${sent}`,
          action: 'send-message',
          channel: 'secondary-messenger',
          text: `status ${sent}`,
        });
      };
      for (let i = 0; i < 4; i++) send();
    };
    for (const [i, c] of clients.entries()) pump(c, roles[i] as string);
    await eventually('about 150 acknowledged actions', () => acked.size >= 150, 20_000);
    first.child.kill('SIGKILL');
    await eventually(
      'the process to die',
      () => first.child.exitCode !== null || first.child.signalCode !== null,
      5_000,
    );
    const ackedAtDeath = new Set(acked);

    // A crash mid-write leaves half a line at the end of the log.
    const logFile = join(dataDir, 'drills', `${drillId}.jsonl`);
    expect(await readdir(join(dataDir, 'drills'))).to.include(`${drillId}.jsonl`);
    await appendFile(logFile, '{"seq":99999,"t":1,"type":"act');

    const second = await boot(dataDir);
    children.push(second.child);
    expect(second.password, 'a restart must not seed again').to.equal(undefined);
    const staff2 = await signIn(second.url, 'facilitator', first.password);
    const readLog = async () =>
      (await staff2.get(`/api/drills/${drillId}/log`).expect(200)).text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
    const log = await readLog();
    const ids = new Set(
      log.filter((e) => e.type === 'action').map((e) => String(e.id).split(':').slice(1).join(':')),
    );
    const lost = [...ackedAtDeath].filter((id) => !ids.has(id));
    expect(lost, 'acknowledged actions missing after the restart').to.deep.equal([]);
    expect(log.map((e) => e.seq)).to.deep.equal(log.map((_, i) => i + 1));
    expect((await staff2.get(`/api/drills/${drillId}`).expect(200)).body.drill.status).to.equal(
      'running',
    );

    // The drill goes on: two more hours of drill time, in steps.
    for (let i = 0; i < 24; i++)
      await staff2.post('/api/test/clock/advance', { ms: 5 * 60_000 }).expect(200);
    const after = await eventuallyAsync(
      'the drill to end',
      async () => {
        const entries = await readLog();
        return entries.at(-1)?.type === 'ended' && entries;
      },
      10_000,
    );
    const injects = after.filter((e) => e.type === 'inject-delivered').map((e) => e.inject);
    expect(new Set(injects).size, `each inject once: ${injects.join(', ')}`).to.equal(
      injects.length,
    );
    expect(injects.slice(0, 2)).to.deep.equal(['battery-room-fire', 'facility-report']);
    expect(injects).to.include.members([
      'building-power-cut',
      'declaration-nudge',
      'press-inquiry',
    ]);
    const times = after.filter((e) => e.type === 'inject-delivered').map((e) => e.t);
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    for (const c of clients) c.close();
    second.child.kill('SIGTERM');
  });
});
