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
