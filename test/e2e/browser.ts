import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'e2e');

/** Debian's chromium, headless, with its background networking off (this machine has no network). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export async function newContext(browser: Browser, options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, ...(options.viewport ? { viewport: options.viewport } : {}) });
  context.setDefaultTimeout(8000);
  return context;
}

/** Keeps a screenshot of the page as the test left it (test-artifacts/, not committed). */
export async function keepScreenshot(page: Page | undefined, title: string): Promise<void> {
  if (!page || page.isClosed()) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const name = title.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 80);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true }).catch(() => undefined);
}

/** An expression (for page.waitForFunction) for an element of factorgate's dialog, which lives in a shadow root. */
export function inDialog(selector: string): string {
  return `(document.querySelector('factorgate-dialog')?.shadowRoot ?? document).querySelector(${JSON.stringify(selector)})`;
}

/** The id of the focused element, looked for inside shadow roots (the dialog's). */
export const FOCUSED_ID = '(() => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a && a.id; })()';
