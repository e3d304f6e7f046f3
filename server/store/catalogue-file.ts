import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { describeIssues, LowCatalogueStore } from './catalogue-memory.js';
import { CATALOGUE_VERSION, CatalogueData, emptyCatalogue } from './catalogue-schema.js';
import { CorruptStoreError } from './store.js';

export const CATALOGUE_FILE = 'catalogue.json';

/**
 * A lowdb adapter for one JSON file that a crash leaves either old or new, never torn: each
 * write goes to a temp file beside it, is fsynced, renamed over the file, and the directory is
 * fsynced so the rename itself is durable. Reading refuses anything that is not a valid
 * catalogue of this version, and never changes the file.
 */
export class DurableCatalogueFile implements Adapter<CatalogueData> {
  constructor(readonly file: string) {}

  /** The file's catalogue, or null if there is no file. */
  async read(): Promise<CatalogueData | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // A directory in its place, no permission, an I/O error: say so, and touch nothing.
      throw new CorruptStoreError(this.file, `cannot be read (${(error as Error).message})`);
    }
    // An empty file is what a crash leaves on a disk that does not honour fsync.
    if (!text.trim()) throw new CorruptStoreError(this.file, 'is empty, not JSON');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // V8 quotes the bad spot, newlines and all: keep the message on one line.
      const why = (error as Error).message.replace(/\s+/g, ' ');
      throw new CorruptStoreError(this.file, `not JSON (${why})`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new CorruptStoreError(this.file, 'not a catalogue: expected a JSON object');
    const version = (value as { version?: unknown }).version;
    if (version !== CATALOGUE_VERSION)
      throw new CorruptStoreError(
        this.file,
        `catalogue version ${JSON.stringify(version) ?? 'missing'}, but this Firedrill reads version ${CATALOGUE_VERSION}`,
      );
    // Reporting the input costs on every value checked; only a catalogue that fails needs it.
    let parsed = CatalogueData.safeParse(value);
    if (!parsed.success) parsed = CatalogueData.safeParse(value, { reportInput: true });
    if (!parsed.success)
      throw new CorruptStoreError(
        this.file,
        `does not match the catalogue schema: ${describeIssues(parsed.error).join('; ')}`,
      );
    return parsed.data;
  }

  async write(data: CatalogueData): Promise<void> {
    const temp = `${this.file}.tmp`;
    try {
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
    await syncDir(dirname(this.file));
  }
}

/** Makes a directory's entries durable. */
async function syncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Creates `dir` if missing, and makes the name of each directory it created durable. */
async function createDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (!first) return;
  for (let created = dir; ; created = dirname(created)) {
    await syncDir(dirname(created));
    if (created === first || dirname(created) === created) break;
  }
}

/**
 * The catalogue in `<dir>/catalogue.json`, on lowdb with a durable adapter. One process per
 * directory: the temp file's name is fixed.
 */
export class FileCatalogueStore extends LowCatalogueStore {
  private constructor(
    readonly file: string,
    adapter: DurableCatalogueFile,
    data: CatalogueData,
  ) {
    super(adapter, data);
  }

  /**
   * Opens the catalogue in `dir` (created if missing). A missing file starts empty and is
   * written at once; a file that is not a valid catalogue of this version throws
   * `CorruptStoreError` and is left as it is.
   */
  static async open(dir: string): Promise<FileCatalogueStore> {
    await createDir(dir);
    const file = join(dir, CATALOGUE_FILE);
    const adapter = new DurableCatalogueFile(file);
    const existing = await adapter.read();
    const store = new FileCatalogueStore(file, adapter, existing ?? emptyCatalogue());
    if (!existing) await store.db.write();
    return store;
  }
}
