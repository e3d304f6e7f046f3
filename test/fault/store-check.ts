import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry } from '../../server/domain/schema/log.js';
import { CATALOGUE_FILE, DurableCatalogueFile } from '../../server/store/catalogue-file.js';
import type { CatalogueData } from '../../server/store/catalogue-schema.js';
import { parseLogBytes } from '../../server/store/event-log-file.js';

/** What a data directory holds, read the way the server reads it, with nothing changed. */
export interface DataDirContents {
  catalogue: CatalogueData;
  logs: Map<string, LogEntry[]>;
  /** Drill ids whose log ended in a torn line (dropped by the reader). */
  torn: string[];
}

/**
 * Reads a stopped server's data directory and throws, saying what and where, unless the
 * catalogue loads and every drill log parses with sequence numbers 1, 2, 3… without a gap.
 */
export async function checkDataDir(dataDir: string): Promise<DataDirContents> {
  const catalogue = await new DurableCatalogueFile(join(dataDir, CATALOGUE_FILE)).read();
  if (!catalogue) throw new Error(`${dataDir}: no ${CATALOGUE_FILE}`);
  const logs = new Map<string, LogEntry[]>();
  const torn: string[] = [];
  const dir = join(dataDir, 'drills');
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.jsonl'))) {
    const file = join(dir, name);
    const { entries, droppedTornLine } = parseLogBytes(file, await readFile(file));
    const gap = entries.findIndex((e, i) => e.seq !== i + 1);
    if (gap !== -1)
      throw new Error(`${file}: entry ${gap + 1} has seq ${entries[gap]?.seq}, not ${gap + 1}`);
    const drillId = name.slice(0, -'.jsonl'.length);
    if (droppedTornLine) torn.push(drillId);
    logs.set(drillId, entries);
  }
  for (const drill of catalogue.drills)
    if (drill.status === 'running' && !logs.get(drill.id)?.length)
      throw new Error(`drill ${drill.id} is running in the catalogue but has no log`);
  return { catalogue, logs, torn };
}

/** The client ids of a log's actions (the part after `<linkId>:`), failing on a repeated one. */
export function actionClientIds(entries: readonly LogEntry[]): Set<string> {
  const ids = new Set<string>();
  for (const entry of entries) {
    if (entry.type !== 'action' || !entry.id) continue;
    const clientId = entry.id.slice(entry.id.indexOf(':') + 1);
    if (ids.has(clientId)) throw new Error(`action ${clientId} is in the log twice`);
    ids.add(clientId);
  }
  return ids;
}
