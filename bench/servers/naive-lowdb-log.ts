import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { LogEntry } from '../../server/domain/schema/log.js';
import type { EventLogStore } from '../../server/store/store.js';

type Data = { logs: Record<string, LogEntry[]> };

/**
 * The naive baseline for durable actions: every drill's log in one lowdb JSON file, with one
 * lowdb write per entry, in order. Each entry is validated as the real store validates it.
 * lowdb's JSONFile writes a temp file and renames it (no fsync), rewriting the whole file.
 */
export class NaiveLowdbLogStore implements EventLogStore {
  private chain: Promise<void> = Promise.resolve();
  private constructor(private readonly db: Low<Data>) {}

  /** Opens `file`, starting from a log of `seedActions` actions (a drill that already ran). */
  static async open(file: string, seedActions: number): Promise<NaiveLowdbLogStore> {
    const db = new Low<Data>(new JSONFile<Data>(file), { logs: {} });
    const at = new Date(0).toISOString();
    db.data.logs.seed = Array.from({ length: seedActions }, (_, i) =>
      LogEntry.parse({
        type: 'action',
        seq: i + 1,
        t: i * 1_000,
        at,
        role: 'operator',
        person: 'seed',
        action: 'send-message',
        channel: 'secondary-messenger',
        text: `status update ${i}`,
        fields: {},
      }),
    );
    await db.write();
    return new NaiveLowdbLogStore(db);
  }

  append(drillId: string, entries: readonly LogEntry[]): Promise<void> {
    const parsed = entries.map((e) => LogEntry.parse(e));
    const done = this.chain.then(async () => {
      for (const entry of parsed) {
        this.db.data.logs[drillId] ??= [];
        this.db.data.logs[drillId].push(entry);
        await this.db.write();
      }
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  async read(drillId: string) {
    return { entries: [...(this.db.data.logs[drillId] ?? [])], droppedTornLine: false };
  }

  async list(): Promise<string[]> {
    return Object.keys(this.db.data.logs).sort();
  }

  async close(): Promise<void> {
    await this.chain;
  }
}
