import { type Adapter, Low, Memory } from 'lowdb';
import { formatPath, zodProblems } from '../load/problems.js';
import { CatalogueData, emptyCatalogue } from './catalogue-schema.js';
import type { CatalogueStore } from './store.js';

/** A change that would leave the catalogue invalid; nothing was written. */
export class InvalidCatalogueChange extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the change would make the catalogue invalid, so nothing was written: ${problems.join('; ')}`,
    );
    this.name = 'InvalidCatalogueChange';
  }
}

/** zod's complaints as `path: message`, at most `max` of them. */
export function describeIssues(error: Parameters<typeof zodProblems>[0], max = 5): string[] {
  const all = zodProblems(error).map((p) => `${formatPath(p.path) || '(top)'}: ${p.message}`);
  return all.length > max ? [...all.slice(0, max), `${all.length - max} more`] : all;
}

/** Freezes `value` and everything it holds: shared data that no reader may change. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The catalogue's rules on any lowdb adapter: changes run one at a time in call order, each on a
 * copy of the data; the result must match the schema, is written through the adapter, and only
 * then becomes what `read()` returns (deeply frozen).
 */
export class LowCatalogueStore implements CatalogueStore {
  protected readonly db: Low<CatalogueData>;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(adapter: Adapter<CatalogueData>, data: CatalogueData) {
    this.db = new Low(adapter, deepFreeze(data));
  }

  read(): Readonly<CatalogueData> {
    return this.db.data;
  }

  update<T>(change: (data: CatalogueData) => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the catalogue is closed'));
    const run = this.tail.then(() => this.apply(change));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }

  private async apply<T>(change: (data: CatalogueData) => T): Promise<T> {
    const draft = structuredClone(this.db.data) as CatalogueData;
    const result = change(draft);
    if (result && typeof (result as { then?: unknown }).then === 'function')
      throw new Error(
        'a catalogue change must be synchronous (it returned a promise); nothing was written',
      );
    const parsed = CatalogueData.safeParse(draft, { reportInput: true });
    if (!parsed.success) throw new InvalidCatalogueChange(describeIssues(parsed.error));
    // Durable first, visible second: nobody reads data that a crash could still take back.
    await this.db.adapter.write(parsed.data);
    this.db.data = deepFreeze(parsed.data);
    return result;
  }
}

/** The catalogue in memory (lowdb's Memory adapter), for tests: same rules, no file. */
export class MemoryCatalogueStore extends LowCatalogueStore {
  constructor(data: CatalogueData = emptyCatalogue()) {
    super(new Memory<CatalogueData>(), CatalogueData.parse(data));
  }
}
