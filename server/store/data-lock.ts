import { randomUUID } from 'node:crypto';
import { open, readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Why a second server may not open a data directory another one is using. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `${dir} is in use by another Firedrill server (process ${pid}); two servers over one data directory would corrupt it. Stop that one, or give this one its own FIREDRILL_DATA.`,
    );
    this.name = 'DataDirInUseError';
  }
}

interface LockFile {
  pid: number;
  dir: string;
  id: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the data directory for this process: `dir/lock` names the process holding it. A lock
 * left by a process that is gone (a crash, SIGKILL) is taken over; so is one copied along
 * with the directory from elsewhere (a backup restored while the original runs), which names
 * another directory. Resolves with the release function.
 *
 * Hand-written rather than a lock library: those judge a lock stale by age, so a server
 * restarted right after SIGKILL would have to wait; a pid check knows at once.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const here = await realpath(dir);
  const file = join(here, 'lock');
  const mine: LockFile = { pid: process.pid, dir: here, id: randomUUID() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${JSON.stringify(mine)}\n`);
      await handle.sync();
      await handle.close();
      return async () => {
        const now = await readLock(file);
        if (now?.id === mine.id) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await readLock(file);
      if (held && held.dir === here && held.pid !== process.pid && alive(held.pid))
        throw new DataDirInUseError(here, held.pid);
      if (held && held.dir === here && held.pid === process.pid)
        throw new DataDirInUseError(here, held.pid);
      // Stale (its process is gone), copied from elsewhere, or unreadable: take it over.
      await rm(file, { force: true });
    }
  }
  throw new Error(`${file}: could not take the lock`);
}

async function readLock(file: string): Promise<LockFile | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<LockFile>;
    if (
      typeof value.pid === 'number' &&
      typeof value.dir === 'string' &&
      typeof value.id === 'string'
    )
      return value as LockFile;
  } catch {
    // Torn or empty: a crash while it was being written.
  }
  return undefined;
}
