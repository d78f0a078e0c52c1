import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// axe-core (a dev dependency) run inside the page as it is now, open shadow roots (the dialog's)
// included. Evaluated through the browser's debugging protocol, so no page's CSP stands in the way.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeResult = { violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> };

/** Every rule axe-core finds broken, as "rule: where"; a test expects none. `except` names rules a caller says why it sets aside. */
export async function axeViolations(page: Page, except: readonly string[] = []): Promise<string[]> {
  // Once per document: axe-core loaded twice into one page does not answer.
  if (await page.evaluate('typeof axe === "undefined"')) await page.evaluate(`${AXE_SOURCE}\n;0`);
  const rules = Object.fromEntries(except.map((rule) => [rule, { enabled: false }]));
  const result = await page.evaluate(`axe.run(document, { resultTypes: ["violations"], rules: ${JSON.stringify(rules)} })`) as AxeResult;
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/**
 * Shows in `viewer` (a tab that runs scripts) a page taken in a browser that runs none, where
 * axe-core cannot run: its markup, at the same origin, so its stylesheet loads as it did there.
 * `markup` should carry no script (see markupWithoutScripts): it would run there.
 */
export async function showMarkup(viewer: Page, origin: string, markup: string): Promise<void> {
  await viewer.goto(`${origin}/mfa/static/factorgate.css`); // an address of that origin that is no page
  await viewer.setContent(markup, { waitUntil: 'load' });
}

/** A page's markup as it stands, its scripts left out (a page shown without a script never ran them). */
export async function markupWithoutScripts(page: Page): Promise<string> {
  return page.evaluate<string>("(() => { const root = document.documentElement.cloneNode(true); root.querySelectorAll('script').forEach((s) => s.remove()); return '<!doctype html>' + root.outerHTML; })()");
}
