import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';
import { person, withBrowserAndServer } from './browser.js';
import { advance, drillNow } from './drill-pages.js';

const MIN = 60_000;
const FIRE = '#inbox li[data-inject="battery-room-fire"]';

/**
 * An inject is sent once written, before fdatasync (docs/storage.md): a power loss can take from
 * the log an inject a console already shows. The server is restarted over a log cut back as a
 * power loss would leave it; the console must end up showing what the log holds, each inject
 * once.
 */
describe('the participant console after a power loss took injects it had shown', function () {
  this.timeout(60_000);
  let browser: Browser;
  let t: TestServer;
  let context: BrowserContext;
  withBrowserAndServer((b, s) => {
    browser = b;
    t = s;
  });
  beforeEach(async () => {
    context = await person(browser);
  });
  afterEach(async () => {
    await context.close();
  });

  const seqsShown = (page: Page) =>
    page.$$eval('#inbox li[data-seq]', (items) =>
      items.map((li) => `${li.getAttribute('data-inject')}#${li.getAttribute('data-seq')}`),
    );

  it('starts again from the log when it has seen more than the log holds, showing each inject once', async () => {
    const drill = await drillNow(t, ['operator']);
    const page = await context.newPage();
    await page.goto(`${t.server.url}${drill.links.operator}`);
    await page.locator('#drill-status.status-running').waitFor();
    const file = join(t.dataDir, 'drills', `${drill.id}.jsonl`);
    const started = await readFile(file, 'utf8');

    // An ad-hoc inject (seq 2), then the battery-room fire (seq 3), both shown.
    await t.facilitator
      .post(`/api/drills/${drill.id}/inject`, {
        to: ['operator'],
        title: 'Smoke in UPS room 3',
        text: 'Fire suppression has triggered in UPS room 3.',
      })
      .expect(201);
    await advance(t, 2 * MIN + 1_000);
    await page.locator(FIRE).waitFor();
    expect(await seqsShown(page)).to.have.members(['ad-hoc-1#2', 'battery-room-fire#3']);
    await page.evaluate(() => {
      (window as unknown as { before: boolean }).before = true;
    });

    // The power goes: neither had reached the disk. The log is back to its first line (the
    // server writes nothing to it as it stops).
    await writeFile(file, started);
    await t.restart();

    // On restart the fire is due again and is sent again, as seq 2; the ad-hoc inject is gone.
    // The console's last seq (3) is past the log's end (2): it starts again from the log.
    await page.waitForFunction(
      () => !(window as unknown as { before?: boolean }).before,
      undefined,
      { timeout: 20_000 },
    );
    await page.locator('#drill-status.status-running').waitFor();
    await page.locator(FIRE).waitFor();
    expect(await seqsShown(page)).to.deep.equal(['battery-room-fire#2']);
  });

  it('shows an inject sent again under a new seq once', async () => {
    const drill = await drillNow(t, ['operator']);
    const page = await context.newPage();
    await page.goto(`${t.server.url}${drill.links.operator}`);
    await page.locator('#drill-status.status-running').waitFor();
    await advance(t, 2 * MIN + 1_000);
    await page.locator(FIRE).waitFor();
    const [shown] = await seqsShown(page);
    // The same inject under a later seq, as the socket would send it had the first copy been
    // lost and other entries taken its number; stands in for that restart.
    const hub = t.server.hub as unknown as {
      drills: Map<string, Set<{ ws: { send(data: string): void } }>>;
    };
    const runner = t.server.service.runner(drill.id);
    const fire = runner?.entries.find((e) => e.type === 'inject-delivered');
    if (!runner || !fire) throw new Error('the fire was delivered');
    const { participantEvent } = await import('../../server/domain/engine/audience.js');
    const again = participantEvent(runner.drill, runner.state, fire);
    for (const conn of hub.drills.get(drill.id) ?? [])
      conn.ws.send(
        JSON.stringify({ type: 'event', exercise: true, event: { ...again, seq: fire.seq + 5 } }),
      );
    // A later, different inject still shows: the console is not simply ignoring the socket.
    await t.facilitator
      .post(`/api/drills/${drill.id}/inject`, {
        to: ['operator'],
        title: 'Press desk calls',
        text: 'A reporter asks whether KakaoTalk is down.',
      })
      .expect(201);
    await page.locator('#inbox li[data-inject="ad-hoc-1"]').waitFor();
    expect(await page.locator(FIRE).count()).to.equal(1);
    expect(await seqsShown(page)).to.have.members([shown, 'ad-hoc-1#3']);
  });
});
