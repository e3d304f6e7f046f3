import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../cli/paths.js';

/** Text shown to people, one JSON file per page under views/strings/<language>/. */
export type Strings = Record<string, unknown>;

const DIR = join(PROJECT_ROOT, 'views', 'strings');
const cache = new Map<string, Record<string, Strings>>();

function language(lang: string): Record<string, Strings> {
  let pages = cache.get(lang);
  if (!pages) {
    pages = {};
    for (const file of readdirSync(join(DIR, lang)))
      if (file.endsWith('.json'))
        pages[file.replace(/\.json$/, '')] = JSON.parse(
          readFileSync(join(DIR, lang, file), 'utf8'),
        ) as Strings;
    cache.set(lang, pages);
  }
  return pages;
}

/** The languages there are strings for (folders of views/strings), English first. */
export function languages(): string[] {
  const found = readdirSync(DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  return ['en', ...found.filter((l) => l !== 'en').sort()];
}

/**
 * The strings of one page in a language (English until a translation is added): the page's own
 * under their names, the shared ones under `common`.
 */
export function stringsFor(page: string, lang = 'en'): Strings & { common: Strings } {
  const pages = language(lang);
  const own = pages[page];
  if (!own) throw new Error(`views/strings/${lang}/${page}.json is missing`);
  return { ...own, common: pages.common ?? {} };
}
