import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { between, seededRandom } from '../../server/runtime/random.js';
import { eventuallyAsync, signIn } from '../helpers/server.js';
import { bootServer, killServer, type ServerProcess } from '../helpers/server-process.js';
import { ROLES } from './pangyo-drill.js';
import { checkDataDir } from './store-check.js';

const SEED = Number(process.env.FAULT_SEED ?? randomInt(1, 2 ** 31));
const ROUNDS = 8;

/**
 * Starting a drill writes the catalogue (the drill), its log (drill-started), then the catalogue
 * again (running). Kills land anywhere in that: the drill must never start twice.
 */
describe(`SIGKILL while drills are being started (seed ${SEED}; FAULT_SEED=${SEED} replays it)`, function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: ServerProcess | undefined;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'firedrill-kill-start-'));
  });
  after(async () => {
    if (server) await killServer(server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`starts each drill once, whatever the moment of the kill, over ${ROUNDS} rounds`, async () => {
    const random = seededRandom(SEED);
    let round = 0;
    let halfStarted = 0;
    try {
      server = await bootServer(dataDir);
      const password = server.password as string;
      const demo = new Set((await checkDataDir(dataDir)).catalogue.drills.map((d) => d.id));
      for (round = 1; round <= ROUNDS; round++) {
        if (round > 1) server = await bootServer(dataDir);
        const staff = await signIn(server.url, 'facilitator', password);
        // Drills left scheduled by the last kill are due now: let the clock fire their timers.
        await staff.post('/api/test/clock/advance', { ms: 0 }).expect(200);
        const contents = await checkDataDir(dataDir);
        for (const record of contents.catalogue.drills.filter((d) => !demo.has(d.id)))
          await eventuallyAsync(`drill ${record.id} to run after the restart`, async () => {
            const res = await staff.get(`/api/drills/${record.id}`).expect(200);
            return res.body.drill.status === 'running';
          });

        // Three drills scheduled to start now, and the kill some milliseconds later.
        const running = server;
        for (let i = 0; i < 3; i++)
          void staff
            .post('/api/drills', {
              scenario: 'kakao-pangyo-fire',
              mode: 'now',
              assignments: ROLES.map((role) => ({ role, bot: false })),
            })
            .then(
              () => undefined,
              () => undefined,
            );
        const delay = between(random, 0, 60);
        await new Promise((resolve) => setTimeout(resolve, delay));
        await killServer(running);

        const after = await checkDataDir(dataDir);
        for (const record of after.catalogue.drills.filter((d) => !demo.has(d.id))) {
          const log = after.logs.get(record.id) ?? [];
          const starts = log.filter((e) => e.type === 'drill-started').length;
          expect(starts, `drill ${record.id} (${record.status}) started`).to.be.at.most(1);
          if (log.length) expect(log[0]?.type).to.equal('drill-started');
          if (record.status === 'scheduled' && log.length) halfStarted += 1;
        }
      }
      server = await bootServer(dataDir);
      const staff = await signIn(server.url, 'facilitator', password);
      await staff.post('/api/test/clock/advance', { ms: 60_000 }).expect(200);
      server.child.kill('SIGTERM');
      await server.exited;
      const final = await checkDataDir(dataDir);
      const drills = final.catalogue.drills.filter((d) => !demo.has(d.id));
      for (const record of drills) {
        const log = final.logs.get(record.id) ?? [];
        expect(record.status, record.id).to.equal('running');
        expect(
          log.filter((e) => e.type === 'drill-started'),
          record.id,
        ).to.have.length(1);
      }
      console.log(
        `      ${ROUNDS} kills while starting drills, seed ${SEED}: ${drills.length} drills, each started once; ` +
          `${halfStarted} times a kill left a drill scheduled in the catalogue but started in its log`,
      );
    } catch (error) {
      if (error instanceof Error)
        error.message = `seed ${SEED} (FAULT_SEED=${SEED} replays it), round ${round}: ${error.message}`;
      throw error;
    }
  });
});
