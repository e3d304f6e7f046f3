import { readFile } from 'node:fs/promises';
import { LogEntry } from '../domain/schema/log.js';
import { fastLogEntry } from './fast-log-entry.js';
import { LogLineScanner } from './fast-log-line.js';
import { type FileProblem, zodProblems } from './problems.js';

/** Parses a drill log (JSON Lines, one entry a line): every entry, or every problem by line. */
export function parseLog(
  file: string,
  text: string,
): { entries: LogEntry[]; problems: FileProblem[] } {
  const entries: LogEntry[] = [];
  const problems: FileProblem[] = [];
  // Lines as the store writes them are read by the scanner; the rest as before, line by line.
  const scanner = new LogLineScanner(text);
  let start = 0;
  text.split('\n').forEach((line, index) => {
    const scanned = line ? scanner.scan(start, start + line.length) : undefined;
    start += line.length + 1;
    if (scanned) {
      entries.push(scanned);
      return;
    }
    if (!line.trim()) return;
    const at = { file, line: index + 1, column: 1 };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({ ...at, path: [], message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const fast = fastLogEntry(value);
    if (fast) {
      entries.push(fast);
      return;
    }
    const result = LogEntry.safeParse(value, { reportInput: true });
    if (result.success) entries.push(result.data);
    else problems.push(...zodProblems(result.error).map((p) => ({ ...at, ...p })));
  });
  const seen = new Set<number>();
  for (const entry of entries) {
    if (seen.has(entry.seq))
      problems.push({ file, path: ['seq'], message: `sequence number ${entry.seq} appears twice` });
    seen.add(entry.seq);
  }
  if (entries.length && entries[0]?.type !== 'drill-started')
    problems.push({
      file,
      line: 1,
      path: ['type'],
      message: "the first entry must be 'drill-started'",
    });
  return { entries, problems };
}

/** Reads a drill log file. */
export async function readLog(file: string) {
  return parseLog(file, await readFile(file, 'utf8'));
}

/** A log as JSON Lines. */
export function formatLog(entries: readonly LogEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
}
