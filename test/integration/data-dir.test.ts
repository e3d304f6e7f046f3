import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../server/runtime/clock.js';
import { startServer } from '../../server/server.js';
import { DataDirInUseError } from '../../server/store/data-lock.js';
import { T0 } from '../helpers/server.js';

describe('a data directory', () => {
  it('is served by one server at a time: a second is refused, and starts once the first stopped', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'firedrill-dir-'));
    const options = { dataDir, wall: new ManualClock(T0), log: () => {} };
    try {
      const first = await startServer(options);
      const second = await startServer(options).then(
        (s) => s,
        (error: unknown) => error,
      );
      expect(second).to.be.instanceOf(DataDirInUseError);
      await fetch(`${first.url}/healthz`).then((r) => expect(r.status).to.equal(200));
      await first.close();
      const third = await startServer(options);
      expect(third.seeded, 'the demo is seeded once, by the first').to.equal(undefined);
      await third.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
