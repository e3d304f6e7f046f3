import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Manual } from '../domain/schema/manual.js';
import type { Scenario } from '../domain/schema/scenario.js';
import { contentHash, type Loaded, listDrillFiles } from './library.js';

/**
 * The checked library of a previous start, kept in a file so that a restart over the same
 * manuals and scenarios need not parse and check their YAML again (the slowest part of a
 * start). The cache is keyed by the bytes of every drill file, the directory names are shown
 * relative to, and the code that parses and checks them (server/domain, server/load, and the
 * zod and yaml versions): change any of these and it is rebuilt. A cache that cannot be read,
 * does not match or does not check out is ignored; one that cannot be written is skipped.
 */
export interface CachedLibrary {
  manuals: Map<string, Loaded<Manual>>;
  scenarios: Map<string, Loaded<Scenario>>;
}

interface CacheFile {
  key: string;
  manuals: Loaded<Manual>[];
  scenarios: Loaded<Scenario>[];
}

const SERVER = fileURLToPath(new URL('../', import.meta.url));
const CODE_DIRS = ['domain', 'load'].map((dir) => join(SERVER, dir));

/** Every .ts file under `dir`, sorted. */
async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The key of a library: its files, where it is loaded from, and the code that checks it. */
export async function libraryKey(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const add = (name: string, bytes: Buffer | string) => {
    hash.update(`${name}\u0000${bytes.length}\u0000`);
    hash.update(bytes);
  };
  add('cwd', process.cwd());
  for (const pkg of ['zod', 'yaml'])
    add(pkg, await readFile(join(SERVER, '..', 'node_modules', pkg, 'package.json')));
  for (const dir of CODE_DIRS)
    for (const file of await sources(dir)) add(file, await readFile(file));
  for (const file of await listDrillFiles(paths)) add(file, await readFile(file));
  return hash.digest('hex');
}

/** The cached library for `key`, if the file holds it and every value still has its hash. */
export async function readLibraryCache(
  file: string,
  key: string,
): Promise<CachedLibrary | undefined> {
  let cached: CacheFile;
  try {
    cached = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
  } catch {
    return undefined;
  }
  if (cached?.key !== key || !Array.isArray(cached.manuals) || !Array.isArray(cached.scenarios))
    return undefined;
  const all = [...cached.manuals, ...cached.scenarios];
  if (!all.every((l) => l && typeof l.file === 'string' && contentHash(l.value) === l.hash))
    return undefined;
  return {
    manuals: new Map(cached.manuals.map((m) => [m.value.id, m])),
    scenarios: new Map(cached.scenarios.map((s) => [s.value.id, s])),
  };
}

/**
 * Keeps a checked library for the next start (written to a temporary file and renamed). Not
 * written if a value would not come back the same from JSON. Never throws.
 */
export async function writeLibraryCache(
  file: string,
  key: string,
  library: CachedLibrary,
): Promise<void> {
  const content: CacheFile = {
    key,
    manuals: [...library.manuals.values()],
    scenarios: [...library.scenarios.values()],
  };
  try {
    const text = JSON.stringify(content);
    if (!isDeepStrictEqual(JSON.parse(text), content)) return;
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, text);
    await rename(temp, file);
  } catch {
    // A cache is a shortcut: without it the next start checks the library again.
  }
}
