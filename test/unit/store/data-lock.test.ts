import { spawn } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DataDirInUseError, lockDataDir } from '../../../server/store/data-lock.js';

const refusal = async (dir: string) => {
  try {
    await lockDataDir(dir);
  } catch (error) {
    return error;
  }
  throw new Error('the lock was taken twice');
};

describe('lockDataDir()', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'firedrill-lock-')));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second holder while the first holds it, and lets go on release', async () => {
    const release = await lockDataDir(dir);
    expect(await refusal(dir)).to.be.instanceOf(DataDirInUseError);
    await release();
    const again = await lockDataDir(dir);
    await again();
  });

  it('refuses when another live process holds it, naming that process', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {
      stdio: 'ignore',
    });
    try {
      await writeFile(join(dir, 'lock'), JSON.stringify({ pid: other.pid, dir, id: 'x' }));
      const error = (await refusal(dir)) as Error;
      expect(error).to.be.instanceOf(DataDirInUseError);
      expect(error.message).to.include(`process ${other.pid}`).and.include(dir);
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process is gone (a crash), a torn one, or one copied from another directory', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    for (const left of [
      JSON.stringify({ pid: gone.pid, dir, id: 'crashed' }),
      '{"pid": 12',
      JSON.stringify({ pid: process.ppid, dir: '/somewhere/else', id: 'copied' }),
    ]) {
      await writeFile(join(dir, 'lock'), left);
      const release = await lockDataDir(dir);
      const held = JSON.parse(await readFile(join(dir, 'lock'), 'utf8'));
      expect(held.pid, left).to.equal(process.pid);
      await release();
    }
  });
});
