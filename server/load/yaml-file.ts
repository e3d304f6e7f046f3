import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Problem } from '../domain/check-manual.js';
import type { FileProblem } from './problems.js';

/** A parsed YAML file that can say where a path inside it is. */
export interface YamlFile {
  file: string;
  text: string;
  /** The plain value, or undefined when the YAML could not be parsed. */
  value: unknown;
  /** Syntax errors, each with its line and column. */
  syntaxProblems: FileProblem[];
  /** Places a problem at the line and column of the deepest node its path reaches. */
  place(problem: Problem): FileProblem;
}

/** Reads and parses a YAML (or JSON) file, keeping positions for error messages. */
export async function readYamlFile(file: string): Promise<YamlFile> {
  return parseYaml(file, await readFile(file, 'utf8'));
}

/** Parses YAML text that came from `file`. */
export function parseYaml(file: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxProblems: FileProblem[] = doc.errors.map((error) => {
    const pos = lineCounter.linePos(error.pos[0]);
    return {
      file,
      path: [],
      line: pos.line,
      column: pos.col,
      message: `invalid YAML: ${error.message.split('\n')[0]}`,
    };
  });
  const place = (problem: Problem): FileProblem => {
    const offset = locate(doc.contents as Node | null, problem.path);
    if (offset === undefined) return { file, ...problem };
    const pos = lineCounter.linePos(offset);
    return { file, ...problem, line: pos.line, column: pos.col };
  };
  const value = syntaxProblems.length ? undefined : doc.toJS();
  return { file, text, value, syntaxProblems, place };
}

/** Start offset of the deepest node on `path` (a missing key points at its parent). */
function locate(root: Node | null, path: readonly (string | number)[]): number | undefined {
  let node: unknown = root;
  let offset = (root as Node | null)?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(part),
      );
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
      if (!node) break;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset;
}
