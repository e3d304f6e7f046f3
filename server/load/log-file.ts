import { readFile } from 'node:fs/promises';
import type { Problem } from '../domain/problem.js';
import { LogEntry } from '../domain/schema/log.js';
import { fastLogEntry } from './fast-log-entry.js';
import { LogLineScanner } from './fast-log-line.js';
import { type FileProblem, zodProblems } from './problems.js';

/**
 * One log line read the slow way (the scanner did not read it): JSON.parse, then the fast
 * path's check, then zod. Its entry, or why it is not one: not JSON, or the schema's problems.
 * The store takes the first problem, the CLI every one, by line.
 */
export function readLogLine(
  line: string,
): { entry: LogEntry } | { notJson: string } | { problems: Problem[] } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { notJson: (error as Error).message };
  }
  const fast = fastLogEntry(value);
  if (fast) return { entry: fast };
  const result = LogEntry.safeParse(value);
  if (result.success) return { entry: result.data };
  // Parsed again only to say what is wrong: reporting the input costs on every good line.
  const reported = LogEntry.safeParse(value, { reportInput: true });
  return { problems: zodProblems(reported.error ?? result.error) };
}

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
    const read = readLogLine(line);
    if ('entry' in read) entries.push(read.entry);
    else if ('notJson' in read)
      problems.push({ ...at, path: [], message: `not JSON: ${read.notJson}` });
    else problems.push(...read.problems.map((p) => ({ ...at, ...p })));
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
