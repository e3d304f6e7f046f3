import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ROOT } from '../helpers/drills.js';

const run = promisify(execFile);

describe('firedrill demo', function () {
  this.timeout(120_000);

  it('runs the demo scenario live with a bot per role over WebSockets and prints a passing scorecard', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'server/cli/main.ts', 'demo', '--speed', '120'],
      {
        cwd: ROOT,
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    const card = JSON.parse(stdout);
    expect(card.reason).to.equal('end-condition');
    expect([card.final, card.pass, card.score]).to.deep.equal([true, true, 100]);
    // Every role acted through its own socket: each has judged steps and passes.
    for (const role of card.roles) expect(role.counts.on_time, role.role).to.be.greaterThan(0);
  });
});
