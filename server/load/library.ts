import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ZodType } from 'zod';
import { checkManual, type Problem } from '../domain/check-manual.js';
import { checkScenario } from '../domain/check-scenario.js';
import { Manual } from '../domain/schema/manual.js';
import { Scenario } from '../domain/schema/scenario.js';
import { type FileProblem, sortProblems, zodProblems } from './problems.js';
import { parseYaml, readYamlFile, type YamlFile } from './yaml-file.js';

/** A manual or scenario as loaded: the value, where it came from, and its content hash. */
export interface Loaded<T> {
  value: T;
  file: string;
  /** sha256 of the canonical JSON of the validated value: formatting does not change it. */
  hash: string;
}

/** Every manual and scenario found, and every problem with them. */
export interface Library {
  manuals: Map<string, Loaded<Manual>>;
  scenarios: Map<string, Loaded<Scenario>>;
  problems: FileProblem[];
  /** Ids of manuals taken from `extraManuals` rather than from the paths given. */
  borrowed: Set<string>;
  /** Ids of manuals that failed their checks, and their files. */
  brokenManuals: Map<string, string>;
}

/** sha256 of a value's JSON with keys sorted at every level. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Lists YAML files under each path (a file or a directory, searched recursively). */
export async function listDrillFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (path: string) => {
    const info = await stat(path);
    if (info.isFile()) return void files.push(path);
    const entries = await readdir(path, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (/\.ya?ml$/.test(entry.name)) files.push(child);
    }
  };
  for (const path of paths) await walk(path);
  return files;
}

function parseAs<T>(yaml: YamlFile, schema: ZodType<T>): { value?: T; problems: FileProblem[] } {
  if (yaml.syntaxProblems.length) return { problems: yaml.syntaxProblems };
  const result = schema.safeParse(yaml.value, { reportInput: true });
  if (!result.success) return { problems: zodProblems(result.error).map(yaml.place) };
  return { value: result.data, problems: [] };
}

function kindOf(yaml: YamlFile): unknown {
  const value = yaml.value as { kind?: unknown } | undefined;
  return value && typeof value === 'object' ? value.kind : undefined;
}

/**
 * Loads manuals and scenarios from files and directories, checking each against its schema and
 * each scenario against its manual. Scenarios may name a manual in `extraManuals` (the bundled
 * library) when it is not among `paths`. Every problem is reported, none stops the others.
 */
export async function loadLibrary(
  paths: readonly string[],
  options: { cwd?: string; extraManuals?: readonly string[] } = {},
): Promise<Library> {
  const cwd = options.cwd ?? process.cwd();
  const display = (file: string) => relative(cwd, file) || file;
  const library: Library = {
    manuals: new Map(),
    scenarios: new Map(),
    problems: [],
    borrowed: new Set(),
    brokenManuals: new Map(),
  };
  const files: YamlFile[] = [];
  for (const file of await listDrillFiles(paths)) {
    try {
      const yaml = await readYamlFile(file);
      files.push({
        ...yaml,
        file: display(file),
        place: (p: Problem) => ({ ...yaml.place(p), file: display(file) }),
      });
    } catch (error) {
      library.problems.push({
        file: display(file),
        path: [],
        message: `cannot read: ${String(error)}`,
      });
    }
  }
  const syntax = files.filter((f) => f.syntaxProblems.length);
  for (const f of syntax)
    library.problems.push(...f.syntaxProblems.map((p) => ({ ...p, file: f.file })));
  const parsed = files.filter((f) => !f.syntaxProblems.length);
  const manualFiles = parsed.filter((f) => kindOf(f) === 'manual');
  const scenarioFiles = parsed.filter((f) => kindOf(f) === 'scenario');
  // `kind: demo` is what a fresh server seeds (server/seed.ts checks it); not a drill file.
  const other = parsed.filter(
    (f) => !manualFiles.includes(f) && !scenarioFiles.includes(f) && kindOf(f) !== 'demo',
  );
  for (const f of other)
    library.problems.push(f.place({ path: ['kind'], message: "must be 'manual' or 'scenario'" }));

  for (const f of manualFiles) addManual(library, f);
  if (options.extraManuals?.length) {
    const known = new Set(library.manuals.keys());
    const extra = await loadLibrary(options.extraManuals, { cwd });
    for (const [id, manual] of extra.manuals)
      if (!known.has(id)) {
        library.manuals.set(id, manual);
        library.borrowed.add(id);
      }
  }
  for (const f of scenarioFiles) addScenario(library, f);
  library.problems = sortProblems(library.problems);
  return library;
}

function addManual(library: Library, yaml: YamlFile) {
  const { value, problems } = parseAs(yaml, Manual);
  library.problems.push(...problems);
  if (!value) return;
  const crossProblems = checkManual(value).map(yaml.place);
  library.problems.push(...crossProblems);
  if (crossProblems.length) library.brokenManuals.set(value.id, yaml.file);
  const twin = library.manuals.get(value.id);
  if (twin)
    library.problems.push(
      yaml.place({ path: ['id'], message: `manual '${value.id}' is also defined in ${twin.file}` }),
    );
  else if (!crossProblems.length)
    library.manuals.set(value.id, { value, file: yaml.file, hash: contentHash(value) });
}

function addScenario(library: Library, yaml: YamlFile) {
  const { value, problems } = parseAs(yaml, Scenario);
  library.problems.push(...problems);
  if (!value) return;
  const manual = library.manuals.get(value.manual);
  if (!manual) {
    const broken = library.brokenManuals.get(value.manual);
    const message = broken
      ? `manual '${value.manual}' has errors (see ${broken}), so this scenario cannot be checked`
      : `unknown manual '${value.manual}': name its file too, or put it in drills/manuals (known: ${[...library.manuals.keys()].join(', ')})`;
    library.problems.push(yaml.place({ path: ['manual'], message }));
    return;
  }
  const crossProblems = checkScenario(value, manual.value).map(yaml.place);
  library.problems.push(...crossProblems);
  const twin = library.scenarios.get(value.id);
  if (twin)
    library.problems.push(
      yaml.place({
        path: ['id'],
        message: `scenario '${value.id}' is also defined in ${twin.file}`,
      }),
    );
  else if (!crossProblems.length)
    library.scenarios.set(value.id, { value, file: yaml.file, hash: contentHash(value) });
}

/** Parses one manual from text (for uploads): the value or every problem. */
export function parseManualText(file: string, text: string) {
  const yaml = parseYaml(file, text);
  const { value, problems } = parseAs(yaml, Manual);
  return value ? { value, problems: checkManual(value).map(yaml.place) } : { problems };
}
