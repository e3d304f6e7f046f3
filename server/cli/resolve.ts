import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { compileDrill, type Drill } from '../domain/drill.js';
import type { Manual } from '../domain/schema/manual.js';
import type { Scenario } from '../domain/schema/scenario.js';
import { type Loaded, loadLibrary } from '../load/library.js';
import { formatProblem, zodProblems } from '../load/problems.js';
import { type Fault, FaultsFile } from '../runtime/bots/faults.js';
import { BUNDLED_MANUALS, PROJECT_ROOT } from './paths.js';

/** A problem the user must fix: printed as is, exit code 1, no stack trace. */
export class UsageError extends Error {}

/** The drill a scenario file or id names, with its manual (a path, or an id in the bundled drills). */
export async function resolveDrill(
  scenarioRef: string,
  manualRef?: string,
): Promise<{ drill: Drill; manual: Loaded<Manual>; scenario: Loaded<Scenario> }> {
  const isPath = (ref: string) => /[/\\.]/.test(ref);
  const paths = [scenarioRef, manualRef].filter((r): r is string => Boolean(r && isPath(r)));
  // A scenario file's manual may sit beside it or in ../manuals, as in drills/.
  const near = isPath(scenarioRef)
    ? [dirname(scenarioRef), join(dirname(scenarioRef), '../manuals')]
    : [];
  const extraManuals = [BUNDLED_MANUALS, ...near.filter((dir) => existsSync(dir))];
  const library = await loadLibrary(paths, { extraManuals }).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  if (!isPath(scenarioRef) || (manualRef && !isPath(manualRef))) {
    const bundled = await loadLibrary([`${PROJECT_ROOT}drills`]);
    for (const [id, s] of bundled.scenarios)
      if (!library.scenarios.has(id)) library.scenarios.set(id, s);
    for (const [id, m] of bundled.manuals) if (!library.manuals.has(id)) library.manuals.set(id, m);
  }
  if (library.problems.length) throw new UsageError(library.problems.map(formatProblem).join('\n'));
  const scenario = isPath(scenarioRef)
    ? [...library.scenarios.values()].find((s) => s.file.endsWith(scenarioRef.replace(/^\.\//, '')))
    : library.scenarios.get(scenarioRef);
  if (!scenario) throw new UsageError(`no scenario '${scenarioRef}'`);
  const manual =
    manualRef && !isPath(manualRef)
      ? library.manuals.get(manualRef)
      : library.manuals.get(scenario.value.manual);
  if (!manual) throw new UsageError(`no manual '${manualRef ?? scenario.value.manual}'`);
  if (manual.value.id !== scenario.value.manual)
    throw new UsageError(
      `scenario '${scenario.value.id}' is for manual '${scenario.value.manual}', not '${manual.value.id}'`,
    );
  return { drill: compileDrill(manual.value, scenario.value), manual, scenario };
}

/** Reads a faults file (YAML or JSON: `faults: [...]`). */
export async function readFaults(file: string): Promise<Fault[]> {
  const result = FaultsFile.safeParse(parse(await readFile(file, 'utf8')), { reportInput: true });
  if (!result.success)
    throw new UsageError(
      zodProblems(result.error)
        .map((p) => formatProblem({ file, ...p }))
        .join('\n'),
    );
  return result.data.faults;
}

export const FORMATS = ['json', 'md', 'text'] as const;
export type Format = (typeof FORMATS)[number];

/** Checks a --format value. */
export function format(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${value}'`);
  return value as Format;
}

/** Runs a command action, turning a UsageError into a message and exit code 1. */
export function guarded<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      console.error(error.message);
      process.exitCode = 1;
    }
  };
}
