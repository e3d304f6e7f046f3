// Manuals and scenarios as text: checked like files, and put into the live library.
import { checkManual } from '../../domain/check-manual.js';
import { checkScenario } from '../../domain/check-scenario.js';
import { Manual } from '../../domain/schema/manual.js';
import { Scenario } from '../../domain/schema/scenario.js';
import { contentHash, type Loaded } from '../../load/library.js';
import { type FileProblem, zodProblems } from '../../load/problems.js';
import { parseYaml } from '../../load/yaml-file.js';
import type { DrillLibrary } from '../../runtime/drill-library.js';
import type { CatalogueStore } from '../../store/store.js';

/** A manual or scenario checked from text: the value, or only the problems. */
export type Checked =
  | { kind: 'manual'; value: Manual; problems: FileProblem[] }
  | { kind: 'scenario'; value: Scenario; manual: Loaded<Manual>; problems: FileProblem[] }
  | { kind?: undefined; value?: undefined; problems: FileProblem[] };

/**
 * Checks a manual or scenario given as YAML text, as the loader checks files: syntax, schema,
 * cross-references; a scenario also against the manual it names in the library. Every problem
 * has the line and column it is about.
 */
export function checkDrillText(library: DrillLibrary, text: string, file = 'upload.yaml'): Checked {
  const yaml = parseYaml(file, text);
  if (yaml.syntaxProblems.length) return { problems: yaml.syntaxProblems };
  const kind = (yaml.value as { kind?: unknown } | null)?.kind;
  if (kind === 'manual') {
    const parsed = Manual.safeParse(yaml.value, { reportInput: true });
    if (!parsed.success) return { problems: zodProblems(parsed.error).map(yaml.place) };
    return { kind, value: parsed.data, problems: checkManual(parsed.data).map(yaml.place) };
  }
  if (kind === 'scenario') {
    const parsed = Scenario.safeParse(yaml.value, { reportInput: true });
    if (!parsed.success) return { problems: zodProblems(parsed.error).map(yaml.place) };
    const manual = library.manuals.get(parsed.data.manual);
    if (!manual)
      return {
        problems: [
          yaml.place({
            path: ['manual'],
            message: `unknown manual '${parsed.data.manual}' (the library has: ${[...library.manuals.keys()].join(', ')})`,
          }),
        ],
      };
    return {
      kind,
      value: parsed.data,
      manual,
      problems: checkScenario(parsed.data, manual.value).map(yaml.place),
    };
  }
  return {
    problems: [yaml.place({ path: ['kind'], message: "must be 'manual' or 'scenario'" })],
  };
}

/** Puts a checked file into the live library, replacing the one with the same id. */
export function install(library: DrillLibrary, checked: Checked, file: string) {
  if (checked.kind === 'manual')
    library.manuals.set(checked.value.id, {
      value: checked.value,
      file,
      hash: contentHash(checked.value),
    });
  else if (checked.kind === 'scenario')
    library.scenarios.set(checked.value.id, {
      value: checked.value,
      file,
      hash: contentHash(checked.value),
    });
}

/**
 * Loads the uploads stored in the catalogue into the library at start, oldest first, so the
 * newest version of each id is the one drills use. A stored upload that no longer checks (its
 * manual changed) is left out and returned.
 */
export function installUploads(library: DrillLibrary, catalogue: CatalogueStore): string[] {
  const skipped: string[] = [];
  const files = [...catalogue.read().library].sort((a, b) => a.kind.localeCompare(b.kind));
  for (const f of files) {
    const checked = checkDrillText(library, f.text, `library:${f.id}@${f.version}`);
    if (checked.problems.length || !checked.kind) skipped.push(`${f.id}@${f.version}`);
    else install(library, checked, `library:${f.id}@${f.version}`);
  }
  return skipped;
}
