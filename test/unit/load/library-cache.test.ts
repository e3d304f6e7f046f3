import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { contentHash } from '../../../server/load/library.js';
import { libraryKey, readLibraryCache } from '../../../server/load/library-cache.js';
import { DrillLibrary } from '../../../server/runtime/drill-library.js';
import { ROOT } from '../../helpers/drills.js';

/** A library's files, versions and hashes, to compare two loads. */
function contents(library: DrillLibrary) {
  return {
    manuals: [...library.manuals.values()],
    scenarios: [...library.scenarios.values()],
  };
}

describe('DrillLibrary.load() with a cache file', () => {
  let dir: string;
  let drills: string;
  let cacheFile: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-library-cache-'));
    drills = join(dir, 'drills');
    await cp(join(ROOT, 'drills'), drills, { recursive: true });
    cacheFile = join(dir, 'cache', 'library.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the checked library, and the next load over the same files gives the same one', async () => {
    const plain = await DrillLibrary.load([drills]);
    const first = await DrillLibrary.load([drills], { cacheFile });
    const cached = await readLibraryCache(cacheFile, await libraryKey([drills]));
    expect(cached, 'a cache was written').to.not.equal(undefined);
    const second = await DrillLibrary.load([drills], { cacheFile });
    expect(contents(first)).to.deep.equal(contents(plain));
    expect(contents(second)).to.deep.equal(contents(plain));
    expect(second.resolve('kakao-pangyo-fire')?.drill).to.deep.equal(
      plain.resolve('kakao-pangyo-fire')?.drill,
    );
  });

  /** Rewrites the cache with one manual's title changed (and its hash made to match). */
  async function tamper(title: string) {
    const text = JSON.parse(await readFile(cacheFile, 'utf8'));
    const manual = text.manuals.find((m: { value: { id: string } }) => m.value.id === 'kakao');
    manual.value.title = title;
    manual.hash = contentHash(manual.value);
    await writeFile(cacheFile, JSON.stringify(text));
  }

  it('takes the library from the cache while the files are unchanged, and checks them again once one changes', async () => {
    await DrillLibrary.load([drills], { cacheFile });
    await tamper('Taken from the cache');
    const hit = await DrillLibrary.load([drills], { cacheFile });
    expect(hit.manuals.get('kakao')?.value.title).to.equal('Taken from the cache');
    const file = join(drills, 'manuals', 'kakao.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}\n# edited\n`);
    const miss = await DrillLibrary.load([drills], { cacheFile });
    expect(miss.manuals.get('kakao')?.value.title).to.not.equal('Taken from the cache');
    expect(contents(miss)).to.deep.equal(contents(await DrillLibrary.load([drills])));
  });

  it('ignores a cache that is not JSON, or whose values do not match their hashes, and rewrites it', async () => {
    const plain = contents(await DrillLibrary.load([drills]));
    await DrillLibrary.load([drills], { cacheFile });
    const good = await readFile(cacheFile, 'utf8');
    await writeFile(cacheFile, '{"key": "tor');
    expect(contents(await DrillLibrary.load([drills], { cacheFile }))).to.deep.equal(plain);
    expect(await readFile(cacheFile, 'utf8')).to.equal(good);
    const text = JSON.parse(good);
    text.manuals[0].value.title = 'changed without its hash';
    await writeFile(cacheFile, JSON.stringify(text));
    expect(contents(await DrillLibrary.load([drills], { cacheFile }))).to.deep.equal(plain);
  });

  it('still loads when the cache cannot be written, and still refuses a library with errors', async () => {
    const plain = contents(await DrillLibrary.load([drills]));
    const nowhere = join(dir, 'a-file', 'library.json');
    await writeFile(join(dir, 'a-file'), 'not a directory');
    expect(contents(await DrillLibrary.load([drills], { cacheFile: nowhere }))).to.deep.equal(
      plain,
    );
    await DrillLibrary.load([drills], { cacheFile });
    await writeFile(join(drills, 'manuals', 'kakao.yaml'), 'kind: manual\nid: kakao\n');
    let error: Error | undefined;
    await DrillLibrary.load([drills], { cacheFile }).catch((e: Error) => {
      error = e;
    });
    expect(error?.message).to.match(/the drill library has errors/);
  });
});
