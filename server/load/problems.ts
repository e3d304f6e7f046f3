import type { ZodError } from 'zod';
import type { Problem } from '../domain/check-manual.js';

/** A problem placed in a file: the file, the path inside it, and the line and column if known. */
export interface FileProblem extends Problem {
  file: string;
  line?: number;
  column?: number;
}

/** `steps[3].do.channel` from `['steps', 3, 'do', 'channel']`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** One line per problem: `file:line:column path: message`. */
export function formatProblem(problem: FileProblem): string {
  const where = problem.line
    ? `${problem.file}:${problem.line}:${problem.column ?? 1}`
    : problem.file;
  const path = problem.path.length ? ` ${formatPath(problem.path)}:` : '';
  return `${where}${path} ${problem.message}`;
}

/** Turns zod's issues into problems, one per unknown key and per failed union branch. */
export function zodProblems(error: ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key '${key}'` }));
    if (
      issue.code === 'invalid_union' &&
      'note' in issue &&
      issue.note === 'No matching discriminator'
    )
      return [{ path, message: `${issue.message}` }];
    return [{ path, message: plain(issue.message) }];
  });
}

function plain(message: string): string {
  return message.replace(/^Invalid input: /, '');
}

/** Orders problems by file, then line, then path, so output is stable. */
export function sortProblems(problems: FileProblem[]): FileProblem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      formatPath(a.path).localeCompare(formatPath(b.path)),
  );
}
