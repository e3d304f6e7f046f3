/** A problem found in a file: where inside it (a path of keys and indexes) and what is wrong. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

/** `steps[3].do.channel` from `['steps', 3, 'do', 'channel']`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/**
 * A zod error as one line a person can act on: `role: must be a lowercase id; t: expected
 * number`, each issue with the path it is about (`root` when it is about the whole value).
 */
export function issuesText(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  root = 'body',
): string {
  return issues
    .map((i) => {
      const path = formatPath(i.path.filter((p) => typeof p !== 'symbol') as (string | number)[]);
      return `${path || root}: ${i.message.replace(/^Invalid input: /, '')}`;
    })
    .join('; ');
}
