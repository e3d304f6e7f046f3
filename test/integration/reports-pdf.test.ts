import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { type Browser, chromium } from 'playwright-core';
import { PROJECT_ROOT } from '../../server/cli/paths.js';
import { renderReport } from '../../server/reports/render.js';
import { CHROMIUM_ARGS, ensureChromium, ensurePdftotext } from '../support/browser.js';
import { type Fixture, faultyReport, loadFixture } from '../unit/reports/golden-cases.js';
import { hostileReport } from '../unit/reports/hostile-cases.js';

const run = promisify(execFile);
const ARTIFACTS = join(PROJECT_ROOT, 'test/artifacts');

/** The text of a PDF, as poppler's pdftotext reads it. */
async function pdfText(pdftotext: string, pdf: Buffer, dir: string): Promise<string> {
  const file = join(dir, `report-${Date.now()}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run(pdftotext, ['-layout', file, '-'], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

describe('the HTML report in a real browser (Debian chromium)', function () {
  // The first run on a fresh machine installs chromium and poppler with apt.
  this.timeout(15 * 60_000);
  let browser: Browser;
  let pdftotext: string;
  let dir: string;
  let f: Fixture;
  before(async () => {
    const executablePath = await ensureChromium();
    pdftotext = await ensurePdftotext();
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    dir = await mkdtemp(join(tmpdir(), 'firedrill-pdf-'));
    await mkdir(ARTIFACTS, { recursive: true });
    f = await loadFixture();
  });
  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints to PDF with every step id and rule id of the drill in its text', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
    });
    await page.setContent(renderReport(faultyReport(f), 'html'), { waitUntil: 'load' });
    await page.setViewportSize({ width: 1100, height: 1400 });
    await page.screenshot({ path: join(ARTIFACTS, 'report-faulty.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await writeFile(join(ARTIFACTS, 'report-faulty.pdf'), pdf);
    await page.close();
    expect(requests, 'the report fetches nothing: it is self-contained').to.deep.equal([]);
    const text = await pdfText(pdftotext, pdf, dir);
    const stepIds = f.faulty.card.steps.map((s) => s.step);
    const ruleIds = f.faulty.card.rules.map((r) => r.rule);
    expect(stepIds.length).to.be.greaterThan(20);
    expect(ruleIds.length).to.be.greaterThan(10);
    for (const id of [...stepIds, ...ruleIds])
      expect(text, id).to.match(new RegExp(`(^|[^a-z-])${id}([^a-z-]|$)`, 'm'));
    expect(text).to.include('34.4');
    expect(text).to.include('Pangyo fire game day, Q2');
    const pages = text.split('\f').filter((p) => p.trim()).length;
    expect(pages, 'pages printed').to.be.within(4, 14);
  });

  it('repeats the header of a long table on every page it spans, and splits no row across pages', async () => {
    const page = await browser.newPage();
    await page.setContent(renderReport(faultyReport(f), 'html'), { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const css = await page.evaluate(() => {
      const row = document.querySelector('tr[data-step]') as HTMLElement;
      const head = document.querySelector('#steps thead') as HTMLElement;
      const keep = document.querySelector('#roles') as HTMLElement;
      return {
        row: getComputedStyle(row).breakInside,
        head: getComputedStyle(head).display,
        keep: getComputedStyle(keep).breakInside,
      };
    });
    await page.close();
    expect(css).to.deep.equal({ row: 'avoid', head: 'table-header-group', keep: 'avoid' });
  });

  it('runs none of the hostile text: no script, image, handler or dialog', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    const report = await hostileReport();
    await page.setContent(renderReport(report, 'html'), { waitUntil: 'load' });
    const found = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script, img, iframe, object, embed').length,
      svgs: document.querySelectorAll('svg').length,
      handlers: [...document.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((a) => a.name.startsWith('on')),
      ).length,
      shown: (document.body.textContent ?? '').includes('wentWell:<script>alert(1)</script>'),
    }));
    await page.close();
    expect(found).to.deep.equal({ scripts: 0, svgs: 1, handlers: 0, shown: true });
    expect(dialogs).to.deep.equal([]);
  });
});
