import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GOLDEN_DIR, goldenFiles, loadFixture } from './golden-cases.js';

/*
 * `npm run goldens`: rewrites test/fixtures/golden/ from the fixed logs. Run it only after a
 * change that is meant to change the reports, and read the diff before committing it: the
 * tests never write these files, they only compare with them.
 */
const files = goldenFiles(await loadFixture());
await mkdir(GOLDEN_DIR, { recursive: true });
for (const [name, text] of Object.entries(files)) {
  await writeFile(join(GOLDEN_DIR, name), text);
  console.log(`wrote test/fixtures/golden/${name} (${Buffer.byteLength(text)} bytes)`);
}
