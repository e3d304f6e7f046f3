import type { LogEntry } from '../domain/schema/log.js';
import { checkDrillId, encodeEntries, parseLogBytes } from './event-log-file.js';
import type { AppendOptions, EventLogStore } from './store.js';

/**
 * Drill logs in memory, for tests: the file store's rules (safe drill ids, valid entries, a
 * failed append writes nothing) without files. `failAppends` makes appends fail, to test that
 * callers do not acknowledge what was not written.
 */
export class MemoryEventLogStore implements EventLogStore {
  private readonly logs = new Map<string, LogEntry[]>();
  private failure?: Error;
  private closed = false;

  /** Appends called from now on reject with `error` (none written) until called with nothing. */
  failAppends(error?: Error): void {
    this.failure = error;
  }

  async append(
    drillId: string,
    entries: readonly LogEntry[],
    options: AppendOptions = {},
  ): Promise<void> {
    if (this.closed) throw new Error('the event log store is closed');
    checkDrillId(drillId);
    const text = encodeEntries(drillId, entries);
    if (this.failure) throw this.failure;
    if (!text) return options.onWritten?.();
    // Keep what the file store would read back: the entries through JSON and the schema.
    const { entries: stored } = parseLogBytes(drillId, Buffer.from(text, 'utf8'));
    const log = this.logs.get(drillId) ?? [];
    log.push(...stored);
    this.logs.set(drillId, log);
    // No separate durable stage: written and durable are one moment here.
    try {
      options.onWritten?.();
    } catch {
      // Not the log's error (see AppendOptions).
    }
  }

  async read(drillId: string): Promise<{ entries: LogEntry[]; droppedTornLine: boolean }> {
    checkDrillId(drillId);
    return { entries: structuredClone(this.logs.get(drillId) ?? []), droppedTornLine: false };
  }

  async stamp(drillId: string): Promise<string | undefined> {
    checkDrillId(drillId);
    const log = this.logs.get(drillId);
    return log ? String(log.length) : undefined;
  }

  async list(): Promise<string[]> {
    return [...this.logs.keys()].sort();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
