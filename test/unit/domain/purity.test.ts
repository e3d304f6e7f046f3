import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { jsonSchemas } from '../../../server/cli/schema-command.js';
import { loadLibrary } from '../../../server/load/library.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER = join(ROOT, 'server');
const DOMAIN = join(SERVER, 'domain');
const MANUALS = join(ROOT, 'drills', 'manuals');

/** Packages server/domain may import: they compute, they do no I/O. */
const PURE_PACKAGES = new Set(['zod', 'yaml', 'dayjs']);

/** What server/domain must not touch: the clock, randomness, timers and the process. */
const IMPURE = [
  { name: 'Date.now', pattern: /\bDate\.now\b/ },
  { name: 'new Date(', pattern: /\bnew\s+Date\s*\(/ },
  { name: 'Math.random', pattern: /\bMath\.random\b/ },
  { name: 'setTimeout', pattern: /\bsetTimeout\b/ },
  { name: 'setInterval', pattern: /\bsetInterval\b/ },
  { name: 'performance.now', pattern: /\bperformance\.now\b/ },
  { name: 'process.', pattern: /\bprocess\./ },
];

/** Every .ts file under `dir`, as absolute paths, in a stable order. */
async function typeScriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The text with comments blanked out, keeping every line where it was. */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Each use of a clock, randomness, a timer or the process in TypeScript source. */
function impureUses(text: string): { line: number; what: string }[] {
  const uses: { line: number; what: string }[] = [];
  withoutComments(text)
    .split('\n')
    .forEach((line, index) => {
      for (const { name, pattern } of IMPURE)
        if (pattern.test(line)) uses.push({ line: index + 1, what: name });
    });
  return uses;
}

/** Each module specifier a source file imports or re-exports, with its line. */
function importsOf(text: string): { line: number; specifier: string }[] {
  const code = withoutComments(text);
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns
    .flatMap((pattern) =>
      [...code.matchAll(pattern)].map((match) => ({
        line: lineAt(code, match.index + match[0].lastIndexOf(match[1] ?? '')),
        specifier: match[1] ?? '',
      })),
    )
    .sort((a, b) => a.line - b.line);
}

/** Whether `specifier`, imported by `file` in server/domain, stays pure. */
function isPureImport(file: string, specifier: string): boolean {
  if (specifier.startsWith('.')) return resolve(dirname(file), specifier).startsWith(DOMAIN + sep);
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return PURE_PACKAGES.has(name ?? '');
}

describe('server/domain', () => {
  it('finds impure calls and outside imports (self-check of the scanner)', () => {
    const source = [
      "import { z } from 'zod';",
      "import { readFile } from 'node:fs/promises';",
      'import {',
      '  loadLibrary,',
      "} from '../load/library.js';",
      '// Date.now() in a comment is fine',
      'const t = Date.now(); /* Math.random() */',
      'const r = Math.random();',
      "const s = 'http://example.com'; setTimeout(f, 1);",
      'const e = process.env.X;',
    ].join('\n');
    expect(impureUses(source)).to.deep.equal([
      { line: 7, what: 'Date.now' },
      { line: 8, what: 'Math.random' },
      { line: 9, what: 'setTimeout' },
      { line: 10, what: 'process.' },
    ]);
    expect(importsOf(source)).to.deep.equal([
      { line: 1, specifier: 'zod' },
      { line: 2, specifier: 'node:fs/promises' },
      { line: 5, specifier: '../load/library.js' },
    ]);
  });

  it('uses no clock, randomness, timer or process, and imports nothing impure', async () => {
    const files = await typeScriptFiles(DOMAIN);
    expect(files, 'no .ts files found under server/domain').to.not.be.empty;
    const offences: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const name = relative(ROOT, file);
      for (const use of impureUses(text)) offences.push(`${name}:${use.line} uses ${use.what}`);
      for (const { line, specifier } of importsOf(text))
        if (!isPureImport(file, specifier))
          offences.push(`${name}:${line} imports '${specifier}' from outside server/domain`);
    }
    expect(offences, 'server/domain must stay pure: take the value as an argument').to.deep.equal(
      [],
    );
  });
});

/**
 * The words of the file formats themselves (keys, enum values such as effects, anchor kinds and
 * channel kinds): server/ may name these even when a manual happens to use one as an id.
 */
function formatVocabulary(): Set<string> {
  const words = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'enum' && Array.isArray(value))
        for (const item of value) if (typeof item === 'string') words.add(item);
      if (key === 'const' && typeof value === 'string') words.add(value);
      if (key === 'properties' && value && typeof value === 'object')
        for (const property of Object.keys(value)) words.add(property);
      walk(value);
    }
  };
  walk(jsonSchemas());
  return words;
}

describe('server/', () => {
  it('hard-codes no id of any manual in drills/manuals', async () => {
    const library = await loadLibrary([MANUALS], { cwd: ROOT });
    expect(
      library.manuals.size,
      'drills/manuals has no valid manual, so this test would prove nothing',
    ).to.be.greaterThan(0);

    const vocabulary = formatVocabulary();
    /** id -> where it is defined, e.g. `role of manual kakao` */
    const ids = new Map<string, string>();
    for (const [manualId, { value: manual }] of library.manuals) {
      const lists = {
        role: manual.roles,
        grade: manual.grades,
        channel: manual.channels,
        step: manual.steps,
        rule: manual.rules,
        action: manual.actions,
        stage: manual.stages,
      };
      for (const [what, items] of Object.entries(lists))
        for (const { id } of items)
          if (!vocabulary.has(id) && !ids.has(id)) ids.set(id, `${what} of manual ${manualId}`);
    }

    const offences: string[] = [];
    for (const file of await typeScriptFiles(SERVER)) {
      const lines = withoutComments(await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, index) => {
        for (const [id, where] of ids)
          for (const quote of ["'", '"', '`'])
            if (line.includes(`${quote}${id}${quote}`))
              offences.push(
                `${relative(ROOT, file)}:${index + 1} ${quote}${id}${quote} (${where})`,
              );
      });
    }
    expect(offences, 'server/ must learn ids from the manual, never spell them out').to.deep.equal(
      [],
    );
  });
});
