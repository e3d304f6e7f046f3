import type { LogEntry } from '../domain/schema/log.js';
import type { CatalogueData } from './catalogue-schema.js';

/**
 * Storage, behind two narrow interfaces so that a Postgres adapter could replace the files
 * (see DESIGN.md, scale-out). One implementation of each is enough for one machine.
 */

/** What an append may be told besides its entries. */
export interface AppendOptions {
  /**
   * Called once the entries are written to the log file, before they are made durable: in the
   * operating system's page cache, so they survive a crash of this process (SIGKILL included)
   * but not yet a power loss. A store with no such stage calls it just before the append
   * resolves; it is never called for an append rejected before its entries were written. The
   * append still resolves only once they are durable, and may still reject (the sync failed).
   * Must not throw: an error it throws is not the log's and does not change the append.
   */
  onWritten?: () => void;
}

/** Append-only drill logs, one per drill. */
export interface EventLogStore {
  /**
   * Appends entries to a drill's log. Resolves only once they are durable (written and
   * fdatasync'd); appends from all drills that arrive together share one flush (group commit).
   * Rejects if the write fails: the caller must then not acknowledge the action.
   */
  append(drillId: string, entries: readonly LogEntry[], options?: AppendOptions): Promise<void>;
  /** Reads a drill's log. A torn last line (a crash mid-write) is dropped and reported. */
  read(drillId: string): Promise<{ entries: LogEntry[]; droppedTornLine: boolean }>;
  /**
   * A value that changes whenever the drill's log does (undefined when it has none), cheap to
   * take: what a cached scorecard is checked against. Optional: without it nothing is cached.
   */
  stamp?(drillId: string): Promise<string | undefined>;
  /** Ids of drills that have a log. */
  list(): Promise<string[]>;
  /** Flushes what is pending and closes files. */
  close(): Promise<void>;
}

/** The catalogue: accounts, people, teams, drills and their schedule, links. */
export interface CatalogueStore {
  /** The current data; do not change it in place, use `update`. */
  read(): Readonly<CatalogueData>;
  /**
   * Applies a change and makes it durable before resolving. Changes are applied one at a time,
   * in call order. If `change` throws, nothing is written and the error is passed on.
   */
  update<T>(change: (data: CatalogueData) => T): Promise<T>;
  close(): Promise<void>;
}

/** Why the store refused to open: the file is not one it can read, and it will not overwrite it. */
export class CorruptStoreError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `${file}: ${reason}. Firedrill will not start over it and will not overwrite it; restore it from a backup or move it aside.`,
    );
    this.name = 'CorruptStoreError';
  }
}
