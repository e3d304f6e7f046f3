import { fileURLToPath } from 'node:url';
import { compileDrill, type Drill } from '../../server/domain/drill.js';
import { LogEntry, type NewEntry } from '../../server/domain/schema/log.js';
import { type Library, loadLibrary } from '../../server/load/library.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = `${ROOT}test/fixtures`;

let bundled: Promise<Library> | undefined;
let fixtures: Promise<Library> | undefined;

/** The bundled manuals and scenarios in drills/, loaded once per test run. */
export function bundledLibrary(): Promise<Library> {
  bundled ??= loadLibrary([`${ROOT}drills`], { cwd: ROOT });
  return bundled;
}

/** The valid mini manual and scenario in test/fixtures/valid. */
export function fixtureLibrary(): Promise<Library> {
  fixtures ??= loadLibrary([`${FIXTURES}/valid`], { cwd: ROOT });
  return fixtures;
}

/** A drill of a library's scenario, compiled with its manual. */
export async function drillOf(library: Promise<Library>, scenarioId: string): Promise<Drill> {
  const lib = await library;
  const scenario = lib.scenarios.get(scenarioId);
  if (!scenario)
    throw new Error(`no scenario ${scenarioId}: ${lib.problems.map((p) => p.message).join('; ')}`);
  const manual = lib.manuals.get(scenario.value.manual);
  if (!manual) throw new Error(`no manual ${scenario.value.manual}`);
  return compileDrill(manual.value, scenario.value);
}

/** Builds a log from entries written as in a hand-written log: numbered in order. */
export function logOf(...entries: (NewEntry & { t: number | string })[]): LogEntry[] {
  return entries.map((entry, i) => LogEntry.parse({ seq: i + 1, ...entry }));
}
