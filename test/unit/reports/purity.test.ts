import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../../../server/cli/paths.js';

const REPORTS = join(PROJECT_ROOT, 'server/reports');

/** What a pure renderer must not do: read a clock, draw randomness, touch files or the process. */
const IMPURE = [
  { name: 'Date.now', pattern: /\bDate\.now\b/ },
  { name: 'new Date() without a value', pattern: /\bnew\s+Date\s*\(\s*\)/ },
  { name: 'Math.random', pattern: /\bMath\.random\b/ },
  { name: 'crypto', pattern: /\bcrypto\b|randomUUID/ },
  { name: 'setTimeout', pattern: /\bset(Timeout|Interval|Immediate)\b/ },
  { name: 'process.', pattern: /\bprocess\./ },
  { name: 'a node: import', pattern: /from ['"]node:/ },
  { name: 'fs', pattern: /from ['"](fs|fs\/promises)['"]/ },
];

/** Packages the renderers may import: they compute, they do no I/O. */
const PURE_PACKAGES = new Set(['ical-generator', 'zod', 'dayjs']);

describe('server/reports is pure', () => {
  it('reads no clock, draws no randomness and touches no file, process or network', async () => {
    const files = (await readdir(REPORTS)).filter((f) => f.endsWith('.ts'));
    expect(files.length).to.be.greaterThan(10);
    const found: string[] = [];
    for (const file of files) {
      const text = (await readFile(join(REPORTS, file), 'utf8'))
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
      for (const { name, pattern } of IMPURE)
        if (pattern.test(text)) found.push(`${file}: ${name}`);
      for (const [, spec] of text.matchAll(/from ['"]([^'"]+)['"]/g))
        if (spec && !spec.startsWith('.') && !PURE_PACKAGES.has(spec))
          found.push(`${file}: imports '${spec}'`);
      for (const [, spec] of text.matchAll(/from ['"](\.\.\/[^'"]+)['"]/g))
        if (spec && !spec.startsWith('../domain/')) found.push(`${file}: imports '${spec}'`);
    }
    expect(found).to.deep.equal([]);
  });
});
