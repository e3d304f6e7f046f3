import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CatalogueData } from '../../server/store/catalogue-schema.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { schedulePangyoDrill } from './pangyo-drill.js';

const MIN = 60_000;

/**
 * Starting and ending a drill each write twice: the drill's log, then the catalogue. A crash
 * between the two leaves them disagreeing; these tests make that state by hand (the catalogue
 * as it was before the second write) and restart over it.
 */
describe('a crash between a drill’s log and the catalogue', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(() => t.stop());

  /** Stops the server, puts the drill's catalogue record back as `change` says, restarts. */
  async function crashBeforeCatalogue(
    drillId: string,
    change: (d: Record<string, unknown>) => void,
  ) {
    await t.server.service.settled();
    await t.server.close();
    const file = join(t.dataDir, 'catalogue.json');
    const data = JSON.parse(await readFile(file, 'utf8')) as CatalogueData;
    const record = data.drills.find((d) => d.id === drillId) as unknown as Record<string, unknown>;
    change(record);
    await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
    await t.restart();
  }

  const create = async () => (await schedulePangyoDrill(t.facilitator)).id;

  const log = async (id: string) => (await t.server.logs.read(id)).entries;

  it('resumes a drill whose log started while the catalogue still says scheduled, and never starts it twice', async () => {
    const id = await create();
    const [first] = await log(id);
    await crashBeforeCatalogue(id, (d) => {
      d.status = 'scheduled';
      delete d.startedAt;
    });
    const record = t.server.service.record(id);
    expect(record?.status).to.equal('running');
    expect(record?.startedAt).to.equal(first?.at);
    t.clock.advance(3 * MIN);
    await t.server.service.settled();
    const entries = await log(id);
    expect(entries.map((e) => e.seq)).to.deep.equal(entries.map((_, i) => i + 1));
    expect(entries.filter((e) => e.type === 'drill-started')).to.have.length(1);
    expect(entries.filter((e) => e.type === 'inject-delivered').map((e) => e.inject)).to.deep.equal(
      ['battery-room-fire'],
    );
  });

  it('shows a drill paused when the catalogue missed the pause, and it resumes from there', async () => {
    const id = await create();
    await t.facilitator.post(`/api/drills/${id}/pause`).expect(200);
    await crashBeforeCatalogue(id, (d) => {
      d.status = 'running';
    });
    expect(t.server.service.record(id)?.status).to.equal('paused');
    t.clock.advance(30 * MIN);
    await t.server.service.settled();
    expect((await log(id)).filter((e) => e.type === 'inject-delivered')).to.have.length(0);
    await t.facilitator.post(`/api/drills/${id}/resume`).expect(200);
    expect(t.server.service.record(id)?.status).to.equal('running');
  });

  it('marks an aborted drill aborted, not ended, when the catalogue missed the abort', async () => {
    const id = await create();
    await t.facilitator.post(`/api/drills/${id}/abort`).expect(200);
    await crashBeforeCatalogue(id, (d) => {
      d.status = 'running';
      delete d.endedAt;
    });
    expect(t.server.service.record(id)?.status).to.equal('aborted');
    expect(t.server.service.heldFor(id)).to.deep.equal([]);
  });
});
