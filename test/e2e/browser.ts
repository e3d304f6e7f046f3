import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { CHROMIUM_ARGS, ensureChromium } from '../support/browser.js';

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

/** Launches Debian's chromium (installed if missing; a run without it fails, never skips). */
export async function launch(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/**
 * For a describe block: one chromium and one test server, started before its first test (and
 * handed to `take`) and closed after its last. Hooks the block adds later run after these.
 */
export function withBrowserAndServer(take: (browser: Browser, t: TestServer) => void): void {
  let browser: Browser | undefined;
  let t: TestServer | undefined;
  before(async () => {
    browser = await launch();
    t = await startTestServer();
    take(browser, t);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });
}

/** A fresh context (its own cookies and storage): one person at one device. */
export function person(
  browser: Browser,
  options: { width?: number; height?: number; permissions?: string[]; origin?: string } = {},
): Promise<BrowserContext> {
  return browser
    .newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      timezoneId: 'Asia/Seoul',
      locale: 'en-GB',
    })
    .then(async (context) => {
      context.setDefaultTimeout(15_000);
      if (options.permissions && options.origin)
        await context.grantPermissions(options.permissions, { origin: options.origin });
      return context;
    });
}

/** Writes a full-page screenshot of `page` to test/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

let axeSource: string | undefined;

/** Runs axe-core (its own source, injected) in the page; returns its serious and critical findings (none is the goal). */
export async function seriousFindings(page: Page): Promise<string[]> {
  axeSource ??= await readFile(
    createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
    'utf8',
  );
  // Evaluated through the devtools protocol: the page's CSP (no inline script) stays in force.
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  })) as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** Fails if the page scrolls sideways at its current width. */
export async function expectNoSideScroll(page: Page, what: string): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  }));
  expect(scroll, `${what} scrolls sideways at ${width} px`).to.be.at.most(width);
}
