import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ROOT } from '../helpers/drills.js';

const run = promisify(execFile);

/** Runs the real CLI in its own process, in the given time zone. */
async function firedrill(args: string[], tz: string) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'server/cli/main.ts', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, TZ: tz },
    },
  );
  return stdout;
}

describe('determinism', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-determinism-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives byte-identical logs and scorecards for one seed in UTC and in Asia/Seoul', async () => {
    const [utc, seoul] = await Promise.all(
      ['UTC', 'Asia/Seoul'].map(async (tz) => {
        const log = join(dir, `seed-7-${tz.replace('/', '-')}.jsonl`);
        const card = await firedrill(
          ['simulate', 'kakao-pangyo-fire', '--seed', '7', '--log', log, '--format', 'json'],
          tz,
        );
        const rescored = await firedrill(
          [
            'score',
            log,
            '--manual',
            'kakao',
            '--scenario',
            'kakao-pangyo-fire',
            '--format',
            'json',
          ],
          tz,
        );
        return { log: await readFile(log, 'utf8'), card, rescored };
      }),
    );
    if (!utc || !seoul) throw new Error('both runs must finish');
    expect(utc.log.split('\n').length).to.be.greaterThan(20);
    expect(seoul.log).to.equal(utc.log);
    expect(seoul.card).to.equal(utc.card);
    expect(seoul.rescored).to.equal(utc.rescored);
    expect(JSON.parse(utc.rescored).score).to.equal(100);
  });

  it('gives a different log for a different seed', async () => {
    const a = join(dir, 'seed-7.jsonl');
    const b = join(dir, 'seed-8.jsonl');
    await firedrill(['simulate', 'kakao-pangyo-fire', '--seed', '7', '--log', a], 'UTC');
    await firedrill(['simulate', 'kakao-pangyo-fire', '--seed', '8', '--log', b], 'UTC');
    expect(await readFile(b, 'utf8')).to.not.equal(await readFile(a, 'utf8'));
  });
});
