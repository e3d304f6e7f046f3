import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';
import {
  expectNoSideScroll,
  person,
  screenshot,
  seriousFindings,
  withBrowserAndServer,
} from './browser.js';
import { advance, drillNow, signInPage } from './drill-pages.js';

const MIN = 60_000;

interface Visit {
  name: string;
  path: () => string;
  /** What to do on the page before it is judged (fill in, click through). */
  prepare?: (page: Page) => Promise<void>;
  ready: string;
}

describe('every page', function () {
  this.timeout(90_000);
  let browser: Browser;
  let t: TestServer;
  let wide: BrowserContext;
  let narrow: BrowserContext;
  let drill: { id: string; links: Record<string, string> };
  let standby = '';
  withBrowserAndServer((b, s) => {
    browser = b;
    t = s;
  });
  before(async () => {
    const password = t.server.seeded?.password ?? '';
    wide = await person(browser);
    narrow = await person(browser, { width: 390, height: 844 });
    for (const context of [wide, narrow])
      await signInPage(await context.newPage(), t.server.url, 'facilitator', password);
    drill = await drillNow(t, ['control-tower', 'operator'], ['communicator', 'operations-lead']);
    await advance(t, 12 * MIN); // injects, bots acting, KakaoTalk down
    standby = new URL(t.server.seeded?.standby[0]?.url ?? '').pathname;
  });

  const broken = () =>
    readFile(new URL('../fixtures/broken/unknown-role-in-step.yaml', import.meta.url), 'utf8');
  const visits: Visit[] = [
    { name: 'sign-in', path: () => '/login', ready: '#sign-in' },
    { name: 'drills', path: () => '/drills', ready: 'table[data-list="running"]' },
    { name: 'new-drill', path: () => '/drills/new', ready: '#preview-injects' },
    {
      name: 'new-drill-surprise',
      path: () => '/drills/new',
      ready: '#preview-injects',
      prepare: async (page) => {
        await page.getByLabel(/Surprise/).check();
        await page.getByRole('button', { name: /Add a person to Operator/ }).click();
      },
    },
    {
      name: 'console',
      path: () => `/drills/${drill.id}`,
      ready: '#timeline li[data-type="inject-delivered"]',
      prepare: async (page) => {
        await page.locator('#assignments li button').first().waitFor();
      },
    },
    {
      name: 'library',
      path: () => '/library',
      ready: '#source',
      prepare: async (page) => {
        await page.fill('#source', await broken());
        await page.getByRole('button', { name: 'Validate' }).click();
        await page.locator('#problems li').first().waitFor();
        await page.locator('[data-preview="kakao-pangyo-fire"]').click();
        await page
          .locator('#preview-card #preview-injects tr[data-inject="battery-room-fire"]')
          .waitFor();
        await page.locator('[data-dry-run="kakao-pangyo-fire"]').click();
        await page.locator('#dry-card:not([hidden]) [data-step]').first().waitFor();
      },
    },
    {
      name: 'roster',
      path: () => '/roster',
      ready: '#people-table',
      // Judged with a standby link on show (right after a person is added) and a webhook row.
      prepare: async (page) => {
        await page.locator('#person-name').fill('Yoon Ji-woo');
        await page.getByRole('button', { name: 'Add the person' }).click();
        await page.locator('.shown-once input').waitFor();
        await page.getByRole('button', { name: 'Add a webhook' }).click();
      },
    },
    { name: 'participant', path: () => drill.links.operator ?? '', ready: '#inbox li[data-seq]' },
    { name: 'standby', path: () => standby, ready: '#arm' },
    { name: 'not-found', path: () => '/join/fd_join_nothing', ready: 'h1' },
    {
      name: 'report',
      path: () => `/drills/${t.server.seeded?.finishedDrill.id}/report`,
      ready: '[data-step]',
    },
  ];

  for (const visit of visits)
    it(`${visit.name}: no serious or critical axe findings, no sideways scroll at 390 px`, async () => {
      for (const [context, width] of [
        [wide, 1280],
        [narrow, 390],
      ] as const) {
        const page = await context.newPage();
        await page.goto(`${t.server.url}${visit.path()}`);
        await page.locator(visit.ready).first().waitFor({ state: 'attached' });
        await visit.prepare?.(page);
        await screenshot(page, `${visit.name}-${width}`);
        expect(await seriousFindings(page), `${visit.name} at ${width} px`).to.deep.equal([]);
        if (width === 390) await expectNoSideScroll(page, visit.name);
        await page.close();
      }
    });

  it('shows the validator’s errors at their lines, and saves a valid upload as a new version', async () => {
    const page = await wide.newPage();
    await page.goto(`${t.server.url}/library`);
    await page.fill('#source', await broken());
    await page.getByRole('button', { name: 'Validate' }).click();
    const problem = page.locator('#problems li').first();
    await problem.waitFor();
    expect(await problem.textContent()).to.match(/line \d+.*leed/);
    const line = Number(await problem.getAttribute('data-line'));
    expect(await page.locator('#gutter .bad').first().textContent()).to.equal(String(line));
    await problem.getByRole('button').click();
    const caretLine = await page.evaluate(() => {
      const el = document.getElementById('source') as HTMLTextAreaElement;
      return el.value.slice(0, el.selectionStart).split('\n').length;
    });
    expect(caretLine).to.equal(line);

    const scenario = await readFile(
      new URL('../../drills/scenarios/kakao-viral-surge.yaml', import.meta.url),
      'utf8',
    );
    await page.fill(
      '#source',
      scenario
        .replace(/^version: .*$/m, 'version: 1.1.0')
        .replace(/^title: .*$/m, 'title: Viral surge (revised)'),
    );
    await page.getByRole('button', { name: 'Save to the library' }).click();
    await page.locator('#editor-status').filter({ hasText: 'Saved to the library' }).waitFor();
    await page.reload();
    const row = page.locator('tr[data-scenario="kakao-viral-surge"]');
    expect(await row.textContent()).to.include('Viral surge (revised)');
    expect(await row.textContent()).to.include('1.1.0');
    await page.close();
  });
});
