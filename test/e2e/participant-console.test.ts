import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { fold } from '../../server/domain/engine/reduce.js';
import { CLOSE } from '../../server/ws/protocol.js';
import type { TestServer } from '../helpers/server.js';
import { person, screenshot, withBrowserAndServer } from './browser.js';
import { act, advance, drillNow, ROLES } from './drill-pages.js';

const MIN = 60_000;
describe('the participant console', function () {
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

  const open = async (path: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${t.server.url}${path}`);
    await page.locator('#drill-status.status-running').waitFor();
    return page;
  };

  it('never shows a role another role’s injects, scenario or ad hoc', async () => {
    const drill = await drillNow(t);
    const pages = Object.fromEntries(
      await Promise.all(
        ROLES.map(async (role) => [role, await open(drill.links[role] ?? '')] as const),
      ),
    );
    await t.facilitator
      .post(`/api/drills/${drill.id}/inject`, {
        to: ['communicator'],
        title: 'Press desk asks for the dashboard link',
        text: 'For the communicator only.',
      })
      .expect(201);
    await advance(t, 40 * MIN);
    const resolved = t.server.library.resolve('kakao-pangyo-fire');
    if (!resolved) throw new Error('the scenario is in the library');
    const { entries } = await t.server.logs.read(drill.id);
    const injects = fold(resolved.drill, entries).injects;
    expect(injects.length).to.be.greaterThan(4);
    for (const role of ROLES) {
      const page = pages[role] as Page;
      const mine = injects.filter((i) => i.to.includes(role));
      const others = injects.filter((i) => !i.to.includes(role));
      expect(others, `${role} is not sent everything`).to.not.be.empty;
      await page.waitForFunction(
        (n) => document.querySelectorAll('#inbox li[data-seq]').length === n,
        mine.length,
      );
      const shown = await page.$$eval('#inbox li[data-seq]', (items) =>
        items.map((li) => Number(li.getAttribute('data-seq'))),
      );
      expect(
        shown.sort((a, b) => a - b),
        role,
      ).to.deep.equal(mine.map((i) => i.seq));
      const text = await page.evaluate(() => document.documentElement.textContent ?? '');
      for (const other of others)
        expect(text, `${role} sees “${other.title}”`).to.not.include(other.title);
    }
    // The status board is the world, the same for every role, whoever the injects went to.
    const world = fold(resolved.drill, entries);
    expect(Object.values(world.services)).to.include('down');
    for (const role of ROLES)
      await (pages[role] as Page).waitForFunction(
        (services) =>
          Object.entries(services).every(
            ([id, state]) =>
              document
                .querySelector(`#board tr[data-service="${id}"]`)
                ?.getAttribute('data-state') === state,
          ),
        world.services,
        { timeout: 15_000 },
      );
    await screenshot(pages.communicator as Page, 'participant-communicator-late');
  });

  it('shows a banner when the server drops the socket, then the missed injects once', async () => {
    const drill = await drillNow(t, ['operator']);
    const page = await open(drill.links.operator ?? '');
    // Watch the banner from inside the page: it may show only for the second the retry takes.
    await page.evaluate(() => {
      const banner = document.getElementById('banner') as HTMLElement;
      const w = window as unknown as { bannerTexts: string[] };
      w.bannerTexts = [];
      new MutationObserver(() => {
        if (!banner.hidden) w.bannerTexts.push(banner.textContent ?? '');
      }).observe(banner, { attributes: true, childList: true, characterData: true, subtree: true });
    });
    // The server closes the socket as it does for a client too slow to keep up (4008: resume).
    const hub = t.server.hub as unknown as {
      drills: Map<string, Set<{ ws: { close(code: number, reason: string): void } }>>;
    };
    const sockets = [...(hub.drills.get(drill.id) ?? [])];
    expect(sockets).to.have.lengthOf(1);
    for (const conn of sockets) conn.ws.close(CLOSE.tooSlow, 'too slow: reconnect');
    await advance(t, 2 * MIN + 1_000); // the battery-room fire is delivered while it is away
    await page.locator('#banner:not([hidden])').waitFor();
    await page.locator('#inbox li[data-inject="battery-room-fire"]').waitFor();
    await page.waitForFunction(
      () => !/Disconnected/.test(document.getElementById('banner')?.textContent ?? ''),
    );
    expect(await page.locator('#inbox li[data-inject="battery-room-fire"]').count()).to.equal(1);
    const texts = await page.evaluate(
      () => (window as unknown as { bannerTexts: string[] }).bannerTexts,
    );
    expect(texts.some((x) => /Disconnected/.test(x))).to.equal(true);
    expect(texts.some((x) => /Reconnected/.test(x))).to.equal(true);
    // And the world it changed: the primary messenger is shown down.
    await page.locator('#channels [data-channel="primary-messenger"][data-state="down"]').waitFor();
  });

  it('shows two operators each other’s actions, the colleague’s marked as such', async () => {
    const drill = await drillNow(t, ['operator', 'operator']);
    const [kim, park] = await Promise.all(drill.all.map((path) => open(path)));
    if (!kim || !park) throw new Error('two operators');
    const seq = await act(kim, {
      action: 'report-failure',
      channel: 'secondary-messenger',
      text: 'Pangyo dark',
    });
    await park.locator(`#log li[data-seq="${seq}"] .badge-colleague`).waitFor();
    await kim.locator(`#log li[data-seq="${seq}"]`).waitFor();
    expect(await kim.locator(`#log li[data-seq="${seq}"] .badge-colleague`).count()).to.equal(0);
  });

  it('keeps the role’s actions on no channel in its decision log after a reload', async () => {
    const drill = await drillNow(t, ['control-tower']);
    const page = await open(drill.links['control-tower'] ?? '');
    const seq = await act(page, { action: 'set-grade', fields: { grade: '1' } });
    await page.locator(`#log li[data-seq="${seq}"]`).waitFor();
    await page.reload();
    await page.locator('#drill-status.status-running').waitFor();
    await page.locator(`#log li[data-seq="${seq}"]`).waitFor();
  });

  it('offers the debrief when the drill ended while the page was cut off', async () => {
    const drill = await drillNow(t, ['communicator']);
    const page = await open(drill.links.communicator ?? '');
    const hub = t.server.hub as unknown as {
      drills: Map<string, Set<{ ws: { close(code: number, reason: string): void } }>>;
    };
    for (const conn of hub.drills.get(drill.id) ?? []) conn.ws.close(CLOSE.tooSlow, 'too slow');
    await t.facilitator.post(`/api/drills/${drill.id}/end`).expect(200);
    await page.locator('#debrief:not([hidden])').waitFor();
    expect(await page.locator('#drill-status').textContent()).to.equal('ended');
  });

  it('can be worked by keyboard alone: an action, then the debrief', async () => {
    const drill = await drillNow(t, ['control-tower']);
    const page = await open(drill.links['control-tower'] ?? '');
    const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
    const tabTo = async (id: string) => {
      for (let i = 0; i < 60 && (await focused()) !== id; i++) await page.keyboard.press('Tab');
      expect(await focused(), `Tab reaches #${id}`).to.equal(id);
    };
    await tabTo('action');
    await page.keyboard.type('Declare');
    expect(await page.inputValue('#action')).to.equal('declare-incident');
    await tabTo('channel');
    await page.keyboard.type('Secondary');
    expect(await page.inputValue('#channel')).to.equal('secondary-messenger');
    await tabTo('text');
    await page.keyboard.type('Declared by keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Recorded as #\d+/.test(document.getElementById('act-status')?.textContent ?? ''),
    );
    const { entries } = await t.server.logs.read(drill.id);
    const action = entries.find((e) => e.type === 'action');
    expect(action).to.include({
      action: 'declare-incident',
      channel: 'secondary-messenger',
      text: 'Declared by keyboard',
    });

    await t.facilitator.post(`/api/drills/${drill.id}/end`).expect(200);
    await page.locator('#debrief:not([hidden])').waitFor();
    expect(await focused()).to.equal('h-debrief');
    await page.keyboard.press('Tab');
    await page.keyboard.type('We declared fast.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Nobody set a grade.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Thank you/.test(document.getElementById('debrief-status')?.textContent ?? ''),
    );
    await screenshot(page, 'participant-keyboard-debrief');
  });
});
