import { compileDrill, type Drill } from '../domain/drill.js';
import type { Manual } from '../domain/schema/manual.js';
import type { Scenario } from '../domain/schema/scenario.js';
import { type Loaded, loadLibrary } from '../load/library.js';

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
  private constructor(
    readonly manuals: Map<string, Loaded<Manual>>,
    readonly scenarios: Map<string, Loaded<Scenario>>,
  ) {}

  /** Loads every manual and scenario under `paths`; refuses to start over invalid files. */
  static async load(paths: readonly string[]): Promise<DrillLibrary> {
    const library = await loadLibrary(paths);
    if (library.problems.length)
      throw new Error(
        `the drill library has errors:\n${library.problems.map((p) => `${p.file}:${p.line ?? 1} ${p.message}`).join('\n')}`,
      );
    return new DrillLibrary(library.manuals, library.scenarios);
  }

  /** The drill for a scenario id, compiled with the manual it names. */
  resolve(scenarioId: string): ResolvedDrill | undefined {
    const scenario = this.scenarios.get(scenarioId);
    const manual = scenario && this.manuals.get(scenario.value.manual);
    if (!scenario || !manual) return undefined;
    return { drill: compileDrill(manual.value, scenario.value), manual, scenario };
  }
}
