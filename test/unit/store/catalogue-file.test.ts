import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CATALOGUE_FILE, FileCatalogueStore } from '../../../server/store/catalogue-file.js';
import {
  InvalidCatalogueChange,
  MemoryCatalogueStore,
} from '../../../server/store/catalogue-memory.js';
import {
  CatalogueData,
  type DrillRecord,
  emptyCatalogue,
} from '../../../server/store/catalogue-schema.js';
import { type CatalogueStore, CorruptStoreError } from '../../../server/store/store.js';

/** A drill a facilitator scheduled for the Pangyo fire scenario. */
function drill(id: string): DrillRecord {
  return {
    id,
    title: 'Pangyo data centre fire, night shift',
    manual: { id: 'kakao-incident', version: '2023-12', hash: 'sha256:ab12' },
    scenario: { id: 'kakao-pangyo-fire', version: '1', hash: 'sha256:cd34' },
    mode: 'at',
    dueAt: '2026-11-20T13:00:00.000Z',
    blackoutDates: [],
    lateStartMinutes: 15,
    timeScale: 1,
    status: 'scheduled',
    assignments: [{ role: 'operations-lead', personId: 'kim-minjun', bot: false }],
    createdAt: '2026-11-03T01:00:00.000Z',
  };
}

function team(i: number) {
  return { id: `team-${i}`, name: `Platform on-call ${i}`, timeZone: 'Asia/Seoul', members: [] };
}

/** The error a promise rejects with; fails if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('catalogue stores', () => {
  let dir: string;
  const file = () => join(dir, CATALOGUE_FILE);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-catalogue-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const makers: [string, () => Promise<CatalogueStore>][] = [
    ['FileCatalogueStore', () => FileCatalogueStore.open(dir)],
    ['MemoryCatalogueStore', async () => new MemoryCatalogueStore()],
  ];
  for (const [name, make] of makers) {
    describe(`${name} (shared rules)`, () => {
      it('applies a change and resolves with what it returned', async () => {
        const store = await make();
        const id = await store.update((data) => {
          data.drills.push(drill('drill-2026-11-20'));
          return 'drill-2026-11-20';
        });
        expect(id).to.equal('drill-2026-11-20');
        expect(store.read().drills).to.deep.equal([drill('drill-2026-11-20')]);
        await store.close();
      });

      it('applies 100 concurrent updates, all of them, in call order', async () => {
        const store = await make();
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            store.update((data) => {
              data.teams.push(team(i));
              return data.teams.length;
            }),
          ),
        );
        expect(results).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
        expect(store.read().teams.map((t) => t.id)).to.deep.equal(
          Array.from({ length: 100 }, (_, i) => `team-${i}`),
        );
        await store.close();
      });

      it('passes on the error of a throwing change and keeps the data as it was', async () => {
        const store = await make();
        const before = store.read();
        const thrown = new Error('no such team');
        const error = await rejection(
          store.update((data) => {
            data.teams.push(team(1));
            throw thrown;
          }),
        );
        expect(error).to.equal(thrown);
        expect(store.read()).to.equal(before);
        expect(await store.update((data) => data.teams.length)).to.equal(0);
        await store.close();
      });

      it('rejects a change that breaks the schema, naming the path', async () => {
        const store = await make();
        const error = await rejection(
          store.update((data) => {
            data.drills.push({ ...drill('drill-x'), status: 'exploded' as 'scheduled' });
          }),
        );
        expect(error).to.be.instanceOf(InvalidCatalogueChange);
        expect(error.message).to.contain('drills[0].status');
        expect(store.read().drills).to.deep.equal([]);
        await store.close();
      });

      it('rejects a change that returns a promise', async () => {
        const store = await make();
        const error = await rejection(
          store.update(async (data) => {
            data.teams.push(team(1));
          }),
        );
        expect(error.message).to.contain('synchronous');
        expect(store.read().teams).to.deep.equal([]);
        await store.close();
      });

      it('hands out data that cannot be changed in place', async () => {
        const store = await make();
        await store.update((data) => {
          data.teams.push(team(1));
        });
        const data = store.read() as CatalogueData;
        expect(() => data.teams.push(team(2))).to.throw(TypeError);
        expect(() => {
          (data.teams[0] as { name: string }).name = 'renamed';
        }).to.throw(TypeError);
        await store.close();
      });
    });
  }

  describe('FileCatalogueStore', () => {
    it('starts a missing catalogue empty and writes it as a valid file', async () => {
      const store = await FileCatalogueStore.open(join(dir, 'data'));
      expect(store.read()).to.deep.equal(emptyCatalogue());
      const written = JSON.parse(await readFile(join(dir, 'data', CATALOGUE_FILE), 'utf8'));
      expect(CatalogueData.parse(written)).to.deep.equal(emptyCatalogue());
      await store.close();
    });

    it('makes an update durable: a reopened store sees it, and no temp file is left', async () => {
      const store = await FileCatalogueStore.open(dir);
      await store.update((data) => {
        data.drills.push(drill('drill-2026-11-20'));
      });
      await store.close();
      const again = await FileCatalogueStore.open(dir);
      expect(again.read().drills).to.deep.equal([drill('drill-2026-11-20')]);
      expect(await readdir(dir)).to.deep.equal([CATALOGUE_FILE]);
      await again.close();
    });

    it('writes nothing for a throwing change or one that breaks the schema', async () => {
      const store = await FileCatalogueStore.open(dir);
      await store.update((data) => {
        data.teams.push(team(1));
      });
      const bytes = await readFile(file());
      await rejection(
        store.update((data) => {
          data.teams.push(team(2));
          throw new Error('changed my mind');
        }),
      );
      expect(await readFile(file())).to.deep.equal(bytes);
      await rejection(
        store.update((data) => {
          data.version = 2 as 1;
        }),
      );
      expect(await readFile(file())).to.deep.equal(bytes);
      await store.close();
    });

    it('rejects an update it cannot write durably and keeps the old data, then recovers', async () => {
      const store = await FileCatalogueStore.open(dir);
      const bytes = await readFile(file());
      // The temp file's name taken by a directory: the write fails for real.
      await mkdir(`${file()}.tmp`);
      const error = await rejection(
        store.update((data) => {
          data.teams.push(team(1));
        }),
      );
      expect(error).to.have.property('code', 'EISDIR');
      expect(store.read().teams).to.deep.equal([]);
      expect(await readFile(file())).to.deep.equal(bytes);
      await rm(`${file()}.tmp`, { recursive: true });
      await store.update((data) => {
        data.teams.push(team(2));
      });
      expect(store.read().teams.map((t) => t.id)).to.deep.equal(['team-2']);
      await store.close();
    });

    for (const [kind, text, reason] of [
      ['is not JSON', '{"version": 1, "accounts": [', 'not JSON'],
      ['is JSON of the wrong shape', '{"version": 1, "teams": {"a": 1}}', 'teams'],
      ['is not an object', '[1, 2, 3]', 'expected a JSON object'],
      ['has another version', '{"version": 2, "teams": []}', 'version 2'],
      ['has no version', '{"teams": []}', 'version missing'],
    ] as const) {
      it(`refuses to open a file that ${kind}, and leaves it byte for byte`, async () => {
        await writeFile(file(), text);
        const error = await rejection(FileCatalogueStore.open(dir));
        expect(error).to.be.instanceOf(CorruptStoreError);
        expect(error.message).to.contain(file()).and.to.contain(reason);
        expect(await readFile(file(), 'utf8')).to.equal(text);
        expect(await readdir(dir)).to.deep.equal([CATALOGUE_FILE]);
      });
    }
  });
});
