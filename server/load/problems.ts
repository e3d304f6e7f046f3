import type { ZodError } from 'zod';
import { formatPath, type Problem } from '../domain/problem.js';

export { formatPath };

/** A problem placed in a file: the file, the path inside it, and the line and column if known. */
export interface FileProblem extends Problem {
  file: string;
  line?: number;
  column?: number;
}

/** One line per problem: `file:line:column path: message`. */
export function formatProblem(problem: FileProblem): string {
  const where = problem.line
    ? `${problem.file}:${problem.line}:${problem.column ?? 1}`
    : problem.file;
  const path = problem.path.length ? ` ${formatPath(problem.path)}:` : '';
  return `${where}${path} ${problem.message}`;
}

/** Turns zod's issues into plain problems that name the bad value and what would do. */
export function zodProblems(error: ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const input = 'input' in issue ? issue.input : undefined;
    const shown = (value: unknown) =>
      typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key '${key}'` }));
      case 'invalid_type':
        return [
          input === undefined
            ? {
                path,
                message: `missing required key '${String(path.at(-1) ?? '')}' (${issue.expected})`,
              }
            : { path, message: `expected ${issue.expected}, got ${typeof input} ${shown(input)}` },
        ];
      case 'invalid_value':
        return [
          {
            path,
            message: `unknown value ${shown(input)} (expected one of: ${issue.values.join(', ')})`,
          },
        ];
      case 'invalid_union':
        if ('discriminator' in issue && 'options' in issue) {
          const value = (input as Record<string, unknown> | undefined)?.[
            String(issue.discriminator)
          ];
          const options = (issue.options as unknown[]).join(', ');
          return [
            {
              path,
              message: `unknown ${String(issue.discriminator)} ${shown(value)} (expected one of: ${options})`,
            },
          ];
        }
        return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
      default:
        return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
    }
  });
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
