import type { Page } from 'playwright-core';

/** The two sizes every page is checked at: a laptop, and a phone (an iPhone 12 to 15's CSS pixels). */
export const VIEWPORTS = [{ name: 'desktop', width: 1280, height: 800 }, { name: 'phone', width: 390, height: 844 }] as const;

/**
 * What sticks out past the viewport's right edge: the page's own scroll width, and each visible
 * element whose box ends beyond it (described by tag, id and class). Empty when the page fits.
 */
export async function widerThanViewport(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(MEASURE);
}

// Runs in the page (a string: the tests are compiled without the DOM's types).
const MEASURE = `(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px in ' + width + ' px');
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue; // hidden, or the 1 px screen-reader-only text
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.') : '');
    if (box.right > width + 0.5) out.push('<' + name + '> ends at ' + Math.round(box.right) + ' px in ' + width + ' px');
  }
  return out;
})()`;

/**
 * factorgate's card or open dialog, or the demo gateway's own card (the first page a person
 * trying the demo sees), where it comes closer than `margin` px to a side of the viewport: on a
 * phone it should not touch the screen's edges. Empty when it keeps its margin.
 */
export async function cardsAtTheEdge(page: Page, margin = 8): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const dialog = document.querySelector('factorgate-dialog')?.shadowRoot?.querySelector('#fg-dialog[open]');
    const out = [];
    for (const el of [...document.querySelectorAll('.fg-card, body > main'), ...(dialog ? [dialog] : [])]) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1) continue;
      if (box.left < ${margin} || box.right > width - ${margin}) out.push('<' + el.tagName.toLowerCase() + '.' + el.className.split(' ').join('.') + '> spans ' + Math.round(box.left) + ' to ' + Math.round(box.right) + ' px of ' + width + ' px');
    }
    return out;
  })()`);
}

/**
 * The page's actions that its first screen does not show, scrolled to the top: each filled button
 * (a button not drawn as a link, or a link drawn as a button: the step's action) and the last
 * control, the way out that every page puts last (Cancel, "Keep it", "Back to ..."), and the first
 * shown element of each selector in `also` (a notice, the field it is about). Looked for in
 * factorgate's open dialog (which scrolls inside itself), else its card, else the demo gateway's
 * own card. Empty when a person sees them all without scrolling.
 */
export async function actionsOffScreen(page: Page, also: readonly string[] = []): Promise<string[]> {
  return page.evaluate<string[]>(`((also) => ${OFF_SCREEN})(${JSON.stringify(also)})`);
}

const OFF_SCREEN = `{
  const dialog = document.querySelector('factorgate-dialog')?.shadowRoot?.querySelector('#fg-dialog[open]');
  const root = dialog ?? document.querySelector('.fg-card') ?? document.querySelector('body > main');
  if (!root) return ['no dialog or card on the page'];
  window.scrollTo(0, 0);
  for (let el = root; el; el = el.parentElement) el.scrollTop = 0;
  // checkVisibility: not inside a closed <details> (whose content still has boxes) or anything hidden.
  const shown = (el) => { const box = el.getBoundingClientRect(); return box.width > 1 && box.height > 1 && el.checkVisibility({ visibilityProperty: true }); };
  const controls = [...root.querySelectorAll('button, input[type="submit"], a[href], summary')].filter(shown);
  if (controls.length === 0) return ['no control on the page'];
  const filled = controls.filter((el) => (el.matches('button, input[type="submit"]') && !el.classList.contains('fg-link')) || el.classList.contains('fg-button'));
  const named = also.map((selector) => [...root.querySelectorAll(selector)].find(shown) ?? selector);
  const out = named.filter((found) => typeof found === 'string').map((selector) => 'nothing shown matches ' + selector);
  const checked = [...new Set([...filled, controls[controls.length - 1], ...named.filter((found) => typeof found !== 'string')])];
  // What is seen: the viewport, cut by every box around the control that clips what it holds.
  const seen = (el) => {
    let top = 0, bottom = document.documentElement.clientHeight;
    for (let box = el.parentElement ?? el.getRootNode().host; box; box = box.parentElement ?? box.getRootNode().host) {
      if (getComputedStyle(box).overflowY === 'visible') continue;
      const r = box.getBoundingClientRect();
      top = Math.max(top, r.top);
      bottom = Math.min(bottom, r.bottom);
    }
    return { top, bottom };
  };
  for (const el of checked) {
    const box = el.getBoundingClientRect();
    const { top, bottom } = seen(el);
    if (box.top < top - 0.5 || box.bottom > bottom + 0.5) {
      out.push('<' + el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '> "' + el.textContent.trim().replace(/\\s+/g, ' ') + '" spans ' + Math.round(box.top) + ' to ' + Math.round(box.bottom) + ' px, ' + Math.round(top) + ' to ' + Math.round(bottom) + ' px seen');
    }
  }
  return out;
}`;
