import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { T0, type TestServer } from '../helpers/server.js';
import { person, screenshot, withBrowserAndServer } from './browser.js';
import { advance } from './drill-pages.js';

const MIN = 60_000;

describe('the standby page', function () {
  this.timeout(60_000);
  let browser: Browser;
  let t: TestServer;
  withBrowserAndServer((b, s) => {
    browser = b;
    t = s;
  });

  it('rings for a surprise drill: title, notification, sound, then the console opens', async () => {
    const seeded = t.server.seeded;
    const standby = seeded?.standby.find((s) => s.name === 'Kim Min-jun');
    if (!standby) throw new Error('the demo seeds Kim Min-jun');
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
      id: string;
      name: string;
    }[];
    const kim = people.find((p) => p.name === 'Kim Min-jun');
    await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'surprise',
        window: {
          from: new Date(T0 + MIN).toISOString(),
          to: new Date(T0 + 11 * MIN).toISOString(),
        },
        assignments: [{ role: 'operator', personId: kim?.id }],
      })
      .expect(201);

    const context = await person(browser, {
      permissions: ['notifications'],
      origin: t.server.url,
    });
    const page = await context.newPage();
    await page.goto(`${t.server.url}${new URL(standby.url).pathname}`);
    const title = await page.title();
    await page.getByRole('button', { name: 'Turn on ringing and notifications' }).click();
    await page.locator('#armed').filter({ hasText: 'Ringing is on' }).waitFor();
    await page.waitForFunction(() =>
      /No drill is running/.test(document.getElementById('standby-status')?.textContent ?? ''),
    );
    expect(await page.locator('#ring').isHidden()).to.equal(true);
    await screenshot(page, 'standby-waiting');

    await advance(t, 11 * MIN); // somewhere in the window, the drill starts
    await page.waitForFunction((before) => document.title !== before, title, { timeout: 20_000 });
    expect(await page.title()).to.match(/DRILL STARTED/);
    await page.locator('body[data-notification="shown"]').waitFor({ state: 'attached' });
    await page.locator('body[data-sound="played"]').waitFor({ state: 'attached' });
    expect(
      await page.locator('#ring-sound').evaluate((a: HTMLAudioElement) => a.played.length),
    ).to.be.greaterThan(0);
    await screenshot(page, 'standby-ringing');
    await page.waitForURL(/\/join\/fd_join_/, { timeout: 10_000 });
    await page.locator('#drill-status.status-running').waitFor();
    expect(await page.locator('h1').textContent()).to.include('Operator');
    await context.close();
  });
});
