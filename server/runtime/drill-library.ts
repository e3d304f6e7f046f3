import { compileDrill, type Drill } from '../domain/drill.js';
import type { Manual } from '../domain/schema/manual.js';
import type { Scenario } from '../domain/schema/scenario.js';
import { type Loaded, loadLibrary } from '../load/library.js';
import { libraryKey, readLibraryCache, writeLibraryCache } from '../load/library-cache.js';

/** A drill ready to run, and the hashes of the files it was compiled from. */
export interface ResolvedDrill {
  drill: Drill;
  manual: Loaded<Manual>;
  scenario: Loaded<Scenario>;
}

/**
 * The manuals and scenarios the server can run: the bundled ones in drills/ (and, later, the
 * ones uploaded through the library). Loaded once at start. A drill's log records the hashes
 * of the files it ran on, so its scorecard can say whether it is scored against the same ones.
 */
export class DrillLibrary {
  /** The newest of each manual, by id; every version ever put in stays findable by its hash. */
  readonly manuals: Versions<Manual>;
  readonly scenarios: Versions<Scenario>;

  private constructor(
    manuals: Map<string, Loaded<Manual>>,
    scenarios: Map<string, Loaded<Scenario>>,
  ) {
    this.manuals = new Versions(manuals);
    this.scenarios = new Versions(scenarios);
  }

  /**
   * Loads every manual and scenario under `paths`; refuses to start over invalid files. With
   * `cacheFile`, a library checked at an earlier start over the same files and code is taken
   * from there (see library-cache.ts), and one checked now is kept there.
   */
  static async load(
    paths: readonly string[],
    options: { cacheFile?: string } = {},
  ): Promise<DrillLibrary> {
    // No key (a file it cannot read): no cache, and loadLibrary says what is wrong, as before.
    const key = options.cacheFile ? await libraryKey(paths).catch(() => undefined) : undefined;
    const cached =
      options.cacheFile && key ? await readLibraryCache(options.cacheFile, key) : undefined;
    if (cached) return new DrillLibrary(cached.manuals, cached.scenarios);
    const library = await loadLibrary(paths);
    if (library.problems.length)
      throw new Error(
        `the drill library has errors:\n${library.problems.map((p) => `${p.file}:${p.line ?? 1} ${p.message}`).join('\n')}`,
      );
    if (options.cacheFile && key) await writeLibraryCache(options.cacheFile, key, library);
    return new DrillLibrary(library.manuals, library.scenarios);
  }

  /**
   * The drill for a scenario id, compiled with the manual it names: the newest versions, or,
   * when `pinned` gives the hashes a drill was scheduled on and the library still has them,
   * exactly those — so a drill is scored against what it ran on after a newer upload.
   */
  resolve(
    scenarioId: string,
    pinned?: { manual?: string; scenario?: string },
  ): ResolvedDrill | undefined {
    const oldScenario = pinned?.scenario ? this.scenarios.byHash.get(pinned.scenario) : undefined;
    const scenario =
      oldScenario?.value.id === scenarioId ? oldScenario : this.scenarios.get(scenarioId);
    if (!scenario) return undefined;
    const oldManual = pinned?.manual ? this.manuals.byHash.get(pinned.manual) : undefined;
    const manual =
      oldManual?.value.id === scenario.value.manual
        ? oldManual
        : this.manuals.get(scenario.value.manual);
    if (!manual) return undefined;
    return { drill: compileDrill(manual.value, scenario.value), manual, scenario };
  }

  /** The drill a stored drill record was scheduled on (see resolve). */
  resolveRecord(record: {
    scenario: { id: string; hash: string };
    manual: { hash: string };
  }): ResolvedDrill | undefined {
    return this.resolve(record.scenario.id, {
      manual: record.manual.hash,
      scenario: record.scenario.hash,
    });
  }
}

/** Files by id (the newest put in wins), remembering every version put in by its hash. */
export class Versions<T> extends Map<string, Loaded<T>> {
  readonly byHash = new Map<string, Loaded<T>>();

  constructor(files: ReadonlyMap<string, Loaded<T>>) {
    // Filled after construction: Map's constructor would call set() before byHash exists.
    super();
    for (const [id, loaded] of files) this.set(id, loaded);
  }

  override set(id: string, loaded: Loaded<T>): this {
    this.byHash.set(loaded.hash, loaded);
    return super.set(id, loaded);
  }
}
